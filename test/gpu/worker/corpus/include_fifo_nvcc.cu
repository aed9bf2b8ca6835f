// Hostile: the same FIFO #include (@FIFO@) on the nvcc path. Expected `compile_error`
// ("include not allowed") or `timeout` within the request's compile limit.
#include "@FIFO@"
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  return 0;
}
