// pike-opt's front end: a TorchScript (.pt) or torch.export (.pt2) model is
// imported into pike IR (--input-spec, --weights-file); a .mlir file is read
// within --max-input-bytes / --max-nesting.
#ifndef PIKE_TOOLS_PIKE_OPT_FRONTEND_H
#define PIKE_TOOLS_PIKE_OPT_FRONTEND_H

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace pike::tools {

/// The input as pike IR text (with locations for an imported model); null
/// after printing why not.
std::unique_ptr<llvm::MemoryBuffer> loadInput(mlir::MLIRContext &context,
                                              const std::string &inputFilename);

/// --emit=torchscript-graph: writes the model's TorchScript graph. Exit code.
int writeTorchScriptGraph(mlir::MLIRContext &context, const std::string &inputFilename,
                          const std::string &outputFilename);

} // namespace pike::tools

#endif
