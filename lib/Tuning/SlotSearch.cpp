#include "pike/Tuning/SlotSearch.h"
#include "pike/Tuning/SlotSupport.h"
#include "pike/Tuning/WorkerArch.h"
#include "pike/Tuning/WorkerEvaluator.h"
#include "pike/Search/Driver.h"
#include "pike/Search/Progress.h"
#include "pike/Search/SlotOrder.h"
#include "pike/Search/TuningDb.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FileSystem.h"

#include <iostream>
#include <map>
#include <set>
#include <fstream>
#include <sstream>

using namespace mlir;
using namespace pike;

namespace {
/// Estimated cost of a slot: elements its signature moves.
int64_t estimatedCost(KernelOp k) {
  int64_t total = 0;
  for (Type t : k.getFunctionType().getInputs())
    total += cast<RankedTensorType>(t).getNumElements();
  for (Type t : k.getFunctionType().getResults())
    total += cast<RankedTensorType>(t).getNumElements();
  return total;
}
} // namespace

LogicalResult pike::checkSlotOrder(ModuleOp module, const std::string &order) {
  if (search::parseSlotOrder(order))
    return success();
  return module.emitError() << "bad order '" << order
                            << "': expected 'size' (largest signature first) or 'profile' "
                               "(largest measured eager time first)";
}

