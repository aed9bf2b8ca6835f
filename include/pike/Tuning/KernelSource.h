// The nvcc-compilable C ABI translation unit of a kernel slot, whatever its impl.
#ifndef PIKE_TUNING_KERNELSOURCE_H
#define PIKE_TUNING_KERNELSOURCE_H

#include "pike/Dialect/PikeOps.h"

#include <string>

namespace pike {
/// `entrySymbol`: the C symbol the translation unit exports.
mlir::FailureOr<std::string> kernelLauncherSource(KernelOp kernel, const std::string &entrySymbol);
} // namespace pike

#endif
