// Broken host launcher: dereferences a null pointer (SIGSEGV in the evaluator).
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  volatile int *p = nullptr;
  return *p;
}
