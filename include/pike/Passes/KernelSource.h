// The nvcc-compilable C ABI translation unit of a kernel slot, whatever its impl.
#ifndef PIKE_PASSES_KERNELSOURCE_H
#define PIKE_PASSES_KERNELSOURCE_H

#include "pike/Dialect/PikeOps.h"

#include <string>

namespace pike {
mlir::FailureOr<std::string> kernelLauncherSource(KernelOp kernel);
} // namespace pike

#endif
