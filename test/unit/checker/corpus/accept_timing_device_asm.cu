// Device inline PTX that reads no clock, warp intrinsics and events used only for
// ordering are fine.
#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

__device__ __forceinline__ unsigned laneId() {
  unsigned lane;
  asm volatile("mov.u32 %0, %%laneid;" : "=r"(lane));
  return lane;
}

__global__ void warpSum(const float *x, float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = i < n ? x[i] : 0.f;
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  if (laneId() == 0) atomicAdd(y, v);
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  int n = (int)inputs[0].sizes[0];
  cudaMemsetAsync(outputs[0].data, 0, sizeof(float), stream);
  warpSum<<<(n + 255) / 256, 256, 0, stream>>>((const float *)inputs[0].data,
                                                (float *)outputs[0].data, n);
  return (int)cudaGetLastError();
}
