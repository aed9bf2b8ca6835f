// Cheat: "returns" an input by pointing the output descriptor at it.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  out[0].data = in[0].data;
  return 0;
}
