#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

__global__ void fill(float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = 0.f;
}

static void helper(float *y, int n, cudaStream_t s = 0) {
  fill<<<1, 32, 0, s>>>(y, n);
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  float *y = (float *)outputs[0].data;
  fill<<<1, 32>>>(y, 32); // EXPECT: [stream]
  fill<<<1, 32, 0>>>(y, 32); // EXPECT: [stream]
  fill<<<1, 32, 0, 0>>>(y, 32); // EXPECT: [stream]
  fill<<<1, 32, 0, nullptr>>>(y, 32); // EXPECT: [stream]
  fill<<<1, 32, 0, cudaStreamLegacy>>>(y, 32); // EXPECT: [stream]
  fill<<<1, 32, 0, cudaStreamPerThread>>>(y, 32); // EXPECT: [stream]
  cudaMemsetAsync(y, 0, 128); // EXPECT: [stream]
  cudaMemcpy(y, y, 4, cudaMemcpyDeviceToDevice); // EXPECT: [stream]
  helper(y, 32); // EXPECT: [stream]
  cudaStreamSynchronize(0); // EXPECT: [stream] [host-call]
  return 0;
}
