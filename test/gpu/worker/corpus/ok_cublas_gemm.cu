// Honest: C = A @ B through cuBLAS on the given stream (the manifest passes -lcublas, a
// flag the allow-list admits). The handle and its stream are set up on the first call
// and reused: legitimate static state. Row-major C = A B is column-major C^T = B^T A^T.
// Must be `ok`.
#include "pike/Runtime/KernelABI.h"
#include <cublas_v2.h>
#include <cuda_runtime.h>
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  static cublasHandle_t handle = nullptr;
  if (nin != 2 || nout != 1)
    return -1;
  if (!handle && cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS)
    return -1;
  if (cublasSetStream(handle, stream) != CUBLAS_STATUS_SUCCESS)
    return -1;
  int M = (int)in[0].sizes[0], K = (int)in[0].sizes[1], N = (int)in[1].sizes[1];
  const float one = 1.0f, zero = 0.0f;
  cublasStatus_t st = cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, N, M, K, &one, (const float *)in[1].data, N,
                                  (const float *)in[0].data, K, &zero, (float *)out[0].data, N);
  return st == CUBLAS_STATUS_SUCCESS ? (int)cudaGetLastError() : -1;
}
