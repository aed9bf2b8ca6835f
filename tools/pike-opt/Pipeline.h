// The pass pipeline pike-opt runs: the --emit ladder's prefix (partitioning),
// -pike-apply-db, the command line's passes, the ladder's suffix (report,
// package). Every pass pike-opt adds itself is built with its options set in
// C++, never through pipeline text, so no user value (a database path, an
// output directory) can add a pass or break the option parser.
#ifndef PIKE_TOOLS_PIKE_OPT_PIPELINE_H
#define PIKE_TOOLS_PIKE_OPT_PIPELINE_H

#include "mlir/Pass/PassManager.h"

#include <string>
#include <vector>

namespace pike::tools {

struct PipelineSettings {
  std::string emit = "pike"; // pike, regions, kernels, package
  std::string report = "-";  // --emit=regions/kernels: where the region report goes
  std::string packageDir;    // --emit=package
  bool cudaGraphs = true;
  bool buildPackage = false;
  bool tf32 = false;
  std::string channelsLast = "auto";
  std::string cudaArch = "sm_90"; // normalized, or "auto" (a search resolves it)
  std::string applyDb;            // -pike-apply-db ("" = none)
};

/// --emit values that run passes (torchscript-graph stops before MLIR).
bool isPipelineEmit(llvm::StringRef emit);

/// Pass arguments the ladder's prefix runs for `emit` (e.g. pike-fuse, pike-outline).
std::vector<std::string> ladderSteps(llvm::StringRef emit);

/// The ladder's steps that a --pass-pipeline text lacks: --pass-pipeline
/// replaces the whole pipeline, so it must hold them itself.
std::vector<std::string> missingLadderSteps(llvm::StringRef emit, llvm::StringRef pipelineText);

void addLadderPrefix(mlir::OpPassManager &pm, const PipelineSettings &settings);
void addApplyDb(mlir::OpPassManager &pm, const PipelineSettings &settings);
void addLadderSuffix(mlir::OpPassManager &pm, const PipelineSettings &settings);

/// True when `pm` (top level) holds -pike-search or -pike-llm-search.
bool hasSearchPass(mlir::OpPassManager &pm);

/// Gives the search passes of `pm` the architecture of --cuda-arch. A pass
/// whose arch= the user set keeps it under --cuda-arch=auto; an explicit
/// --cuda-arch that contradicts it is an error (returned, "" when fine).
std::string setSearchArch(mlir::OpPassManager &pm, const std::string &arch, bool explicitArch);
/// --search-time: sets search-time= on every search pass of `pm`; "" or an error.
std::string setSearchTime(mlir::OpPassManager &pm, const std::string &searchTime);

} // namespace pike::tools

#endif
