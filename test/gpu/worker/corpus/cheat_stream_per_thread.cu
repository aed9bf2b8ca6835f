// Cheat: the GEMM goes to cudaStreamPerThread instead of the stream passed in, no sync.
// The per-thread stream does not order with a non-blocking stream, so the evaluator's
// events time nothing. Expected `rejected` (work outside the timed stream) or
// `incorrect` (output read before it was written).
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#define T 16
__global__ void gemm(const float *__restrict__ A, const float *__restrict__ B, float *__restrict__ C,
                     int K, int N) {
  __shared__ float As[T][T], Bs[T][T + 1];
  int row = blockIdx.y * T + threadIdx.y, col = blockIdx.x * T + threadIdx.x;
  float acc = 0.f;
  for (int k0 = 0; k0 < K; k0 += T) {
    As[threadIdx.y][threadIdx.x] = A[row * K + k0 + threadIdx.x];
    Bs[threadIdx.y][threadIdx.x] = B[(k0 + threadIdx.y) * N + col];
    __syncthreads();
#pragma unroll
    for (int k = 0; k < T; ++k)
      acc += As[threadIdx.y][k] * Bs[k][threadIdx.x];
    __syncthreads();
  }
  C[row * N + col] = acc;
}

extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  int M = (int)in[0].sizes[0], K = (int)in[0].sizes[1], N = (int)in[1].sizes[1];
  gemm<<<dim3(N / T, M / T), dim3(T, T), 0, cudaStreamPerThread>>>(
      (const float *)in[0].data, (const float *)in[1].data, (float *)out[0].data, K, N);
  return (int)cudaGetLastError();
}
