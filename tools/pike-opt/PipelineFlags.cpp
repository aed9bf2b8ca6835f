#include "PipelineFlags.h"
#include "CudaArch.h"

#include "pike/Pipelines/Pipelines.h"
#include "pike/Search/TimeBudget.h"
#include "pike/Support/Precision.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"

namespace cl = llvm::cl;
using namespace mlir;

namespace pike::tools {
namespace {

cl::opt<std::string> emitOpt(
    "emit", cl::desc("How far to go: torchscript-graph, pike, regions, kernels, package"),
    cl::init("pike"), cl::cat(compileCategory()));
cl::opt<std::string> reportOpt(
    "report", cl::desc("Region report destination for --emit=regions/kernels ('-' is stderr; .json for JSON)"),
    cl::init("-"), cl::cat(compileCategory()));
cl::opt<std::string> cudaArchOpt(
    "cuda-arch",
    cl::desc("GPU architecture of tuning keys, search and package: sm_NN, or auto (default): "
             "the worker's GPU when a search runs, else the tuning database's records, else sm_90"),
    cl::init("auto"), cl::cat(compileCategory()));
cl::opt<bool> cudaGraphsOpt(
    "cuda-graphs", cl::desc("--emit=package: run the model as one CUDA graph"), cl::init(true),
    cl::cat(compileCategory()));
cl::opt<bool> buildPackageOpt(
    "build-package", cl::desc("--emit=package: build lib/libpike_ops.so with CMake"),
    cl::init(false), cl::cat(compileCategory()));
cl::opt<std::string> precisionOpt(
    "precision",
    cl::desc("Precision policy: fp32 (default), tf32, bf16 or fp16. Inputs, outputs and weights "
             "stay fp32; under tf32 kernels may use TF32 tensor cores, under bf16/fp16 GEMMs and "
             "attention also round their operands to bf16/fp16 (fp32 accumulation). The search, "
             "-pike-apply-db and the package follow it (docs/search.md)"),
    cl::init("fp32"), cl::cat(compileCategory()));
cl::opt<std::string> toleranceOpt(
    "tolerance",
    cl::desc("ATOL,RTOL of the worker's check of every candidate against the fp32 reference "
             "(default per --precision: 1e-2,1e-2; bf16 5e-2,5e-2); with -pike-apply-db, records "
             "checked with a looser one are not used"),
    cl::init(""), cl::cat(compileCategory()));
cl::opt<std::string> channelsLastOpt(
    "channels-last",
    cl::desc("--emit=package layout policy of the runtime: never, auto (default: time both "
             "layouts on the first call, keep the faster) or always"),
    cl::init("auto"), cl::cat(compileCategory()));
cl::opt<std::string> searchTimeOpt(
    "search-time",
    cl::desc("Wall-clock budget of -pike-search / -pike-llm-search for the whole model, e.g. 10m, "
             "1h30m, 90s: profile first, then each slot function gets a share by its eager time"),
    cl::init(""), cl::cat(compileCategory()));
cl::opt<std::string> llmRecordOpt(
    "llm-record", cl::desc("Record every LLM exchange of -pike-llm-search into this directory"),
    cl::init(""), cl::cat(compileCategory()));
cl::opt<std::string> llmReplayOpt(
    "llm-replay", cl::desc("Serve every LLM exchange of -pike-llm-search from this directory"),
    cl::init(""), cl::cat(compileCategory()));
cl::opt<std::string> applyDbOpt(
    "pike-apply-db",
    cl::desc("Install each slot's best kernel from this tuning database (no search, no GPU)"),
    cl::init(""), cl::cat(compileCategory()));

std::optional<Emit> parseEmit(llvm::StringRef text) {
  return llvm::StringSwitch<std::optional<Emit>>(text)
      .Case("pike", Emit::Pike)
      .Case("regions", Emit::Regions)
      .Case("kernels", Emit::Kernels)
      .Case("package", Emit::Package)
      .Default(std::nullopt);
}

LogicalResult fail(const llvm::Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return failure();
}

} // namespace

bool emitsTorchScriptGraph() { return emitOpt == "torchscript-graph"; }

LogicalResult setUpPipeline(MlirOptMainConfig &config, MLIRContext &context,
                            const ParsedCommandLine &cli, std::string &outputFilename) {
  std::optional<Emit> emit = parseEmit(emitOpt);
  if (!emit)
    return fail("unknown --emit='" + emitOpt +
                "' (expected torchscript-graph, pike, regions, kernels or package)");
  if (channelsLastOpt != "never" && channelsLastOpt != "auto" && channelsLastOpt != "always")
    return fail("unknown --channels-last='" + channelsLastOpt + "' (expected never, auto or always)");
  if (!parsePrecision(precisionOpt))
    return fail("unknown --precision='" + precisionOpt + "' (expected " + precisionChoices() + ")");
  std::optional<Tolerance> tolerance;
  if (!toleranceOpt.empty()) {
    std::string err;
    tolerance = parseTolerance(toleranceOpt, &err);
    if (!tolerance)
      return fail("--tolerance: " + err);
  }

  // The command line's passes, set up once here to see what they hold: a
  // --pass-pipeline replaces the whole pipeline, so it must hold the ladder's steps.
  // MLIR's --dump-pass-pipeline would print each partial pipeline: pike-opt
  // prints the whole one itself once it is assembled.
  const bool dumpPipeline = config.shouldDumpPassPipeline();
  if (dumpPipeline) // MLIR's callback reads the flag through its option
    cl::getRegisteredOptions()["dump-pass-pipeline"]->addOccurrence(0, "dump-pass-pipeline", "false");
  MlirOptMainConfig cliConfig = config;
  PassManager cliPasses(&context, ModuleOp::getOperationName());
  if (failed(cliConfig.setupPassPipeline(cliPasses)))
    return failure();
  if (cli.fullPipeline) {
    std::string text;
    llvm::raw_string_ostream os(text);
    cliPasses.printAsTextualPipeline(os);
    std::vector<std::string> missing = missingLadderSteps(*emit, text);
    if (!missing.empty())
      return fail("--pass-pipeline replaces pike-opt's whole pipeline, and it lacks " +
                  llvm::join(missing, ", ") + ", which --emit=" + emitOpt +
                  " needs: add them to the pipeline, or name passes individually "
                  "(e.g. -canonicalize) so pike-opt runs its own steps around them");
  }

  const bool searchRuns = hasSearchPass(cliPasses);
  if (tolerance && !searchRuns && applyDbOpt.empty())
    return fail("--tolerance=" + toleranceOpt +
                " needs a search pass (-pike-search or -pike-llm-search) or -pike-apply-db");
  if (!searchTimeOpt.empty()) {
    if (!searchRuns)
      return fail("--search-time=" + searchTimeOpt +
                  " needs a search pass (-pike-search or -pike-llm-search)");
    std::string err;
    if (!search::parseDuration(searchTimeOpt, &err))
      return fail("--search-time: " + err);
  }
  ArchResolution arch = resolveCudaArch(cudaArchOpt, searchRuns, applyDbOpt);
  if (!arch.error.empty())
    return fail(arch.error);
  // The architecture matters for tuning keys and packages only.
  if (!arch.note.empty() && (*emit == Emit::Package || !applyDbOpt.empty()))
    llvm::errs() << "note: " << arch.note << "\n";
  if (!arch.warning.empty())
    llvm::errs() << "warning: " << arch.warning << "\n";
  SearchPassSettings search;
  search.explicitArch = cudaArchOpt != "auto";
  // A --pass-pipeline spells its passes' options out: only an explicit
  // --cuda-arch changes (or contradicts) its search passes' arch=.
  if (search.explicitArch || !cli.fullPipeline)
    search.arch = arch.arch;
  search.llmRecord = llmRecordOpt;
  search.llmReplay = llmReplayOpt;
  search.searchTime = searchTimeOpt;
  // The policy of the passes pike-opt adds (the check, the package) binds the
  // search passes; without them and without --precision a pass keeps its own
  // (a registered pike-search-pipeline sets its search pass's itself).
  if (precisionOpt.getNumOccurrences() || *emit == Emit::Package)
    search.precision = precisionOpt;
  if (tolerance) {
    search.atol = tolerance->atol;
    search.rtol = tolerance->rtol;
  }
  if (std::string err = configureSearchPasses(cliPasses, search); !err.empty())
    return fail(err);

  auto options = std::make_shared<PipelineOptions>();
  options->emit = *emit;
  options->report = reportOpt.getValue();
  options->cudaGraphs = cudaGraphsOpt.getValue();
  options->buildPackage = buildPackageOpt.getValue();
  options->precision = precisionOpt.getValue();
  if (tolerance) {
    options->atol = tolerance->atol;
    options->rtol = tolerance->rtol;
  }
  options->channelsLast = channelsLastOpt.getValue();
  options->cudaArch = arch.arch;
  options->applyDb = applyDbOpt.getValue();
  // --emit=package: -o names the package directory; the IR goes inside it.
  if (*emit == Emit::Package) {
    if (outputFilename == "-")
      return fail("--emit=package needs -o <package directory>");
    options->packageDir = outputFilename;
    if (std::error_code ec = llvm::sys::fs::create_directories(outputFilename))
      return fail("cannot create '" + outputFilename + "': " + ec.message());
    outputFilename += "/model.pike.mlir";
  }

  // A --pass-pipeline already holds the prefix (checked above) and replaces
  // the pass manager it is set up into, so it goes first.
  LadderPrefix prefix = cli.fullPipeline ? LadderPrefix::HeldByMiddle : LadderPrefix::Add;
  config.setPassPipelineSetupFn([cliConfig, options, search, prefix,
                                 dumpPipeline](PassManager &pm) -> LogicalResult {
    auto middle = [&](OpPassManager &) -> LogicalResult {
      if (failed(cliConfig.setupPassPipeline(pm)))
        return failure();
      if (std::string err = configureSearchPasses(pm, search); !err.empty())
        return fail(err);
      return success();
    };
    if (failed(buildPikePipeline(pm, *options, middle, prefix)))
      return failure();
    if (dumpPipeline) {
      pm.dump();
      llvm::errs() << "\n";
    }
    return success();
  });
  return success();
}

} // namespace pike::tools
