// Allowed global state: a cached cuBLAS handle, constants, __constant__ memory,
// shared memory, and a __device__ counter reset on the stream each call (a
// memset node, so it also works under CUDA graph capture).
#include <cuda_runtime.h>
#include <cublas_v2.h>
#include "pike/Runtime/KernelABI.h"

constexpr int kTile = 32;
static const float kTable[4] = {1.f, 2.f, 3.f, 4.f};
__constant__ float cScale[4] = {1.f, 2.f, 3.f, 4.f};
__device__ unsigned int gTicket;
__device__ const float dBias = 0.5f;

__global__ void finish(float *y, int n) {
  __shared__ float tile[kTile];
  tile[threadIdx.x] = y[threadIdx.x] * cScale[threadIdx.x % 4] + dBias;
  __syncthreads();
  unsigned int t = atomicAdd(&gTicket, 1u);
  if (t == gridDim.x - 1 && threadIdx.x < n) y[threadIdx.x] = tile[threadIdx.x];
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  static cublasHandle_t handle = nullptr;
  if (!handle && cublasCreate(&handle) != CUBLAS_STATUS_SUCCESS) return -1;
  cublasSetStream(handle, stream);
  const float alpha = 1.f, beta = 0.f;
  int n = (int)inputs[0].sizes[0];
  cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha,
              (const float *)inputs[0].data, n, (const float *)inputs[1].data, n, &beta,
              (float *)outputs[0].data, n);
  void *ticket = nullptr;
  cudaGetSymbolAddress(&ticket, gTicket);
  cudaMemsetAsync(ticket, 0, sizeof(unsigned int), stream);
  (void)kTable;
  finish<<<1, kTile, 0, stream>>>((float *)outputs[0].data, n);
  return (int)cudaGetLastError();
}
