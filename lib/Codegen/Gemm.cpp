#include "Internal.h"
namespace pike::codegen::detail {
bool emitGemm(pike::KernelOp kernel, const Knobs &, GeneratedKernel &, Unsupported &err) {
  err.op = kernel; err.reason = "gemm not yet supported"; return false;
}
}
