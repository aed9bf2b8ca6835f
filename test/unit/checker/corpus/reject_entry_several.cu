#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

extern "C" int slot_a(const PikeTensorRef *inputs, int32_t num_inputs,
                      PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  return 0;
}

extern "C" int slot_b(const PikeTensorRef *inputs, int32_t num_inputs, // EXPECT: [entry]
                      PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  return 0;
}
