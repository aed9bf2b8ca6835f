// Cheat: the GEMM runs on a private non-blocking stream and the launcher waits for it
// (cudaStreamSynchronize) before returning. The result is right, but the events the
// evaluator records on the stream it passed in bracket no work: the GEMM looks free.
// Wall clock around a full device sync sees the work: expected `rejected` ("work
// outside the timed stream").
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

static cudaStream_t side = nullptr;
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  if (!side)
    cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking);
  int M = (int)in[0].sizes[0], K = (int)in[0].sizes[1], N = (int)in[1].sizes[1];
  gemm<<<dim3(N / T, M / T), dim3(T, T), 0, side>>>((const float *)in[0].data, (const float *)in[1].data,
                                                    (float *)out[0].data, K, N);
  cudaStreamSynchronize(side); // results are complete when we return
  return (int)cudaGetLastError();
}
