/* The fixed C ABI between pike and every kernel slot. No torch headers, no C++.
 *
 * A kernel slot is a host entry point compiled into a shared library (nvcc path):
 *
 *   extern "C" int <entry>(const PikeTensorRef *inputs, int32_t num_inputs,
 *                          PikeTensorRef *outputs, int32_t num_outputs,
 *                          cudaStream_t stream);
 *
 * - Tensors are dense and contiguous (row-major); callers make them so.
 * - Outputs are allocated by the caller with the shapes of the slot's signature;
 *   the kernel writes every element and must not keep pointers across calls.
 * - All device work is enqueued on `stream`; no synchronisation, no allocation on
 *   other streams, no static state that survives a call.
 * - Returns 0 on success, otherwise a cudaError_t value (or -1 for a shape mismatch).
 *
 * Device-only kernels (NVRTC path) instead export `extern "C" __global__` functions
 * whose parameters are the input pointers followed by the output pointers; the
 * launch geometry is static (shapes are static) and travels beside the source.
 */
#ifndef PIKE_RUNTIME_KERNELABI_H
#define PIKE_RUNTIME_KERNELABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PIKE_MAX_DIMS 8
#define PIKE_ABI_VERSION 1

typedef enum PikeDType {
  PIKE_FLOAT32 = 0,
  PIKE_FLOAT16 = 1,
  PIKE_BFLOAT16 = 2,
  PIKE_FLOAT64 = 3,
  PIKE_INT64 = 4,
  PIKE_INT32 = 5,
  PIKE_BOOL = 6,
  PIKE_UINT8 = 7,
  PIKE_INT8 = 8,
} PikeDType;

typedef struct PikeTensorRef {
  void *data;                     /* device pointer */
  int32_t dtype;                  /* PikeDType */
  int32_t ndim;
  int64_t sizes[PIKE_MAX_DIMS];
} PikeTensorRef;

struct CUstream_st;
typedef int (*PikeKernelEntry)(const PikeTensorRef *inputs, int32_t num_inputs,
                               PikeTensorRef *outputs, int32_t num_outputs,
                               struct CUstream_st *stream);

#ifdef __cplusplus
}
#endif
#endif /* PIKE_RUNTIME_KERNELABI_H */
