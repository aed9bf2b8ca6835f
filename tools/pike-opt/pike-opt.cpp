// pike-opt: mlir-opt for the pike dialect that also reads PyTorch models. A .pt
// or .pt2 input is imported first (FrontEnd.h); `--emit=` picks how far pike's
// pipeline (lib/Pipelines) goes; passes named on the command line run between
// its partitioning prefix and its reporting/emission suffix (PipelineFlags.h).
#include "CommandLine.h"
#include "FrontEnd.h"
#include "PipelineFlags.h"

#include "pike/Passes/Passes.h"
#include "pike/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <new>
#include <sys/prctl.h>

using namespace mlir;

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  // InitLLVM makes a failed allocation abort ("LLVM ERROR: out of memory"); a
  // damaged model asking LibTorch for an absurd buffer must throw std::bad_alloc
  // instead, which the importer turns into a diagnostic.
  std::set_new_handler(nullptr);
  // pike-opt holds the LLM keys in its environment, and the candidates its
  // workers run have this user's uid: keep /proc/<pid>/environ and mem closed.
  ::prctl(PR_SET_DUMPABLE, 0);
  DialectRegistry registry;
  registry.insert<pike::PikeDialect, func::FuncDialect>();
  pike::registerPikePasses();
  pike::registerPikePipelines();
  registerCanonicalizerPass();
  registerCSEPass();
  registerSymbolDCEPass();
  registerInlinerPass();

  pike::tools::ParsedCommandLine cli = pike::tools::parseCommandLine(argc, argv, registry);
  MLIRContext context(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  if (pike::tools::emitsTorchScriptGraph())
    return pike::tools::writeTorchScriptGraph(context, cli.inputFilename, cli.outputFilename);

  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  std::string outputFilename = cli.outputFilename;
  if (failed(pike::tools::setUpPipeline(config, context, cli, outputFilename)))
    return 1;
  std::unique_ptr<llvm::MemoryBuffer> input = pike::tools::loadInput(context, cli.inputFilename);
  if (!input)
    return 1;
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (failed(MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
