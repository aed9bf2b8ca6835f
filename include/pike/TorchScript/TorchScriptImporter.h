// Lowers a TorchScript module (LibTorch, no Python) into the pike dialect.
#ifndef PIKE_TORCHSCRIPT_TORCHSCRIPTIMPORTER_H
#define PIKE_TORCHSCRIPT_TORCHSCRIPTIMPORTER_H

#include "pike/TorchScript/InputSpec.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace pike {

struct ImportOptions {
  InputSpec inputSpec;
  /// Where the weights of large constants are written (safetensors).
  std::string weightsFile;
  /// Constants with at most this many elements stay inline as pike.constant.
  int64_t inlineConstantLimit = 64;
};

/// Loads, freezes and inlines `path`, propagates shapes from the input spec
/// and builds `func.func @forward`. Diagnostics go to the context's handler
/// with TorchScript source locations; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp> importTorchScript(mlir::MLIRContext &context,
                                                    const std::string &path,
                                                    const ImportOptions &options);

/// True when `path` names a torch.export archive (.pt2): it carries its own
/// input shapes, so no input spec is needed.
bool isExportedProgramPath(const std::string &path);

/// The frozen, inlined TorchScript graph as LibTorch prints it (--emit=torchscript-graph).
bool dumpTorchScriptGraph(mlir::MLIRContext &context, const std::string &path,
                          std::string &graphText);

} // namespace pike

#endif
