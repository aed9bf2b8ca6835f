// pike's pass pipelines: the --emit ladder (partitioning prefix, -pike-apply-db,
// the passes in the middle, report/precision check/package suffix), registered
// with typed options as pike-default-pipeline, pike-search-pipeline and
// pike-llm-pipeline, and built by pike-opt around the passes of its command line.
//
// Every pass a pipeline adds itself gets its options set in C++, never through
// pipeline text, so no value (a database path, an output directory) can add a
// pass or break the option parser.
#ifndef PIKE_PIPELINES_PIPELINES_H
#define PIKE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <optional>
#include <string>
#include <vector>

namespace pike {

/// How far a pipeline goes.
enum class Emit {
  Pike,    // the imported IR, no pike pass
  Regions, // fusion groups and their report
  Kernels, // kernel slots and their report
  Package, // kernel slots, the region report and the AOT package
};

/// The ladder's options (pike-default-pipeline's; the search pipelines add theirs).
struct PipelineOptions : mlir::PassPipelineOptions<PipelineOptions> {
  Option<Emit> emit{*this, "emit", llvm::cl::desc("How far to go"),
                    llvm::cl::init(Emit::Package),
                    llvm::cl::values(clEnumValN(Emit::Pike, "pike", "the imported IR"),
                                     clEnumValN(Emit::Regions, "regions", "fusion groups"),
                                     clEnumValN(Emit::Kernels, "kernels", "kernel slots"),
                                     clEnumValN(Emit::Package, "package", "the AOT package"))};
  Option<std::string> report{*this, "report",
                             llvm::cl::desc("emit=regions/kernels: where the region report goes "
                                            "('-' is stderr, a path ending in .json for JSON)"),
                             llvm::cl::init("-")};
  Option<std::string> packageDir{*this, "package-dir",
                                 llvm::cl::desc("emit=package: the package directory")};
  Option<bool> cudaGraphs{*this, "cuda-graphs",
                          llvm::cl::desc("emit=package: run the model as one CUDA graph"),
                          llvm::cl::init(true)};
  Option<bool> buildPackage{*this, "build-package",
                            llvm::cl::desc("emit=package: build lib/libpike_ops.so with CMake"),
                            llvm::cl::init(false)};
  Option<std::string> precision{
      *this, "precision",
      llvm::cl::desc("Precision policy: fp32 (default), tf32, bf16 or fp16. The search's "
                     "candidates, apply-db's records and the package follow it; unless fp32, "
                     "pike-check-precision warns where it can flip a decision"),
      llvm::cl::init("fp32")};
  Option<double> atol{*this, "atol",
                      llvm::cl::desc("The worker's atol against the fp32 reference, for the "
                                     "search and apply-db (negative: the policy's default)"),
                      llvm::cl::init(-1)};
  Option<double> rtol{*this, "rtol",
                      llvm::cl::desc("The worker's rtol against the fp32 reference (negative: "
                                     "the policy's default)"),
                      llvm::cl::init(-1)};
  Option<std::string> channelsLast{*this, "channels-last",
                                   llvm::cl::desc("emit=package layout policy: never, auto or always"),
                                   llvm::cl::init("auto")};
  Option<std::string> cudaArch{*this, "cuda-arch",
                               llvm::cl::desc("sm_NN of tuning keys, search and package, or auto "
                                              "(the search's workers' GPU)"),
                               llvm::cl::init("sm_90")};
  Option<std::string> applyDb{*this, "apply-db",
                              llvm::cl::desc("Install each slot's best kernel from this tuning "
                                             "database before the middle passes ('' = none)")};
};

/// pike-search-pipeline and pike-llm-pipeline: the ladder with the search pass
/// in the middle (emit must be kernels or package).
struct SearchPipelineOptions : PipelineOptions {
  Option<std::string> searchPass{
      *this, "search-pass",
      llvm::cl::desc("Options of the search pass, as -pike-search / -pike-llm-search take them "
                     "(e.g. {workers=local:2 budget=64}); cuda-arch gives its arch")};
};

/// Options pike-opt's own flags give every search pass of a pipeline.
struct SearchPassSettings {
  std::string arch;         // normalized sm_NN or "auto"
  bool explicitArch = false; // --cuda-arch named it: a pass's own different arch= is an error
  std::string llmRecord;    // -pike-llm-search llm-record= ("" = leave)
  std::string llmReplay;    // -pike-llm-search llm-replay= ("" = leave)
  std::string searchTime;   // search-time= of every search pass ("" = leave)
  /// precision= of every search pass ("" = leave); a pass's own different
  /// non-default precision= is an error (the package and the check use this one).
  std::string precision;
  double atol = -1, rtol = -1; // atol=/rtol= of every search pass (negative = leave)
};

/// Where the passes before the suffix come from.
enum class LadderPrefix {
  Add,           // the ladder's prefix, apply-db, then `middle`
  HeldByMiddle,  // `middle` sets up the pipeline from its start (a --pass-pipeline,
                 // which must hold the prefix's steps), then apply-db
};

/// The ladder around `middle`. Fails (with a message on stderr) when `middle` does.
mlir::LogicalResult buildPikePipeline(mlir::OpPassManager &pm, const PipelineOptions &options,
                                      llvm::function_ref<mlir::LogicalResult(mlir::OpPassManager &)> middle,
                                      LadderPrefix prefix = LadderPrefix::Add);

/// "sm_90a" / "sm_90" / "90" -> "sm_90" (tuning keys ignore the feature
/// suffix: sm_90a kernels run on every sm_90 part). nullopt when `text` is not
/// an sm_NN architecture.
std::optional<std::string> normalizeCudaArch(llvm::StringRef text);

/// Pass arguments the ladder's prefix runs for `emit` (e.g. pike-fuse, pike-outline).
std::vector<std::string> ladderSteps(Emit emit);

/// The ladder's steps that a pipeline text lacks.
std::vector<std::string> missingLadderSteps(Emit emit, llvm::StringRef pipelineText);

/// True when `pm` (top level) holds -pike-search or -pike-llm-search.
bool hasSearchPass(mlir::OpPassManager &pm);

/// Gives the search passes of `pm` (top level) `settings`. A pass whose arch= the
/// user set keeps it unless the arch is explicit and differs (an error). Returns
/// "" or the error.
std::string configureSearchPasses(mlir::OpPassManager &pm, const SearchPassSettings &settings);

/// Registers pike-default-pipeline, pike-search-pipeline and pike-llm-pipeline.
void registerPikePipelines();

} // namespace pike

#endif
