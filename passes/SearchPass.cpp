// pike-search: the evolutionary search over every reference slot.
#include "pike/Passes/BuiltinProposer.h"
#include "pike/Passes/Passes.h"
#include "pike/Passes/SlotSupport.h"
#include "pike/Passes/WorkerEvaluator.h"
#include "pike/Search/Driver.h"
#include "pike/Search/Progress.h"
#include "pike/Search/TuningDb.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <iostream>

namespace pike {
#define GEN_PASS_DEF_PIKESEARCH
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {

/// Estimated cost of a slot: bytes it must move, in elements of its signature.
int64_t estimatedCost(KernelOp k) {
  int64_t total = 0;
  for (Type t : k.getFunctionType().getInputs())
    total += cast<RankedTensorType>(t).getNumElements();
  for (Type t : k.getFunctionType().getResults())
    total += cast<RankedTensorType>(t).getNumElements();
  return total;
}

struct SearchPass : public pike::impl::PikeSearchBase<SearchPass> {
  using PikeSearchBase::PikeSearchBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    search::SearchOptions opts;
    if (std::string err = opts.parse(searchOptions); !err.empty()) {
      module.emitError() << "bad search options: " << err;
      return signalPassFailure();
    }
    llvm::SmallString<256> work(workDir);
    if (std::error_code ec = llvm::sys::fs::create_directories(work)) {
      module.emitError() << "cannot create work directory '" << workDir << "': " << ec.message();
      return signalPassFailure();
    }
    if (opts.checkpointPath.empty())
      opts.checkpointPath = (work + "/checkpoint.jsonl").str();
    if (opts.tracePath.empty())
      opts.tracePath = (work + "/trace.json").str();

    // Largest slots first: under a budget they matter most.
    std::vector<KernelOp> slots;
    for (KernelOp k : module.getOps<KernelOp>())
      if (k.getImpl() == "reference")
        slots.push_back(k);
    std::stable_sort(slots.begin(), slots.end(),
                     [](KernelOp a, KernelOp b) { return estimatedCost(a) > estimatedCost(b); });
    if (maxSlots > 0 && slots.size() > maxSlots)
      slots.resize(maxSlots);
    if (slots.empty())
      return;

    BuiltinProposer proposer(allowTF32);
    std::vector<search::TaskSpec> tasks;
    std::map<std::string, std::vector<KernelOp>> byFingerprint;
    for (KernelOp k : slots) {
      FailureOr<search::TaskSpec> task = makeTaskSpec(module, k, (work + "/references").str());
      if (failed(task))
        return signalPassFailure();
      // Slots computing the same function are searched once.
      auto &same = byFingerprint[task->fingerprint];
      same.push_back(k);
      if (same.size() > 1)
        continue;
      proposer.addSlot(task->regionName, k);
      tasks.push_back(*task);
    }

    std::string error;
    std::unique_ptr<search::Evaluator> evaluator =
        makeWorkerEvaluator(workers, workerPath, error);
    if (!evaluator) {
      module.emitError() << "cannot start pike-worker (" << workers << "): " << error;
      return signalPassFailure();
    }
    search::TuningEnv env = tuningEnv(arch);
    std::optional<search::TuningDb> database;
    std::vector<std::vector<search::SeedCode>> seeds;
    if (!db.empty()) {
      database.emplace(db);
      seeds = search::seedsFromTuningDb(*database, tasks, env);
    }

    search::SearchReport report;
    try {
      search::SearchDriver driver(opts, proposer, /*fixer=*/nullptr, *evaluator);
      search::ProgressPrinter progress(std::cerr, search::isTerminal(2));
      driver.setProgressCallback(std::ref(progress));
      report = driver.run(tasks, seeds);
    } catch (const std::exception &e) {
      module.emitError() << "search failed: " << e.what();
      return signalPassFailure();
    }
    if (database)
      search::recordInTuningDb(*database, report, env, {{"source", "pike-search builtin"}});

    Builder b(module.getContext());
    b.getContext()->loadAllAvailableDialects();
    module->setAttr("pike.search_stop", b.getStringAttr(report.stopReason));
    module->setAttr("pike.precision",
                    b.getStringAttr(allowTF32 ? "tf32 allowed in generated GEMMs" : "fp32 (no TF32)"));
    for (const search::TaskOutcome &outcome : report.tasks) {
      double referenceMs = 0;
      auto noteReference = [&](const search::Candidate &c) {
        if (c.result.referenceMs > 0)
          referenceMs = c.result.referenceMs;
      };
      for (const auto &island : outcome.islands)
        for (const auto &c : island)
          noteReference(c);
      for (const auto &c : outcome.failures)
        noteReference(c);
      for (KernelOp k : byFingerprint[outcome.fingerprint]) {
        k->setAttr("pike.candidates", b.getI64IntegerAttr(outcome.evaluations + outcome.cacheHits));
        if (referenceMs > 0)
          k->setAttr("pike.reference_ms", b.getF64FloatAttr(referenceMs));
        if (outcome.best && outcome.best->result.speedup() >= minSpeedup) {
          const search::Candidate &best = *outcome.best;
          applyCandidate(k, best.code);
          k->setAttr("pike.kernel_ms", b.getF64FloatAttr(best.result.candidateMs));
          k->setAttr("pike.speedup", b.getF64FloatAttr(best.result.speedup()));
          k->setAttr("pike.verified",
                     b.getStringAttr("pike-worker: correct on every seed, " + best.origin));
        } else if (outcome.best) {
          std::ostringstream why;
          why.precision(3);
          why << "fastest correct candidate ran at " << outcome.best->result.speedup()
              << "x of the reference (needs " << minSpeedup << "x)";
          k->setAttr("pike.fallback_reason", b.getStringAttr(why.str()));
        } else {
          std::string why = "no correct candidate";
          if (!outcome.failures.empty()) {
            const auto &f = outcome.failures.front();
            why += ": " + std::string(search::toString(f.result.status)) + ": " +
                   f.result.log.substr(0, 200);
          }
          k->setAttr("pike.fallback_reason", b.getStringAttr(why));
        }
      }
    }
  }
};

} // namespace
