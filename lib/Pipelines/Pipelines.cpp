#include "pike/Pipelines/Pipelines.h"

#include "pike/Passes/Passes.h"
#include "pike/Support/Precision.h"

#include "mlir/Pass/PassRegistry.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

using namespace mlir;

namespace pike {
namespace {

bool isSearchPass(Pass &pass) {
  return pass.getArgument() == "pike-search" || pass.getArgument() == "pike-llm-search";
}

/// The value of option `key` of a pass, read from its printed options ("" when
/// it does not print one). Options print sorted inside braces.
std::string printedOption(Pass &pass, llvm::StringRef key) {
  std::string text;
  llvm::raw_string_ostream os(text);
  pass.printAsTextualPipeline(os);
  for (const char *sep : {"{", " "}) {
    std::string needle = (sep + key + "=").str();
    size_t at = text.find(needle);
    if (at == std::string::npos)
      continue;
    size_t begin = at + needle.size(), end = begin;
    while (end < text.size() && text[end] != ' ' && text[end] != '}')
      ++end;
    return text.substr(begin, end - begin);
  }
  return "";
}

/// The arch= value of a search pass, read from its printed options.
std::string searchPassArch(Pass &pass) {
  std::string text;
  llvm::raw_string_ostream os(text);
  pass.printAsTextualPipeline(os);
  // Options print sorted, so arch= (first of both search passes) follows '{';
  // looking for " arch=" first could match inside another option's value.
  size_t at = text.find("{arch=");
  if (at == std::string::npos)
    at = text.find(" arch=");
  if (at == std::string::npos)
    return "";
  size_t begin = at + 6, end = begin;
  while (end < text.size() && text[end] != ' ' && text[end] != '}')
    ++end;
  return text.substr(begin, end - begin);
}

/// Sets one option of `pass` from its text form. The value goes in braces, MLIR's
/// quoting: one holding a brace could end the value early and set other options,
/// so it is refused.
std::string setPassOption(Pass &pass, llvm::StringRef key, llvm::StringRef value) {
  if (value.contains('{') || value.contains('}'))
    return "cannot give -" + pass.getArgument().str() + " " + key.str() + "='" + value.str() +
           "': the value holds a brace";
  std::string error;
  if (failed(pass.initializeOptions((key + "={" + value + "}").str(), [&](const llvm::Twine &msg) {
        error = msg.str();
        return failure();
      })))
    return "cannot set " + key.str() + "=" + value.str() + " on -" + pass.getArgument().str() +
           ": " + error;
  return "";
}

void addLadderPrefix(OpPassManager &pm, const PipelineOptions &options) {
  Emit emit = options.emit;
  if (emit != Emit::Pike)
    pm.addNestedPass<func::FuncOp>(createPikeFuse());
  if (emit == Emit::Kernels || emit == Emit::Package) {
    pm.addPass(createPikeOutline());
    // The package's layout policy decides the slots' layout too: with
    // channels-last never, channels-last slots would transpose at every call.
    PikeAssignLayoutOptions layout;
    layout.layout = options.channelsLast == "never" ? "nchw" : options.channelsLast == "always" ? "nhwc" : "auto";
    pm.addPass(createPikeAssignLayout(layout));
  }
}

void addApplyDb(OpPassManager &pm, const PipelineOptions &options) {
  if (options.applyDb.empty())
    return;
  PikeApplyTuningDbOptions applyDb;
  applyDb.db = options.applyDb;
  applyDb.precision = options.precision;
  applyDb.atol = options.atol;
  applyDb.rtol = options.rtol;
  if (options.cudaArch != "auto")
    applyDb.arch = options.cudaArch;
  pm.addPass(createPikeApplyTuningDb(applyDb));
}

void addLadderSuffix(OpPassManager &pm, const PipelineOptions &options) {
  if (options.emit == Emit::Regions || options.emit == Emit::Kernels) {
    PikeRegionReportOptions report;
    report.output = options.report;
    pm.addPass(createPikeRegionReport(report));
    return;
  }
  if (options.emit != Emit::Package)
    return;
  if (options.precision != "fp32") {
    PikeCheckPrecisionOptions check;
    check.policy = options.precision;
    pm.addPass(createPikeCheckPrecision(check));
  }
  PikeRegionReportOptions report;
  report.output = options.packageDir + "/regions.json";
  pm.addPass(createPikeRegionReport(report));
  PikeEmitPackageOptions package;
  package.outputDir = options.packageDir;
  package.cudaGraphs = options.cudaGraphs;
  package.build = options.buildPackage;
  package.precision = options.precision;
  package.channelsLast = options.channelsLast;
  llvm::StringRef arch = options.cudaArch;
  arch.consume_front("sm_");
  package.cudaArch = arch.str(); // "90", or "auto": the search's
  pm.addPass(createPikeEmitPackage(package));
}

/// What the registered pipelines need that pike-opt's flags always give.
LogicalResult checkLadderOptions(const PipelineOptions &options,
                                 llvm::function_ref<LogicalResult(const llvm::Twine &)> fail) {
  if (!parsePrecision(options.precision))
    return fail("unknown precision='" + options.precision + "' (expected " + precisionChoices() + ")");
  if (options.emit == Emit::Package && options.packageDir.empty())
    return fail("emit=package needs package-dir=<directory>");
  // The region report is written into it before the package pass fills it.
  if (options.emit == Emit::Package && !llvm::sys::fs::is_directory(options.packageDir))
    return fail("package-dir '" + options.packageDir +
                "' is not a directory (pike-opt --emit=package creates it)");
  return success();
}

/// pike-search-pipeline / pike-llm-pipeline: the ladder around one search pass.
LogicalResult buildSearchPipeline(OpPassManager &pm, const SearchPipelineOptions &options,
                                  std::unique_ptr<Pass> search,
                                  llvm::function_ref<LogicalResult(const llvm::Twine &)> fail) {
  if (options.emit != Emit::Kernels && options.emit != Emit::Package)
    return fail("a search needs kernel slots: emit=kernels or emit=package");
  if (failed(checkLadderOptions(options, fail)))
    return failure();
  std::string error;
  if (failed(search->initializeOptions(options.searchPass, [&](const llvm::Twine &msg) {
        error = msg.str();
        return failure();
      })))
    return fail("bad search-pass options '" + options.searchPass + "'" +
                (error.empty() ? std::string() : ": " + error));
  SearchPassSettings settings;
  if (options.cudaArch == "auto") {
    settings.arch = "auto";
  } else if (std::optional<std::string> arch = normalizeCudaArch(options.cudaArch)) {
    settings.arch = *arch;
  } else {
    return fail("bad cuda-arch='" + options.cudaArch + "': expected auto or sm_NN");
  }
  settings.explicitArch = options.cudaArch.hasValue() && settings.arch != "auto";
  settings.precision = options.precision;
  settings.atol = options.atol;
  settings.rtol = options.rtol;
  return buildPikePipeline(pm, options, [&](OpPassManager &middle) {
    middle.addPass(std::move(search));
    if (std::string err = configureSearchPasses(middle, settings); !err.empty())
      return fail(err);
    return success();
  });
}

template <class OptionsT>
void registerPipeline(llvm::StringRef arg, llvm::StringRef description,
                      std::function<LogicalResult(OpPassManager &, const OptionsT &,
                                                  llvm::function_ref<LogicalResult(const llvm::Twine &)>)>
                          build) {
  registerPassPipeline(
      arg, description,
      [build](OpPassManager &pm, llvm::StringRef text,
              llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler) {
        OptionsT options;
        if (failed(options.parseFromString(text)))
          return failure();
        return build(pm, options, errorHandler);
      },
      [](llvm::function_ref<void(const mlir::detail::PassOptions &)> printOptions) {
        printOptions(OptionsT());
      });
}

} // namespace

std::optional<std::string> normalizeCudaArch(llvm::StringRef text) {
  llvm::StringRef digits = text;
  digits.consume_front("sm_");
  if (!digits.empty() && llvm::isAlpha(digits.back()))
    digits = digits.drop_back();
  if (digits.size() < 2 || digits.size() > 3 || !llvm::all_of(digits, llvm::isDigit))
    return std::nullopt;
  return ("sm_" + digits).str();
}

std::vector<std::string> ladderSteps(Emit emit) {
  if (emit == Emit::Regions)
    return {"pike-fuse"};
  if (emit == Emit::Kernels || emit == Emit::Package)
    return {"pike-fuse", "pike-outline"};
  return {};
}

std::vector<std::string> missingLadderSteps(Emit emit, llvm::StringRef pipelineText) {
  std::vector<std::string> missing;
  for (const std::string &step : ladderSteps(emit)) {
    // A whole pass name: followed by '{', ',', ')' or the end, not by more name.
    bool found = false;
    for (size_t at = pipelineText.find(step); at != llvm::StringRef::npos;
         at = pipelineText.find(step, at + 1)) {
      size_t end = at + step.size();
      bool startOk = at == 0 || !(llvm::isAlnum(pipelineText[at - 1]) || pipelineText[at - 1] == '-');
      bool endOk = end == pipelineText.size() ||
                   !(llvm::isAlnum(pipelineText[end]) || pipelineText[end] == '-');
      if (startOk && endOk) {
        found = true;
        break;
      }
    }
    if (!found)
      missing.push_back(step);
  }
  return missing;
}

LogicalResult buildPikePipeline(OpPassManager &pm, const PipelineOptions &options,
                                llvm::function_ref<LogicalResult(OpPassManager &)> middle,
                                LadderPrefix prefix) {
  if (prefix == LadderPrefix::HeldByMiddle) {
    if (failed(middle(pm)))
      return failure();
    addApplyDb(pm, options);
  } else {
    addLadderPrefix(pm, options);
    addApplyDb(pm, options);
    if (failed(middle(pm)))
      return failure();
  }
  addLadderSuffix(pm, options);
  return success();
}

bool hasSearchPass(OpPassManager &pm) {
  for (Pass &pass : pm.getPasses())
    if (isSearchPass(pass))
      return true;
  return false;
}

std::string configureSearchPasses(OpPassManager &pm, const SearchPassSettings &settings) {
  for (Pass &pass : pm.getPasses()) {
    if (!isSearchPass(pass))
      continue;
    if (!settings.arch.empty()) {
      std::string current = searchPassArch(pass);
      bool userSet = !current.empty() && current != "sm_90"; // the passes' default
      if (userSet) {
        if (settings.explicitArch && normalizeCudaArch(current).value_or(current) != settings.arch)
          return "-" + pass.getArgument().str() + " has arch=" + current +
                 " but --cuda-arch=" + settings.arch + ": give one of them";
      } else if (std::string err = setPassOption(pass, "arch", settings.arch); !err.empty()) {
        return err;
      }
    }
    if (!settings.searchTime.empty())
      if (std::string err = setPassOption(pass, "search-time", settings.searchTime); !err.empty())
        return err;
    // One precision policy for the search, the check and the package.
    std::string own = printedOption(pass, "precision");
    if (!own.empty() && !parsePrecision(own))
      return "-" + pass.getArgument().str() + ": unknown precision='" + own + "' (expected " +
             precisionChoices() + ")";
    if (!settings.precision.empty() && !own.empty() && own != "fp32" && own != settings.precision)
      return "-" + pass.getArgument().str() + " has precision=" + own + " but the pipeline's is " +
             settings.precision + " (pike-opt --precision, a pike-*-pipeline's precision=): give --precision=" +
             own + ", the package and its precision check follow it too";
    if (!settings.precision.empty())
      if (std::string err = setPassOption(pass, "precision", settings.precision); !err.empty())
        return err;
    for (auto [key, value] : {std::pair<const char *, double>{"atol", settings.atol}, {"rtol", settings.rtol}})
      if (value >= 0) {
        char text[40];
        std::snprintf(text, sizeof text, "%.17g", value); // exact: 1e-7 stays 1e-7
        if (std::string err = setPassOption(pass, key, text); !err.empty())
          return err;
      }
    if (pass.getArgument() != "pike-llm-search")
      continue;
    if (!settings.llmRecord.empty())
      if (std::string err = setPassOption(pass, "llm-record", settings.llmRecord); !err.empty())
        return err;
    if (!settings.llmReplay.empty())
      if (std::string err = setPassOption(pass, "llm-replay", settings.llmReplay); !err.empty())
        return err;
  }
  return "";
}

void registerPikePipelines() {
  registerPipeline<PipelineOptions>(
      "pike-default-pipeline",
      "pike's --emit ladder: partition, apply a tuning database (apply-db), report, package",
      [](OpPassManager &pm, const PipelineOptions &options,
         llvm::function_ref<LogicalResult(const llvm::Twine &)> fail) {
        if (failed(checkLadderOptions(options, fail)))
          return failure();
        return buildPikePipeline(pm, options, [](OpPassManager &) { return success(); });
      });
  registerPipeline<SearchPipelineOptions>(
      "pike-search-pipeline",
      "The --emit ladder with -pike-search (built-in proposer) between partitioning and emission",
      [](OpPassManager &pm, const SearchPipelineOptions &options,
         llvm::function_ref<LogicalResult(const llvm::Twine &)> fail) {
        return buildSearchPipeline(pm, options, createPikeSearch(), fail);
      });
  registerPipeline<SearchPipelineOptions>(
      "pike-llm-pipeline",
      "The --emit ladder with -pike-llm-search (LLM agents) between partitioning and emission",
      [](OpPassManager &pm, const SearchPipelineOptions &options,
         llvm::function_ref<LogicalResult(const llvm::Twine &)> fail) {
        return buildSearchPipeline(pm, options, createPikeLLMSearch(), fail);
      });
}

} // namespace pike
