// The part both search passes share: the options SlotSearchPassOptions declares
// in Passes.td, read once into the SlotSearchConfig the search glue takes.
#ifndef PIKE_PASSES_SLOTSEARCHPASSBASE_H
#define PIKE_PASSES_SLOTSEARCHPASSBASE_H

#include "pike/Tuning/SlotSearch.h"

#include "mlir/IR/BuiltinOps.h"

namespace pike {

/// `GeneratedBase` is a pass base generated from Passes.td whose options
/// include SlotSearchPassOptions (pike-search, pike-llm-search).
template <class GeneratedBase> class SlotSearchPassBase : public GeneratedBase {
public:
  using GeneratedBase::GeneratedBase;

protected:
  /// The shared options: the knobs first, then the `search=` string on top (the
  /// keys it names win). Emits an error naming the bad key on failure.
  mlir::FailureOr<SlotSearchConfig> slotSearchConfig() {
    SlotSearchConfig config;
    config.workers = this->workers;
    config.workerPath = this->workerPath;
    config.workDir = this->workDir;
    config.db = this->db;
    config.arch = this->arch;
    config.minSpeedup = this->minSpeedup;
    config.maxSlots = this->maxSlots;
    config.order = this->order;
    config.searchTime = this->searchTime;
    config.minSlotTime = this->minSlotTime;
    config.graphTiming = this->graphTiming;
    config.kernelProfile = this->kernelProfile;
    config.timingBudgetMs = this->timingBudgetMs;
    config.profileShare = this->profileShare;
    mlir::ModuleOp module = this->getOperation();
    if (mlir::failed(checkProfileShare(module, config.profileShare)))
      return mlir::failure();
    if (mlir::failed(checkTimingBudget(module, config.timingBudgetMs)))
      return mlir::failure();
    std::optional<Precision> policy = parsePrecision(this->precision);
    if (!policy)
      return module.emitError() << "unknown precision='" << this->precision << "' (expected "
                                << precisionChoices() << ")";
    config.precision = *policy;
    // Negative: the policy's default (a user's 0 is a real, exact tolerance).
    config.tolerance = defaultTolerance(*policy);
    if (this->atol >= 0)
      config.tolerance.atol = this->atol;
    if (this->rtol >= 0)
      config.tolerance.rtol = this->rtol;
    search::SearchOptions &knobs = config.search;
    knobs.budget = this->budget;
    knobs.budgetUsd = this->budgetUsd;
    knobs.islands = this->islands;
    knobs.eliteK = this->eliteK;
    knobs.parentsPerProposal = this->parentsPerProposal;
    knobs.generationSize = this->generationSize;
    knobs.migrationInterval = this->migrationInterval;
    knobs.migrants = this->migrants;
    knobs.fixAttempts = this->fixAttempts;
    knobs.parallel = this->parallel;
    knobs.seed = this->seed;
    knobs.wallClockSec = this->wallClockSec;
    knobs.checkpointPath = this->checkpointPath;
    knobs.tracePath = this->tracePath;
    knobs.objective2 = this->objective2;
    if (std::string err = knobs.validate(); !err.empty())
      return module.emitError() << "bad search options: " << err;
    if (std::string err = knobs.parse(this->searchOptions); !err.empty())
      return module.emitError() << "bad search options: " << err;
    return config;
  }
};

} // namespace pike

#endif
