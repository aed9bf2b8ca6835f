// The nvcc-compilable C ABI translation unit of a kernel slot, whatever its
// impl, and the set of them a package is given (the package writer takes
// kernel sources as given: it knows no generator).
#ifndef PIKE_TUNING_KERNELSOURCE_H
#define PIKE_TUNING_KERNELSOURCE_H

#include "pike/Dialect/PikeOps.h"
#include "pike/Package/PackageWriter.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace pike {
/// `entrySymbol`: the C symbol the translation unit exports.
mlir::FailureOr<std::string> kernelLauncherSource(KernelOp kernel, const std::string &entrySymbol);

/// Every slot `module` packages as a custom op -> its launcher source, exporting
/// kPackageEntryPlaceholder (writePackage names it).
mlir::FailureOr<PackageKernelSources> packageKernelSources(mlir::ModuleOp module);
} // namespace pike

#endif
