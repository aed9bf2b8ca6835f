// pike-opt's command line: pike's options first in --help, the search and LLM
// keys documented, MLIR's tracing options kept, LLVM's backend flags hidden
// (--help-hidden still lists them), --version with pike's build info.
#ifndef PIKE_TOOLS_PIKE_OPT_COMMANDLINE_H
#define PIKE_TOOLS_PIKE_OPT_COMMANDLINE_H

#include "mlir/IR/DialectRegistry.h"
#include "llvm/Support/CommandLine.h"

#include <string>

namespace pike::tools {

/// The category of pike-opt's own options (listed first by --help).
llvm::cl::OptionCategory &compileCategory();

struct ParsedCommandLine {
  std::string inputFilename;
  std::string outputFilename;
  /// True when --pass-pipeline was given (it replaces the whole pipeline).
  bool fullPipeline = false;
};

/// Registers MLIR's options (as mlir-opt does), arranges them for --help and
/// parses argv. --help and --version print to stdout and exit 0.
ParsedCommandLine parseCommandLine(int argc, char **argv, mlir::DialectRegistry &registry);

/// The --version text.
std::string versionText();

} // namespace pike::tools

#endif
