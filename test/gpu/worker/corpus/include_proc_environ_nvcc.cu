// Hostile: #include </proc/self/environ> (angle brackets) on the nvcc path. Expected
// `compile_error`; the suite's secret must not appear in the reply.
#include </proc/self/environ>
#include "pike/Runtime/KernelABI.h"
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          struct CUstream_st *stream) {
  return 0;
}
