// pike-opt: mlir-opt for the pike dialect that also reads TorchScript (.pt)
// files. A .pt input is imported first; `--emit=` picks how far the default
// pipeline goes; passes named on the command line run between the ladder's
// partitioning prefix and its reporting/emission suffix.
#include "pike/Importer/TorchScriptImporter.h"
#include "pike/Passes/Passes.h"
#include "pike/Support/MlirInputBounds.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"

#include <new>
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstdlib>
#include <fstream>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory pikeCategory("pike options");
static cl::opt<std::string> inputSpecOpt(
    "input-spec", cl::desc("Input shapes for a .pt model: a JSON file or e.g. 1x3x32x32xf32,8xi64"),
    cl::init(""), cl::cat(pikeCategory));
static cl::opt<std::string> emitOpt(
    "emit", cl::desc("How far to go: torchscript-graph, pike, regions, kernels, package"),
    cl::init("pike"), cl::cat(pikeCategory));
static cl::opt<std::string> reportOpt(
    "report", cl::desc("Region report destination for --emit=regions/kernels ('-' is stderr; .json for JSON)"),
    cl::init("-"), cl::cat(pikeCategory));
static cl::opt<bool> cudaGraphsOpt(
    "cuda-graphs", cl::desc("--emit=package: run the model as one CUDA graph"), cl::init(true),
    cl::cat(pikeCategory));
static cl::opt<bool> buildPackageOpt(
    "build-package", cl::desc("--emit=package: build lib/libpike_ops.so with CMake"),
    cl::init(false), cl::cat(pikeCategory));
static cl::opt<std::string> precisionOpt(
    "precision", cl::desc("--emit=package precision policy: fp32 (default) or tf32"),
    cl::init("fp32"), cl::cat(pikeCategory));
static cl::opt<std::string> channelsLastOpt(
    "channels-last",
    cl::desc("--emit=package layout policy of the runtime: never, auto (default: time both "
             "layouts on the first call, keep the faster) or always"),
    cl::init("auto"), cl::cat(pikeCategory));
static cl::opt<std::string> llmRecordOpt(
    "llm-record", cl::desc("Record every LLM exchange of -pike-llm-search into this directory"),
    cl::init(""), cl::cat(pikeCategory));
static cl::opt<std::string> llmReplayOpt(
    "llm-replay", cl::desc("Serve every LLM exchange of -pike-llm-search from this directory"),
    cl::init(""), cl::cat(pikeCategory));
static cl::opt<std::string> applyDbOpt(
    "pike-apply-db",
    cl::desc("Install each slot's best kernel from this tuning database (no search, no GPU)"),
    cl::init(""), cl::cat(pikeCategory));
static cl::opt<uint64_t> maxInputBytesOpt(
    "max-input-bytes", cl::desc("Refuse a .mlir input larger than this (bytes)"),
    cl::init(pike::kDefaultMaxMlirInputBytes), cl::cat(pikeCategory));
static cl::opt<unsigned> maxNestingOpt(
    "max-nesting", cl::desc("Refuse a .mlir input nested deeper than this (brackets, braces, regions)"),
    cl::init(pike::kDefaultMaxMlirNesting), cl::cat(pikeCategory));
static cl::opt<std::string> weightsFileOpt(
    "weights-file",
    cl::desc("Where imported weights go (default: <model>.weights.safetensors beside the model)"),
    cl::init(""), cl::cat(pikeCategory));

