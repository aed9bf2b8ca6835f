// A candidate is compiled alone in an empty directory: only system, CUDA and
// pike's ABI header exist (quoted or not), and no path may reach outside them.
#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"
#include "cuda_fp16.h"
#include "candidate.cu" // EXPECT: [include]
#include "my_helpers.cuh" // EXPECT: [include]
#include "/etc/cuda_tricks.h" // EXPECT: [include]
#include <../../tmp/cached_result.h> // EXPECT: [include]

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  return 0;
}
