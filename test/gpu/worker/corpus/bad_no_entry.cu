// Broken: the entry is not exported with C linkage, so the symbol is mangled.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
               cudaStream_t stream) {
  return 0;
}
