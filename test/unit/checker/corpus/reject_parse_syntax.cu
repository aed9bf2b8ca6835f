#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

__global__ void k(float *y) {
  y[threadIdx.x] = undeclared_value; // EXPECT: [parse]
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  k<<<1, 32, 0, stream>>>((float *)outputs[0].data);
  return 0;
}
