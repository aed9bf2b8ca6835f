// The part of every search pass that does not depend on who proposes: pick the
// slots, build their tasks, run the driver against the worker pool, write the
// winners (or the reasons there are none) back onto the slots.
#ifndef PIKE_TUNING_SLOTSEARCH_H
#define PIKE_TUNING_SLOTSEARCH_H

#include "pike/Dialect/PikeOps.h"
#include "pike/Search/Interfaces.h"
#include "pike/Search/Options.h"
#include "pike/Search/SlotOrder.h"
#include "pike/Support/Precision.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <string>

namespace pike {

/// Default of timing-budget-ms=: at 100 ms a whole network's search got ~22
/// evaluations in 90 s, the GPU phase (serialised per GPU) being mostly timing.
constexpr double kDefaultTimingBudgetMs = 30;
/// The largest timing-budget-ms= (the worker's own limit of budget_ms).
constexpr double kMaxTimingBudgetMs = 60000;

struct SlotSearchConfig {
  std::string workers = "local:1";
  std::string workerPath = "pike-worker";
  /// The driver's knobs (checkpoint and trace default into workDir).
  search::SearchOptions search;
  std::string workDir = "pike-work";
  std::string db;
  std::string arch = "sm_90";
  double minSpeedup = 1.0;
  unsigned maxSlots = 0;
  /// "size" (largest signature first), "profile" (every slot's reference is
  /// timed by the workers first; largest eager time first) or "auto" (profile
  /// with a search-time or a whole network, see search::autoSlotOrder).
  /// max-slots cuts this order.
  std::string order = "auto";
  /// Wall-clock budget of the whole search, profile included ("10m"; "" none),
  /// split over the slot functions by eager time with a floor of minSlotTime.
  std::string searchTime;
  std::string minSlotTime = "10s";
  /// Workers time both sides replayed from a CUDA graph (worker::EvaluatorOptions::cudaGraph).
  bool graphTiming = true;
  /// Workers add each candidate's CUPTI kernel list (worker::EvaluatorOptions::profile).
  bool kernelProfile = false;
  /// The workers' timing budget per side, ms (worker::EvaluatorOptions::budgetMs).
  /// Each timed call is checked, so the candidate's timing takes about 2x this + 20 ms
  /// of wall time; the reference is timed once per slot function.
  double timingBudgetMs = kDefaultTimingBudgetMs;
  /// With searchTime and order=profile: the most of searchTime the eager profile
  /// may use; the functions it leaves untimed get estimated times (EagerEstimate.h).
  double profileShare = search::kDefaultProfileShare;
  /// The precision policy: what the candidates may relax, and the key of the
  /// tuning-database records they are stored under and seeded from.
  Precision precision = Precision::FP32;
  /// The worker's check of every candidate against the fp32 reference.
  Tolerance tolerance = defaultTolerance(Precision::FP32);
  std::string provenance = "builtin";
  /// Gets the spend a resumed search replays from its checkpoint, before any
  /// new query (SearchDriver::setResumeCallback); may be empty.
  std::function<void(const search::Spend &)> onResume;
  /// Wraps the worker pool (e.g. with the Clang candidate checker); may be empty.
  std::function<std::unique_ptr<search::Evaluator>(std::unique_ptr<search::Evaluator>)> wrapEvaluator;
};

/// The worker's max |error| per output (its reply's max_abs_err_per_output,
/// kept in EvalResult::details) as an array of f64; null when absent.
mlir::ArrayAttr maxAbsErrPerOutput(mlir::Builder &b, const nlohmann::json &details);

/// Error on the module unless `order` is "size", "profile" or "auto".
mlir::LogicalResult checkSlotOrder(mlir::ModuleOp module, const std::string &order);
/// Error on the module unless 0 < `share` <= 1 (profile-share=).
mlir::LogicalResult checkProfileShare(mlir::ModuleOp module, double share);
/// Error on the module unless 0 < `ms` <= kMaxTimingBudgetMs (timing-budget-ms=).
mlir::LogicalResult checkTimingBudget(mlir::ModuleOp module, double ms);
/// Error on the module unless `searchTime` is empty or a duration ("10m") and
/// `minSlotTime` is a duration.
mlir::LogicalResult checkSearchTime(mlir::ModuleOp module, const std::string &searchTime,
                                    const std::string &minSlotTime);

/// `registerSlot` is called for every slot searched (the proposer may need it).
/// `spent` (optional) gets the whole search's proposer + fixer spend, replayed
/// jobs of a resumed run included (the agents' own totals count only this run's calls).
mlir::LogicalResult
runSlotSearch(mlir::ModuleOp module, const SlotSearchConfig &config, search::Proposer &proposer,
              search::Fixer *fixer,
              const std::function<void(const std::string &, KernelOp)> &registerSlot,
              search::Spend *spent = nullptr);

} // namespace pike

#endif
