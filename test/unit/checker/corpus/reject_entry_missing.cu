// EXPECT-FILE: [entry]
// The entry takes float pointers instead of PikeTensorRef: pike cannot call it.
#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

__global__ void noop() {}

extern "C" int pike_entry(const float *inputs, int32_t num_inputs, float *outputs,
                          int32_t num_outputs, cudaStream_t stream) {
  noop<<<1, 1, 0, stream>>>();
  return 0;
}
