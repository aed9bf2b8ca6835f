#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs, // EXPECT: [entry]
               PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  return 0;
}
