#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

__global__ void fill(float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = 0.f;
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  cudaStream_t side; // EXPECT: [stream]
  cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking); // EXPECT: [stream]
  fill<<<1, 32, 0, side>>>((float *)outputs[0].data, 32); // EXPECT: [stream]
  cudaMemcpyAsync(outputs[0].data, inputs[0].data, 4, cudaMemcpyDeviceToDevice, side); // EXPECT: [stream]
  cudaStream_t other = (cudaStream_t)0; // EXPECT: [stream]
  other = side; // EXPECT: [stream]
  return 0;
}
