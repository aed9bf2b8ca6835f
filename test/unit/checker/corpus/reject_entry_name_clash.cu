#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

static int pike_entry = 0; // EXPECT: [entry] [static-state]

extern "C" int my_slot(const PikeTensorRef *inputs, int32_t num_inputs,
                       PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  return 0;
}
