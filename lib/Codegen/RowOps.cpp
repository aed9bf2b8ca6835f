#include "Internal.h"
namespace pike::codegen::detail {
int64_t rowLength(pike::KernelOp) { return 0; }
bool emitRowOp(pike::KernelOp kernel, const Knobs &, bool, GeneratedKernel &, Unsupported &err) {
  err.op = kernel; err.reason = "row ops not yet supported"; return false;
}
}
