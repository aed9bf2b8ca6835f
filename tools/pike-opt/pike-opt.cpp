// pike-opt: mlir-opt for the pike dialect that also reads TorchScript (.pt)
// files. A .pt input is imported first; `--emit=` picks how far the default
// pipeline goes; passes named on the command line run between the ladder's
// partitioning prefix and its reporting/emission suffix (Pipeline.h).
#include "CommandLine.h"
#include "CudaArch.h"
#include "Pipeline.h"

#include "pike/TorchScript/TorchScriptImporter.h"
#include "pike/Passes/Passes.h"
#include "pike/Search/TimeBudget.h"
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
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstdlib>
#include <fstream>
#include <new>
#include <sys/prctl.h>

using namespace mlir;
namespace cl = llvm::cl;
using pike::tools::compileCategory;

static cl::opt<std::string> inputSpecOpt(
    "input-spec", cl::desc("Input shapes for a .pt model: a JSON file or e.g. 1x3x32x32xf32,8xi64"),
    cl::init(""), cl::cat(compileCategory()));
static cl::opt<std::string> emitOpt(
    "emit", cl::desc("How far to go: torchscript-graph, pike, regions, kernels, package"),
    cl::init("pike"), cl::cat(compileCategory()));
static cl::opt<std::string> reportOpt(
    "report", cl::desc("Region report destination for --emit=regions/kernels ('-' is stderr; .json for JSON)"),
    cl::init("-"), cl::cat(compileCategory()));
static cl::opt<std::string> cudaArchOpt(
    "cuda-arch",
    cl::desc("GPU architecture of tuning keys, search and package: sm_NN, or auto (default): "
             "the worker's GPU when a search runs, else the tuning database's records, else sm_90"),
    cl::init("auto"), cl::cat(compileCategory()));
static cl::opt<bool> cudaGraphsOpt(
    "cuda-graphs", cl::desc("--emit=package: run the model as one CUDA graph"), cl::init(true),
    cl::cat(compileCategory()));
static cl::opt<bool> buildPackageOpt(
    "build-package", cl::desc("--emit=package: build lib/libpike_ops.so with CMake"),
    cl::init(false), cl::cat(compileCategory()));
static cl::opt<std::string> precisionOpt(
    "precision", cl::desc("--emit=package precision policy: fp32 (default) or tf32"),
    cl::init("fp32"), cl::cat(compileCategory()));
static cl::opt<std::string> channelsLastOpt(
    "channels-last",
    cl::desc("--emit=package layout policy of the runtime: never, auto (default: time both "
             "layouts on the first call, keep the faster) or always"),
    cl::init("auto"), cl::cat(compileCategory()));
static cl::opt<std::string> searchTimeOpt(
    "search-time",
    cl::desc("Wall-clock budget of -pike-search / -pike-llm-search for the whole model, e.g. 10m, "
             "1h30m, 90s: profile first, then each slot function gets a share by its eager time"),
    cl::init(""), cl::cat(compileCategory()));
static cl::opt<std::string> llmRecordOpt(
    "llm-record", cl::desc("Record every LLM exchange of -pike-llm-search into this directory"),
    cl::init(""), cl::cat(compileCategory()));
static cl::opt<std::string> llmReplayOpt(
    "llm-replay", cl::desc("Serve every LLM exchange of -pike-llm-search from this directory"),
    cl::init(""), cl::cat(compileCategory()));
static cl::opt<std::string> applyDbOpt(
    "pike-apply-db",
    cl::desc("Install each slot's best kernel from this tuning database (no search, no GPU)"),
    cl::init(""), cl::cat(compileCategory()));
static cl::opt<uint64_t> maxInputBytesOpt(
    "max-input-bytes", cl::desc("Refuse a .mlir input larger than this (bytes)"),
    cl::init(pike::kDefaultMaxMlirInputBytes), cl::cat(compileCategory()));
static cl::opt<unsigned> maxNestingOpt(
    "max-nesting", cl::desc("Refuse a .mlir input nested deeper than this (brackets, braces, regions)"),
    cl::init(pike::kDefaultMaxMlirNesting), cl::cat(compileCategory()));
static cl::opt<std::string> weightsFileOpt(
    "weights-file",
    cl::desc("Where imported weights go (default: <model>.weights.safetensors beside the model)"),
    cl::init(""), cl::cat(compileCategory()));

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

