#include "Pipeline.h"
#include "CudaArch.h"

#include "pike/Passes/Passes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace pike::tools {
namespace {

bool isSearchPass(Pass &pass) {
  return pass.getArgument() == "pike-search" || pass.getArgument() == "pike-llm-search";
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

} // namespace

bool isPipelineEmit(llvm::StringRef emit) {
  return emit == "pike" || emit == "regions" || emit == "kernels" || emit == "package";
}

std::vector<std::string> ladderSteps(llvm::StringRef emit) {
  if (emit == "regions")
    return {"pike-fuse"};
  if (emit == "kernels" || emit == "package")
    return {"pike-fuse", "pike-outline"};
  return {};
}

std::vector<std::string> missingLadderSteps(llvm::StringRef emit, llvm::StringRef pipelineText) {
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

void addLadderPrefix(OpPassManager &pm, const PipelineSettings &settings) {
  if (settings.emit == "regions" || settings.emit == "kernels" || settings.emit == "package")
    pm.addNestedPass<func::FuncOp>(createPikeFuse());
  if (settings.emit == "kernels" || settings.emit == "package")
    pm.addPass(createPikeOutline());
}

void addApplyDb(OpPassManager &pm, const PipelineSettings &settings) {
  if (settings.applyDb.empty())
    return;
  PikeApplyTuningDbOptions options;
  options.db = settings.applyDb;
  if (settings.cudaArch != "auto")
    options.arch = settings.cudaArch;
  pm.addPass(createPikeApplyTuningDb(options));
}

void addLadderSuffix(OpPassManager &pm, const PipelineSettings &settings) {
  if (settings.emit == "regions" || settings.emit == "kernels") {
    PikeRegionReportOptions report;
    report.output = settings.report;
    pm.addPass(createPikeRegionReport(report));
    return;
  }
  if (settings.emit != "package")
    return;
  if (settings.tf32)
    pm.addPass(createPikeCheckPrecision());
  PikeRegionReportOptions report;
  report.output = settings.packageDir + "/regions.json";
  pm.addPass(createPikeRegionReport(report));
  PikeEmitPackageOptions package;
  package.outputDir = settings.packageDir;
  package.cudaGraphs = settings.cudaGraphs;
  package.build = settings.buildPackage;
  package.allowTF32 = settings.tf32;
  package.channelsLast = settings.channelsLast;
  llvm::StringRef arch = settings.cudaArch;
  arch.consume_front("sm_");
  package.cudaArch = arch.str(); // "90", or "auto": the search's
  pm.addPass(createPikeEmitPackage(package));
}

bool hasSearchPass(OpPassManager &pm) {
  for (Pass &pass : pm.getPasses())
    if (isSearchPass(pass))
      return true;
  return false;
}

std::string setSearchArch(OpPassManager &pm, const std::string &arch, bool explicitArch) {
  for (Pass &pass : pm.getPasses()) {
    if (!isSearchPass(pass))
      continue;
    std::string current = searchPassArch(pass);
    bool userSet = !current.empty() && current != "sm_90"; // the passes' default
    if (userSet) {
      if (explicitArch && normalizeCudaArch(current).value_or(current) != arch)
        return "-" + pass.getArgument().str() + " has arch=" + current + " but --cuda-arch=" + arch +
               ": give one of them";
      continue;
    }
    std::string error;
    if (failed(pass.initializeOptions("arch=" + arch, [&](const llvm::Twine &msg) {
          error = msg.str();
          return failure();
        })))
      return "cannot set arch=" + arch + " on -" + pass.getArgument().str() + ": " + error;
  }
  return "";
}

std::string setSearchTime(OpPassManager &pm, const std::string &searchTime) {
  for (Pass &pass : pm.getPasses()) {
    if (!isSearchPass(pass))
      continue;
    std::string error;
    if (failed(pass.initializeOptions("search-time=" + searchTime, [&](const llvm::Twine &msg) {
          error = msg.str();
          return failure();
        })))
      return "cannot set search-time=" + searchTime + " on -" + pass.getArgument().str() + ": " + error;
  }
  return "";
}

} // namespace pike::tools
