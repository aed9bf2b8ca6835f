// The GPU architecture of the search's workers (device_info), for arch=auto:
// tuning keys and the package then follow the GPU that measured the kernels.
#ifndef PIKE_PASSES_WORKERARCH_H
#define PIKE_PASSES_WORKERARCH_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

#include <string>

namespace pike {

/// Module attribute holding the architecture a search resolved (e.g. "sm_90");
/// pike-emit-package{cuda-arch=auto} builds for it.
inline constexpr const char *kCudaArchAttr = "pike.cuda_arch";

/// "sm_90a" -> "sm_90": tuning keys ignore the feature suffix.
std::string tuningArchOf(const std::string &deviceArch);

/// Asks the first worker of `workers` (local:N or host:port,...) for its GPU
/// (device_info) and returns its tuning architecture. Errors on the module,
/// naming the worker, when it cannot start or sees no GPU.
mlir::FailureOr<std::string> queryWorkerArch(mlir::ModuleOp module, const std::string &workers,
                                             const std::string &workerPath);

} // namespace pike

#endif
