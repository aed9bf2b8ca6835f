// Hostile: cudaDeviceReset() inside the launcher, which destroys the CUDA context of the
// process running it (every mapping and stream the evaluator set up there). It must cost
// only that process: expected `runtime_error`, and the next candidates are evaluated
// normally.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  cudaDeviceReset();
  return 0;
}