int fail(const llvm::Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return 1;
}

} // namespace

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
  registerCanonicalizerPass();
  registerCSEPass();
  registerSymbolDCEPass();
  registerInlinerPass();

  pike::tools::ParsedCommandLine cli = pike::tools::parseCommandLine(argc, argv, registry);
  std::string inputFilename = cli.inputFilename;
  std::string outputFilename = cli.outputFilename;
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
  if (!pike::tools::isPipelineEmit(emitOpt))
    return fail("unknown --emit='" + emitOpt +
                "' (expected torchscript-graph, pike, regions, kernels or package)");
  if (channelsLastOpt != "never" && channelsLastOpt != "auto" && channelsLastOpt != "always")
    return fail("unknown --channels-last='" + channelsLastOpt + "' (expected never, auto or always)");
  if (precisionOpt != "fp32" && precisionOpt != "tf32")
    return fail("unknown --precision='" + precisionOpt + "' (expected fp32 or tf32)");

  // The command line's passes, set up once here to see what they hold: a
  // --pass-pipeline replaces the whole pipeline, so it must hold the ladder's steps.
  // MLIR's --dump-pass-pipeline would print each partial pipeline: pike-opt
  // prints the whole one itself once it is assembled.
  const bool dumpPipeline = config.shouldDumpPassPipeline();
  if (dumpPipeline) // MLIR's callback reads the flag through its option
    cl::getRegisteredOptions()["dump-pass-pipeline"]->addOccurrence(0, "dump-pass-pipeline", "false");
  MlirOptMainConfig cliConfig = config;
  PassManager cliPasses(&importContext, ModuleOp::getOperationName());
  if (failed(cliConfig.setupPassPipeline(cliPasses)))
    return 1;
  if (cli.fullPipeline) {
    std::string text;
    llvm::raw_string_ostream os(text);
    cliPasses.printAsTextualPipeline(os);
    std::vector<std::string> missing = pike::tools::missingLadderSteps(emitOpt, text);
    if (!missing.empty()) {
      std::string names;
      for (const std::string &m : missing)
        names += (names.empty() ? "" : ", ") + m;
      return fail("--pass-pipeline replaces pike-opt's whole pipeline, and it lacks " + names +
                  ", which --emit=" + emitOpt +
                  " needs: add them to the pipeline, or name passes individually "
                  "(e.g. -canonicalize) so pike-opt runs its own steps around them");
    }
  }
  bool searchRuns = pike::tools::hasSearchPass(cliPasses);
  if (!searchTimeOpt.empty()) {
    if (!searchRuns)
      return fail("--search-time=" + searchTimeOpt + " needs a search pass (-pike-search or -pike-llm-search)");
    std::string err;
    if (!pike::search::parseDuration(searchTimeOpt, &err))
      return fail("--search-time: " + err);
  }

  pike::tools::ArchResolution arch =
      pike::tools::resolveCudaArch(cudaArchOpt, searchRuns, applyDbOpt);
  if (!arch.error.empty())
    return fail(arch.error);
  // The architecture matters for tuning keys and packages only.
  if (!arch.note.empty() && (emitOpt == "package" || !applyDbOpt.empty()))
    llvm::errs() << "note: " << arch.note << "\n";
  if (!arch.warning.empty())
    llvm::errs() << "warning: " << arch.warning << "\n";
  bool explicitArch = cudaArchOpt != "auto";
  // A --pass-pipeline spells its passes' options out: only an explicit
  // --cuda-arch changes (or contradicts) its search passes' arch=.
  const bool setArch = explicitArch || !cli.fullPipeline;
  if (setArch)
    if (std::string err = pike::tools::setSearchArch(cliPasses, arch.arch, explicitArch); !err.empty())
      return fail(err);

  pike::tools::PipelineSettings settings;
  settings.emit = emitOpt;
  settings.report = reportOpt;
  settings.cudaGraphs = cudaGraphsOpt;
  settings.buildPackage = buildPackageOpt;
  settings.tf32 = precisionOpt == "tf32";
  settings.channelsLast = channelsLastOpt;
  settings.cudaArch = arch.arch;
  settings.applyDb = applyDbOpt;
  // --emit=package: -o names the package directory; the IR goes inside it.
  if (emitOpt == "package") {
    if (outputFilename == "-")
      return fail("--emit=package needs -o <package directory>");
    settings.packageDir = outputFilename;
    if (std::error_code ec = llvm::sys::fs::create_directories(settings.packageDir))
      return fail("cannot create '" + settings.packageDir + "': " + ec.message());
    outputFilename = settings.packageDir + "/model.pike.mlir";
  }

  std::unique_ptr<llvm::MemoryBuffer> buffer;
  if (isTorchScriptFile(inputFilename)) {
    // A torch.export archive records its input shapes; TorchScript does not.
    if (inputSpecOpt.empty() && !pike::isExportedProgramPath(inputFilename))
      return fail("'" + inputFilename +
                  "' is a TorchScript model: pass --input-spec (JSON file or e.g. 1x3x32x32xf32)");
    pike::ImportOptions options;
    std::string error;
    if (!inputSpecOpt.empty() && !pike::InputSpec::parse(inputSpecOpt, options.inputSpec, error))
      return fail("bad --input-spec: " + error);
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

  // Ladder prefix, apply-db, the command line's own passes, the ladder suffix.
  // A --pass-pipeline already holds the prefix (checked above) and replaces
  // the pass manager it is set up into, so it goes first.
  std::string archForSearch = arch.arch;
  config.setPassPipelineSetupFn(
      [cliConfig, settings, archForSearch, explicitArch, setArch, dumpPipeline,
       searchTime = std::string(searchTimeOpt),
       fullPipeline = cli.fullPipeline](PassManager &pm) -> LogicalResult {
        if (fullPipeline) {
          if (failed(cliConfig.setupPassPipeline(pm)))
            return failure();
        } else {
          pike::tools::addLadderPrefix(pm, settings);
        }
        pike::tools::addApplyDb(pm, settings);
        if (!fullPipeline && failed(cliConfig.setupPassPipeline(pm)))
          return failure();
        if (std::string err = setArch ? pike::tools::setSearchArch(pm, archForSearch, explicitArch)
                                      : std::string();
            !err.empty()) {
          llvm::errs() << "error: " << err << "\n";
          return failure();
        }
        if (std::string err = searchTime.empty() ? std::string() : pike::tools::setSearchTime(pm, searchTime);
            !err.empty()) {
          llvm::errs() << "error: " << err << "\n";
          return failure();
        }
        pike::tools::addLadderSuffix(pm, settings);
        if (dumpPipeline) {
          pm.dump();
          llvm::errs() << "\n";
        }
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
