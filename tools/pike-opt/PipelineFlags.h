// pike-opt's flags that choose the pipeline (--emit, --cuda-arch, --pike-apply-db,
// the package's policies, --llm-record/--llm-replay), mapped onto pike's
// registered pipeline (lib/Pipelines) around the passes of the command line.
#ifndef PIKE_TOOLS_PIKE_OPT_PIPELINEFLAGS_H
#define PIKE_TOOLS_PIKE_OPT_PIPELINEFLAGS_H

#include "CommandLine.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include <string>

namespace pike::tools {

/// --emit=torchscript-graph: print the TorchScript graph, run no pass.
bool emitsTorchScriptGraph();

/// Checks the flags and makes `config` run pike's pipeline around the command
/// line's passes. --emit=package: creates the package directory and points
/// `outputFilename` at the IR inside it. Prints the error and fails on bad flags.
mlir::LogicalResult setUpPipeline(mlir::MlirOptMainConfig &config, mlir::MLIRContext &context,
                                  const ParsedCommandLine &cli, std::string &outputFilename);

} // namespace pike::tools

#endif
