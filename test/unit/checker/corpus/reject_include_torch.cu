// torch, ATen and c10 headers are rejected even where they exist.
#include <cuda_runtime.h>
#include <torch/extension.h> // EXPECT: [include]
#include "pike/Runtime/KernelABI.h"

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  return 0;
}
