#include "CommandLine.h"
#include "SearchKeysHelp.h"

#include "pike/BuildInfo.h"
#include "pike/Support/DataDir.h"

#include "mlir/Debug/Counter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace pike::tools {
namespace {

// LLVM's --help prints categories sorted by name: these names give the order
// pike's options, passes, MLIR tracing, help/version.
cl::OptionCategory &passesCategory() {
  static const std::string description =
      "Passes run between partitioning and emission, in command-line order, e.g.\n"
      "  -pike-search=\"workers=local:1 db=tune.db budget=64 islands=2\"\n"
      "A value holding spaces, '}' or ',' goes in quotes: db='my dir/tune.db'.\n"
      "pike-default-pipeline, pike-search-pipeline and pike-llm-pipeline are the\n"
      "same ladder as --emit, for --pass-pipeline.\n"
      "\n"
      "  Search knobs: options of -pike-search and -pike-llm-search (budget=64), below;\n"
      "  their search='key=value,...' string takes the same keys and is applied last:\n" +
      searchKeysHelp() + (llmKeysHelp().empty() ? std::string()
                                                : "\n  Keys of llm= (-pike-llm-search), 'key=value,...':\n" +
                                                      llmKeysHelp());
  static cl::OptionCategory category("Passes and the kernel search", description);
  return category;
}

cl::OptionCategory &mlirCategory() {
  static cl::OptionCategory category("Tracing and debugging (MLIR)");
  return category;
}

cl::OptionCategory &helpCategory() {
  static cl::OptionCategory category("Version and help");
  return category;
}

/// MLIR options worth listing in --help; every other non-pike option is hidden.
const llvm::StringSet<> &listedMlirOptions() {
  static const llvm::StringSet<> names = {
      "mlir-print-ir-after-all", "mlir-print-ir-before-all", "mlir-print-ir-after",
      "mlir-print-ir-before", "mlir-print-ir-after-failure", "mlir-print-debuginfo",
      "mlir-print-op-generic", "mlir-timing", "mlir-pass-statistics", "mlir-disable-threading",
      "verify-diagnostics", "split-input-file", "dump-pass-pipeline", "emit-bytecode",
      "mlir-pass-pipeline-crash-reproducer", "verify-each"};
  return names;
}

void arrangeHelp() {
  llvm::StringMap<cl::Option *> &options = cl::getRegisteredOptions();
  // One cl::list carries every registered pass (-pike-search, -canonicalize, ...).
  cl::Option *passList = nullptr;
  if (auto it = options.find("pike-fuse"); it != options.end())
    passList = it->second;
  llvm::SmallPtrSet<cl::Option *, 32> seen;
  for (auto &entry : options) {
    cl::Option *opt = entry.second;
    if (!seen.insert(opt).second)
      continue;
    llvm::StringRef name = opt->ArgStr;
    if (llvm::is_contained(opt->Categories, &compileCategory()))
      continue;
    if (opt == passList || name == "pass-pipeline") {
      opt->Categories.assign({&passesCategory()});
    } else if (name == "o") {
      opt->Categories.assign({&compileCategory()});
    } else if (name == "help" || name == "help-hidden" || name == "help-list" || name == "version") {
      opt->Categories.assign({&helpCategory()});
    } else if (listedMlirOptions().contains(name)) {
      opt->Categories.assign({&mlirCategory()});
    } else {
      opt->setHiddenFlag(cl::Hidden);
    }
  }
}

} // namespace

cl::OptionCategory &compileCategory() {
  static cl::OptionCategory category("Compiling a model (pike)");
  return category;
}

std::string versionText() {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "pike " << PIKE_VERSION_STRING << " (commit " << PIKE_GIT_COMMIT << ")\n"
     << "  MLIR/LLVM " << LLVM_VERSION_STRING << "\n"
     << "  LibTorch " << PIKE_BUILD_TORCH_VERSION << "\n"
     << "  CUDA toolkit " << PIKE_BUILD_CUDA_VERSION << "\n";
  // Package templates and LLM prompts are both read from here.
  try {
    os << "  data directory " << pike::dataDir() << "\n";
  } catch (const std::exception &e) {
    os << "  data directory: " << e.what() << "\n";
  }
  return text;
}

ParsedCommandLine parseCommandLine(int argc, char **argv, mlir::DialectRegistry &registry) {
  // What mlir::registerAndParseCLIOptions does, with the help arranged before parsing.
  static cl::opt<std::string> inputFilename(cl::Positional, cl::desc("<model.pt | input.mlir>"),
                                            cl::init("-"));
  static cl::opt<std::string> outputFilename(
      "o", cl::desc("Output file (--emit=package: the package directory)"),
      cl::value_desc("path"), cl::init("-"));
  mlir::MlirOptMainConfig::registerCLOptions(registry);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  mlir::tracing::DebugCounter::registerCLOptions();
  arrangeHelp();
  cl::SetVersionPrinter([](llvm::raw_ostream &os) { os << versionText(); });
  cl::ParseCommandLineOptions(
      argc, argv,
      "pike-opt: compile a PyTorch model (TorchScript .pt) or pike IR (.mlir):\n"
      "import, partition into kernel slots, search or install CUDA kernels, write\n"
      "an AOT package. --help-hidden lists every LLVM/MLIR option as well.\n");
  ParsedCommandLine parsed;
  parsed.inputFilename = inputFilename;
  parsed.outputFilename = outputFilename;
  if (auto it = cl::getRegisteredOptions().find("pass-pipeline");
      it != cl::getRegisteredOptions().end())
    parsed.fullPipeline = it->second->getNumOccurrences() > 0;
  return parsed;
}

} // namespace pike::tools