LogicalResult
pike::runSlotSearch(ModuleOp module, const SlotSearchConfig &config, search::Proposer &proposer,
                    search::Fixer *fixer,
                    const std::function<void(const std::string &, KernelOp)> &registerSlot,
                    search::Spend *spent) {
  if (failed(checkSlotOrder(module, config.order)))
    return failure();
  std::optional<search::SlotOrder> order = search::parseSlotOrder(config.order);
  search::SearchOptions opts = config.search;

  std::vector<KernelOp> all;
  for (KernelOp k : module.getOps<KernelOp>())
    if (k.getImpl() == "reference")
      all.push_back(k);
  if (all.empty())
    return success();

  // Fail loudly before anything is written or spent: every worker must start,
  // answer and see a GPU. A search without one used to spend its whole budget on
  // "exec failed" / "no CUDA device" answers and package nothing but fallbacks.
  StartedWorkers started = startWorkers(config.workers, config.workerPath);
  if (!started.evaluator) // at the module's location, without an IR dump as a note
    return mlir::emitError(module.getLoc()) << "cannot start the search: " << started.error;
  for (const std::string &w : started.warnings)
    mlir::emitWarning(module.getLoc()) << w;
  std::unique_ptr<search::Evaluator> evaluator = std::move(started.evaluator);
  // arch=auto (pike-opt --cuda-arch=auto): the workers' GPU keys the records
  // and, through the module attribute, the package.
  const std::string arch = config.arch == "auto" ? tuningArchOf(started.deviceArch) : config.arch;
  if (arch.rfind("sm_", 0) != 0)
    return mlir::emitError(module.getLoc())
           << "arch=auto: the worker reported no GPU architecture ('" << started.deviceArch
           << "'); pass --cuda-arch=sm_NN";
  module->setAttr(kCudaArchAttr, Builder(module.getContext()).getStringAttr(arch));

  llvm::SmallString<256> work(config.workDir);
  if (std::error_code ec = llvm::sys::fs::create_directories(work))
    return module.emitError() << "cannot create work directory '" << config.workDir
                              << "': " << ec.message();
  if (opts.checkpointPath.empty())
    opts.checkpointPath = (work + "/checkpoint.jsonl").str();
  if (opts.tracePath.empty())
    opts.tracePath = (work + "/trace.json").str();
  const std::string referenceDir = (work + "/references").str();

  std::vector<search::SlotProfile> profiles(all.size());
  for (size_t i = 0; i < all.size(); ++i)
    profiles[i].sizeEstimate = estimatedCost(all[i]);

  std::vector<std::optional<search::TaskSpec>> specs(all.size());
  if (*order == search::SlotOrder::Profile) {
    // Time every slot's reference (its eager ops) through the workers first;
    // slots computing the same function are timed once.
    for (size_t i = 0; i < all.size(); ++i) {
      FailureOr<search::TaskSpec> task = makeTaskSpec(module, all[i], referenceDir);
      if (failed(task))
        return failure();
      specs[i] = std::move(*task);
    }
    std::vector<search::TaskSpec> unique;
    std::map<std::string, size_t> uniqueIndex;
    for (const auto &spec : specs)
      if (uniqueIndex.emplace(spec->fingerprint, unique.size()).second)
        unique.push_back(*spec);
    std::cerr << "pike: order=profile: timing the eager reference of " << unique.size()
              << " slot function(s)\n";
    std::vector<search::ReferenceTiming> times =
        search::timeReferences(*evaluator, unique, static_cast<unsigned>(std::max(1, opts.parallel)));
    std::set<std::string> reasons;
    size_t failures = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      const search::ReferenceTiming &t = times[uniqueIndex[specs[i]->fingerprint]];
      profiles[i].referenceMs = t.ms;
      profiles[i].failure = t.failure;
      if (!t.ms) {
        ++failures;
        reasons.insert(t.failure);
      }
    }
    std::vector<std::optional<double>> shares = search::eagerShares(profiles);
    Builder b(module.getContext());
    for (size_t i = 0; i < all.size(); ++i) {
      if (profiles[i].referenceMs) {
        all[i]->setAttr("pike.reference_ms", b.getF64FloatAttr(*profiles[i].referenceMs));
        if (shares[i])
          all[i]->setAttr("pike.eager_share", b.getF64FloatAttr(*shares[i]));
      } else {
        all[i]->setAttr("pike.profile_error", b.getStringAttr(profiles[i].failure));
      }
    }
    // A failed profile is a warning, not an error: the slot keeps its size-order
    // position. One warning when every slot failed for the same reason (no GPU).
    if (failures == all.size() && reasons.size() == 1)
      module.emitWarning() << "order=profile: no slot's reference could be timed ("
                           << *reasons.begin() << "); searching in size order";
    else
      for (size_t i = 0; i < all.size(); ++i)
        if (!profiles[i].referenceMs)
          all[i].emitWarning() << "order=profile: the reference of " << all[i].getSymName()
                               << " could not be timed (" << profiles[i].failure
                               << "); it keeps its size-order position";
  }

  // Under a budget the slots that take the most time matter most: largest
  // estimate first (order=size) or largest measured eager time (order=profile).
  std::vector<size_t> chosen = search::orderSlots(profiles, *order, config.maxSlots);

  std::vector<search::TaskSpec> tasks;
  std::map<std::string, std::vector<KernelOp>> byFingerprint;
  for (size_t i : chosen) {
    KernelOp k = all[i];
    if (!specs[i]) {
      FailureOr<search::TaskSpec> task = makeTaskSpec(module, k, referenceDir);
      if (failed(task))
        return failure();
      specs[i] = std::move(*task);
    }
    const search::TaskSpec &task = *specs[i];
    // Slots computing the same function are searched once.
    auto &same = byFingerprint[task.fingerprint];
    same.push_back(k);
    if (same.size() > 1)
      continue;
    registerSlot(task.regionName, k);
    tasks.push_back(task);
  }

  if (config.wrapEvaluator)
    evaluator = config.wrapEvaluator(std::move(evaluator));

  search::TuningEnv env = tuningEnv(arch);
  std::optional<search::TuningDb> database;
  std::vector<std::vector<search::SeedCode>> seeds;
  if (!config.db.empty()) {
    database.emplace(config.db);
    seeds = search::seedsFromTuningDb(*database, tasks, env);
  }

  search::SearchReport report;
  try {
    search::SearchDriver driver(opts, proposer, fixer, *evaluator);
    search::ProgressPrinter progress(std::cerr, search::isTerminal(2));
    driver.setProgressCallback(std::ref(progress));
    if (config.onResume)
      driver.setResumeCallback(config.onResume);
    report = driver.run(tasks, seeds);
  } catch (const std::exception &e) {
    return module.emitError() << "search failed: " << e.what();
  }
  if (spent)
    *spent = report.spend;
  if (database)
    search::recordInTuningDb(*database, report, env, {{"source", "pike " + config.provenance}});
  {
    std::ofstream out((work + "/search-report.json").str());
    out << report.toJson().dump(1) << "\n";
  }

  Builder b(module.getContext());
  module->setAttr("pike.search_stop", b.getStringAttr(report.stopReason));
  module->setAttr("pike.precision", b.getStringAttr(config.precision));
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
      if (outcome.best && outcome.best->result.speedup() >= config.minSpeedup) {
        const search::Candidate &best = *outcome.best;
        applyCandidate(k, best.code);
        k->setAttr("pike.kernel_ms", b.getF64FloatAttr(best.result.candidateMs));
        k->setAttr("pike.speedup", b.getF64FloatAttr(best.result.speedup()));
        k->setAttr("pike.verified",
                   b.getStringAttr("pike-worker: correct on every seed (" + best.origin + ")"));
      } else if (outcome.best) {
        std::ostringstream why;
        why.precision(3);
        why << "fastest correct candidate ran at " << outcome.best->result.speedup()
            << "x of the reference (needs " << config.minSpeedup << "x)";
        k->setAttr("pike.fallback_reason", b.getStringAttr(why.str()));
      } else {
        std::string why = outcome.failures.empty() && outcome.evaluations == 0
                              ? "no candidate could be generated for this slot"
                              : "no correct candidate";
        if (!outcome.failures.empty()) {
          const auto &f = outcome.failures.front();
          why += ": " + std::string(search::toString(f.result.status)) + ": " +
                 f.result.log.substr(0, 200);
        }
        k->setAttr("pike.fallback_reason", b.getStringAttr(why));
      }
    }
  }
  return success();
}