namespace {

bool isTorchScriptFile(StringRef path) {
  if (path == "-")
    return false;
  if (path.ends_with(".pt") || path.ends_with(".pth") || path.ends_with(".torchscript"))
    return true;
  std::ifstream in(path.str(), std::ios::binary);
  char magic[4] = {0, 0, 0, 0};
  in.read(magic, 4);
  return magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

struct Ladder {
  std::string prefix;
  std::string suffix;
};

FailureOr<Ladder> ladderFor(StringRef emit, StringRef report, StringRef packageDir) {
  std::string reportPass = "pike-region-report{output=" + report.str() + "}";
  if (emit == "package")
    return Ladder{"func.func(pike-fuse),pike-outline",
                  std::string(precisionOpt == "tf32" ? "pike-check-precision," : "") +
                      "pike-region-report{output=" + packageDir.str() + "/regions.json}," +
                      "pike-emit-package{output-dir=" + packageDir.str() +
                      " cuda-graphs=" + (cudaGraphsOpt ? "true" : "false") +
                      " build=" + (buildPackageOpt ? "true" : "false") +
                      " tf32=" + (precisionOpt == "tf32" ? "true" : "false") +
                      " channels-last=" + channelsLastOpt + "}"};
  if (emit == "pike")
    return Ladder{"", ""};
  if (emit == "regions")
    return Ladder{"func.func(pike-fuse)", reportPass};
  if (emit == "kernels")
    return Ladder{"func.func(pike-fuse),pike-outline", reportPass};
  return failure();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  // InitLLVM makes a failed allocation abort ("LLVM ERROR: out of memory"); a
  // damaged model asking LibTorch for an absurd buffer must throw std::bad_alloc
  // instead, which the importer turns into a diagnostic.
  std::set_new_handler(nullptr);
  DialectRegistry registry;
  registry.insert<pike::PikeDialect, func::FuncDialect>();
  pike::registerPikePasses();
  registerCanonicalizerPass();
  registerCSEPass();
  registerSymbolDCEPass();
  registerInlinerPass();

  auto [inputFilename, outputFilenameArg] =
      registerAndParseCLIOptions(argc, argv, "pike optimizer driver\n", registry);
  std::string outputFilename = outputFilenameArg;
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();

  // The LLM pass reads these (its own llm= options take precedence).
  if (!llmRecordOpt.empty())
    ::setenv("PIKE_LLM_RECORD", llmRecordOpt.c_str(), 1);
  if (!llmReplayOpt.empty())
    ::setenv("PIKE_LLM_REPLAY", llmReplayOpt.c_str(), 1);
  MLIRContext importContext(registry);
  llvm::SourceMgr importSourceMgr;
  SourceMgrDiagnosticHandler importDiagnostics(importSourceMgr, &importContext);

  if (emitOpt == "torchscript-graph") {
    std::string graph;
    if (!pike::dumpTorchScriptGraph(importContext, inputFilename, graph))
      return 1;
    std::string error;
    auto out = openOutputFile(outputFilename, &error);
    if (!out) {
      llvm::errs() << error << "\n";
      return 1;
    }
    out->os() << graph;
    out->keep();
    return 0;
  }
  if (channelsLastOpt != "never" && channelsLastOpt != "auto" && channelsLastOpt != "always") {
    llvm::errs() << "error: unknown --channels-last='" << channelsLastOpt
                 << "' (expected never, auto or always)\n";
    return 1;
  }
  if (precisionOpt != "fp32" && precisionOpt != "tf32") {
    llvm::errs() << "error: unknown --precision='" << precisionOpt << "' (expected fp32 or tf32)\n";
    return 1;
  }
  // --emit=package: -o names the package directory; the IR goes inside it.
  std::string packageDir;
  if (emitOpt == "package") {
    if (outputFilename == "-") {
      llvm::errs() << "error: --emit=package needs -o <package directory>\n";
      return 1;
    }
    packageDir = std::string(outputFilename);
    if (std::error_code ec = llvm::sys::fs::create_directories(packageDir)) {
      llvm::errs() << "error: cannot create '" << packageDir << "': " << ec.message() << "\n";
      return 1;
    }
    outputFilename = packageDir + "/model.pike.mlir";
  }
  FailureOr<Ladder> ladder = ladderFor(emitOpt, reportOpt, packageDir);
  if (failed(ladder)) {
    llvm::errs() << "error: unknown --emit='" << emitOpt
                 << "' (expected torchscript-graph, pike, regions, kernels or package)\n";
    return 1;
  }

  std::unique_ptr<llvm::MemoryBuffer> buffer;
  if (isTorchScriptFile(inputFilename)) {
    // A torch.export archive records its input shapes; TorchScript does not.
    if (inputSpecOpt.empty() && !pike::isExportedProgramPath(inputFilename)) {
      llvm::errs() << "error: '" << inputFilename
                   << "' is a TorchScript model: pass --input-spec (JSON file or e.g. 1x3x32x32xf32)\n";
      return 1;
    }
    pike::ImportOptions options;
    std::string error;
    if (!inputSpecOpt.empty() && !pike::InputSpec::parse(inputSpecOpt, options.inputSpec, error)) {
      llvm::errs() << "error: bad --input-spec: " << error << "\n";
      return 1;
    }
    options.weightsFile = weightsFileOpt;
    if (options.weightsFile.empty()) {
      llvm::SmallString<256> p(inputFilename);
      llvm::sys::path::replace_extension(p, "weights.safetensors");
      options.weightsFile = std::string(p);
    }
    OwningOpRef<ModuleOp> module = pike::importTorchScript(importContext, inputFilename, options);
    if (!module)
      return 1;
    std::string text;
    llvm::raw_string_ostream os(text);
    // With locations: passes after the import point at the model's Python lines.
    module->print(os, OpPrintingFlags().enableDebugInfo(true));
    os.flush();
    buffer = llvm::MemoryBuffer::getMemBufferCopy(text, inputFilename);
  } else {
    std::string error;
    buffer = openInputFile(inputFilename, &error);
    if (!buffer) {
      llvm::errs() << error << "\n";
      return 1;
    }
    // MLIR's parser recurses per nesting level; refuse what would overflow the stack.
    if (!pike::checkMlirInputBounds(*buffer, maxInputBytesOpt, maxNestingOpt, error)) {
      llvm::errs() << error << "\n";
      return 1;
    }
  }

  // Ladder prefix, then the command line's own passes, then the ladder suffix.
  MlirOptMainConfig cliConfig = config;
  Ladder steps = *ladder;
  std::string applyDb = applyDbOpt;
  config.setPassPipelineSetupFn([cliConfig, steps, applyDb](PassManager &pm) mutable -> LogicalResult {
    if (!steps.prefix.empty() && failed(parsePassPipeline(steps.prefix, pm)))
      return failure();
    // Built directly, not spliced into a pipeline string: a path holding '}',
    // ',' or spaces must not end the option or add a pass.
    if (!applyDb.empty()) {
      pike::PikeApplyTuningDbOptions dbOptions;
      dbOptions.db = applyDb;
      pm.addPass(pike::createPikeApplyTuningDb(dbOptions));
    }
    if (failed(cliConfig.setupPassPipeline(pm)))
      return failure();
    if (!steps.suffix.empty() && failed(parsePassPipeline(steps.suffix, pm)))
      return failure();
    return success();
  });

  std::string error;
  auto output = openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (failed(MlirOptMain(output->os(), std::move(buffer), registry, config)))
    return 1;
  output->keep();
  return 0;
}
