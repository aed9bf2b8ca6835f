// Broken launcher: asks for 1 TiB of scratch and returns the allocation error.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  void *scratch = nullptr;
  cudaError_t e = cudaMallocAsync(&scratch, size_t(1) << 40, stream);
  if (e != cudaSuccess)
    return (int)e;
  cudaFreeAsync(scratch, stream);
  return 0;
}
