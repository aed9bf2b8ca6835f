// Cheat: a 2 ms delay kernel on a private stream, then the real GEMM on that stream
// after it, no sync. The evaluator's stream finishes at once; the output is written
// long after the timed window. Expected `rejected` (work outside the timed stream) or
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

__global__ void delay(long long cycles) {
  long long start = clock64();
  while (clock64() - start < cycles) {
  }
}
static cudaStream_t side = nullptr;
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  if (!side)
    cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking);
  int M = (int)in[0].sizes[0], K = (int)in[0].sizes[1], N = (int)in[1].sizes[1];
  delay<<<1, 1, 0, side>>>(2000000LL * 2); // ~2 ms at ~2 GHz
  gemm<<<dim3(N / T, M / T), dim3(T, T), 0, side>>>((const float *)in[0].data, (const float *)in[1].data,
                                                    (float *)out[0].data, K, N);
  return (int)cudaGetLastError();
}
