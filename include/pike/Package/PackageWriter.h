// The AOT package: kernel sources, a custom-op library (TORCH_LIBRARY) built
// with CMake, the rewritten TorchScript module calling it, a CMake package
// config and a report. Loadable where pike itself is not installed.
#ifndef PIKE_PACKAGE_PACKAGEWRITER_H
#define PIKE_PACKAGE_PACKAGEWRITER_H

#include "pike/Dialect/PikeOps.h"
#include "pike/Support/Precision.h"

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <string>

namespace pike {

struct PackageOptions {
  std::string outputDir;
  /// Wrap the model in one CUDA graph (pays the CPU launch cost once).
  bool cudaGraphs = true;
  /// Run CMake to build lib/libpike_ops.so after writing the sources.
  bool build = false;
  std::string cudaArch = "90";
  /// The precision policy: reported, part of the namespace, and (unless fp32)
  /// TF32 in the cuBLAS/cuDNN calls left to PyTorch.
  Precision precision = Precision::FP32;
  /// The runtime's default layout policy (never, auto, always; the environment
  /// variable PIKE_CHANNELS_LAST overrides it where the package runs).
  std::string channelsLast = "never";
  /// Where data/package templates live ("": pike::dataDir()).
  std::string dataDir;
};

/// Slot symbol -> the nvcc-compilable C ABI source of that slot, exporting its
/// entry as kPackageEntryPlaceholder. The writer takes these as given, builds
/// each distinct source once (slots whose code is the same share it) and names
/// the entry packageEntry(namespace, first slot): unique per package, so
/// packages loaded into one process never bind to each other's kernels.
/// lib/Tuning's packageKernelSources makes them.
inline constexpr const char *kPackageEntryPlaceholder = "pike_package_entry";
using PackageKernelSources = std::map<std::string, std::string>;

/// True for a slot the package runs as a custom op (its impl is not "reference").
bool packagesAsCustomOp(KernelOp kernel);

/// The C symbol slot `kernel` exports inside the package of namespace `ns`.
std::string packageEntry(const std::string &ns, KernelOp kernel);

/// Deterministic op namespace for a module built with `options` ("pike_" +
/// hash of its IR and of the options that change the built library: CUDA
/// graphs, target architecture, precision and layout policies), so two packages that differ
/// in any of them can be loaded into one process.
std::string packageNamespace(mlir::ModuleOp module, const PackageOptions &options);

/// `kernelSources` must hold every slot that packagesAsCustomOp.
mlir::LogicalResult writePackage(mlir::ModuleOp module, const PackageOptions &options,
                                 const PackageKernelSources &kernelSources);

} // namespace pike

#endif
