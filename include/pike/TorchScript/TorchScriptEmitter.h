// pike IR -> TorchScript. Used for the package's rewritten module (kernel slots
// become custom-op calls) and for each slot's reference module (what the worker
// compares a candidate against).
#ifndef PIKE_TORCHSCRIPT_TORCHSCRIPTEMITTER_H
#define PIKE_TORCHSCRIPT_TORCHSCRIPTEMITTER_H

#include "pike/Dialect/PikeOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <string>

namespace pike {

struct EmitTorchScriptOptions {
  /// Namespace of the package's custom ops (unique per package, so several
  /// packages load into one process).
  std::string opNamespace = "pike";
  /// Slots for which this returns true become `<ns>::<symbol>` calls; the
  /// others run their reference body inline.
  std::function<bool(KernelOp)> useCustomOp = [](KernelOp) { return false; };
};

/// Writes `func` as the forward() of a TorchScript module at `path`.
mlir::LogicalResult emitTorchScriptModule(mlir::ModuleOp module, mlir::func::FuncOp func,
                                          const EmitTorchScriptOptions &options,
                                          const std::string &path);

/// Writes the reference body of `kernel` as a module whose forward takes the
/// slot's arguments in order and returns its results (a tuple if several).
mlir::LogicalResult emitKernelReference(mlir::ModuleOp module, KernelOp kernel,
                                        const std::string &path);

/// Writes the package's outer module: forward(x0..xn) calls
/// `<ns>::graph_forward([x0..xn])` and returns its tensors.
mlir::LogicalResult emitGraphForwardWrapper(const std::string &opNamespace, unsigned numInputs,
                                            unsigned numOutputs, const std::string &path,
                                            mlir::Location loc);

} // namespace pike

#endif
