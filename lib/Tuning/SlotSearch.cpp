#include "pike/Tuning/SlotSearch.h"
#include "pike/Dialect/AttrNames.h"
#include "pike/Tuning/SlotSupport.h"
#include "pike/Tuning/WorkerArch.h"
#include "pike/Tuning/WorkerEvaluator.h"
#include "pike/Search/Driver.h"
#include "pike/Search/EagerEstimate.h"
#include "pike/Search/Progress.h"
#include "pike/Search/SlotOrder.h"
#include "pike/Search/TimeBudget.h"
#include "pike/Search/TuningDb.h"
#include "pike/Tuning/ApplyTuningDb.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FileSystem.h"

#include <chrono>
#include <iostream>
#include <limits>
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

/// The worker's max |error| per output (its reply's max_abs_err_per_output) as
/// an array attribute; null when it sent none. Non-finite values travel as
/// strings ("nan", "inf") and stay NaN/inf.
ArrayAttr pike::maxAbsErrPerOutput(Builder &b, const nlohmann::json &details) {
  if (!details.is_object() || !details.contains("max_abs_err_per_output") ||
      !details["max_abs_err_per_output"].is_array())
    return nullptr;
  SmallVector<Attribute> values;
  for (const nlohmann::json &v : details["max_abs_err_per_output"]) {
    double x = v.is_number() ? v.get<double>()
               : v == "inf"  ? std::numeric_limits<double>::infinity()
                             : std::numeric_limits<double>::quiet_NaN();
    values.push_back(b.getF64FloatAttr(x));
  }
  return b.getArrayAttr(values);
}

LogicalResult pike::checkSlotOrder(ModuleOp module, const std::string &order) {
  if (order == "auto" || search::parseSlotOrder(order))
    return success();
  return module.emitError() << "bad order '" << order
                            << "': expected 'size' (largest signature first), 'profile' "
                               "(largest measured eager time first) or 'auto'";
}

LogicalResult pike::checkProfileShare(ModuleOp module, double share) {
  if (share > 0 && share <= 1)
    return success();
  std::ostringstream value; // as written: 0, 1.5 (the diagnostic would print 0.000000e+00)
  value << share;
  return module.emitError() << "profile-share=" << value.str()
                            << ": must be more than 0 and at most 1 (the part of search-time the "
                               "eager profile may use)";
}

LogicalResult pike::checkTimingBudget(ModuleOp module, double ms) {
  if (ms > 0 && ms <= kMaxTimingBudgetMs) // also false for NaN
    return success();
  std::ostringstream value, most; // as written: 0, 60001 (not 6.000000e+04)
  value << ms;
  most << kMaxTimingBudgetMs;
  return module.emitError() << "timing-budget-ms=" << value.str() << ": must be more than 0 and at most "
                            << most.str() << " (the workers' timing budget per side, in ms)";
}

LogicalResult pike::checkSearchTime(ModuleOp module, const std::string &searchTime,
                                    const std::string &minSlotTime) {
  std::string err;
  if (!searchTime.empty() && !search::parseDuration(searchTime, &err))
    return module.emitError() << "search-time: " << err;
  if (!search::parseDuration(minSlotTime, &err))
    return module.emitError() << "min-slot-time: " << err;
  return success();
}


/// The slots the search never reached (its wall clock or max-slots stopped it
/// before their first candidate) take their tuning-database records, as
/// -pike-apply-tuning-db would install them: the run's own policy's record or
/// a stricter one's (not an fp32 record on a matrix-product slot under a
/// relaxed policy), checked with a tolerance no looser than this run's. A slot
/// the search evaluated keeps the search's verdict. Under bf16 a network's
/// short second search otherwise left PyTorch's convolutions where the fp32
/// search had verified faster kernels (run full-20261207j: GoogLeNet 23 slots
/// with a kernel in fp32, 6 in bf16).
static LogicalResult installRecordsForUnreachedSlots(ModuleOp module, const SlotSearchConfig &config,
                                                     const std::string &arch,
                                                     const std::vector<KernelOp> &searchable) {
  if (config.db.empty() || !llvm::sys::fs::exists(config.db))
    return success();
  static const llvm::StringRef kUnreached = "not searched: the search stopped";
  ApplyTuningDbOptions apply;
  std::map<std::string, std::string> reasons; // slot -> its fallback reason before
  for (KernelOp k : searchable) {
    if (k.getImpl() != "reference")
      continue;
    auto reason = k->getAttrOfType<StringAttr>(pike::kFallbackReasonAttr);
    if (reason && !reason.getValue().starts_with(kUnreached))
      continue;
    apply.onlySlots.insert(k.getSymName().str());
    reasons[k.getSymName().str()] = reason ? reason.getValue().str() : "";
  }
  if (apply.onlySlots.empty())
    return success();
  apply.db = config.db;
  apply.arch = arch;
  apply.precision = config.precision;
  apply.tolerance = config.tolerance;
  apply.minSpeedup = config.minSpeedup;
  if (failed(applyTuningDb(module, apply)))
    return failure();
  Builder b(module.getContext());
  unsigned installed = 0;
  for (KernelOp k : searchable) {
    auto it = reasons.find(k.getSymName().str());
    if (it == reasons.end())
      continue;
    if (k.getImpl() != "reference") {
      ++installed;
      continue;
    }
    // Still PyTorch's: why the search left it says more than the database's miss.
    if (it->second.empty())
      k->removeAttr(pike::kFallbackReasonAttr);
    else
      k->setAttr(pike::kFallbackReasonAttr, b.getStringAttr(it->second));
  }
  std::cerr << "pike: " << installed << " of " << reasons.size()
            << " slot(s) the search did not reach took their tuning-database record (" << config.db << ")\n";
  return success();
}

LogicalResult
pike::runSlotSearch(ModuleOp module, const SlotSearchConfig &config, search::Proposer &proposer,
                    search::Fixer *fixer,
                    const std::function<void(const std::string &, KernelOp)> &registerSlot,
                    search::Spend *spent) {
  if (failed(checkSlotOrder(module, config.order)) ||
      failed(checkSearchTime(module, config.searchTime, config.minSlotTime)) ||
      failed(checkProfileShare(module, config.profileShare)) ||
      failed(checkTimingBudget(module, config.timingBudgetMs)))
    return failure();
  // --search-time counts from here: the profile and the references are part of it.
  const auto passStart = std::chrono::steady_clock::now();
  std::optional<double> searchTimeSec;
  if (!config.searchTime.empty())
    searchTimeSec = search::parseDuration(config.searchTime);
  const double minSlotSec = *search::parseDuration(config.minSlotTime);
  search::SearchOptions opts = config.search;

  std::vector<KernelOp> all;
  Builder unsupported(module.getContext());
  for (KernelOp k : module.getOps<KernelOp>()) {
    if (k.getImpl() != "reference")
      continue;
    // A slot the worker cannot allocate buffers for keeps its reference; the others
    // are still searched (level-5 S4: one complex FFT slot failed the whole search).
    if (std::optional<std::string> why = abiUnsupportedReason(k)) {
      k->setAttr(pike::kFallbackReasonAttr, unsupported.getStringAttr("not searched: " + *why));
      continue;
    }
    all.push_back(k);
  }
  if (all.empty())
    return success();

  // Fail loudly before anything is written or spent: every worker must start,
  // answer and see a GPU. A search without one used to spend its whole budget on
  // "exec failed" / "no CUDA device" answers and package nothing but fallbacks.
  EvaluationSettings settings;
  settings.graphTiming = config.graphTiming;
  settings.timingBudgetMs = config.timingBudgetMs;
  settings.tolerance = config.tolerance;
  settings.tf32Bound = config.precision == Precision::FP32;
  // The package of a relaxed policy runs PyTorch with TF32 on (its runtime's
  // allow_tf32), so that is what a candidate must beat.
  settings.referenceTf32 = allowsTF32(config.precision);
  settings.kernelProfile = config.kernelProfile;
  StartedWorkers started = startWorkers(config.workers, config.workerPath, settings);
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

  // Slots computing the same function (a recurrent net's steps, a stack of
  // identical blocks) are profiled and searched once, through their group's
  // first slot; the outcome is applied to every member.
  std::vector<std::string> fingerprints;
  std::vector<search::SlotProfile> profiles(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    fingerprints.push_back(slotFingerprint(all[i]));
    profiles[i].sizeEstimate = estimatedCost(all[i]);
  }
  const std::vector<std::vector<size_t>> groups = search::groupByFingerprint(fingerprints);
  std::vector<std::optional<search::TaskSpec>> specs(groups.size());
  auto makeSpec = [&](size_t g) -> LogicalResult {
    if (specs[g])
      return success();
    FailureOr<search::TaskSpec> task = makeTaskSpec(module, all[groups[g].front()], referenceDir);
    if (failed(task))
      return failure();
    specs[g] = std::move(*task);
    return success();
  };

  const search::SlotOrder order = config.order == "auto"
                                      ? search::autoSlotOrder(groups.size(), searchTimeSec.has_value())
                                      : *search::parseSlotOrder(config.order);
  // What the profile did, for the log and pike.search_time.
  size_t profiledCount = 0, estimatedCount = 0;
  double profileWallSec = 0;
  if (order == search::SlotOrder::Profile) {
    // Time the slot functions' references (their eager ops) through the workers
    // first, largest first (by the size of all the slots computing each). Under
    // a search-time at most profile-share of it goes to this; the functions left
    // untimed get a time estimated from the timed ones.
    std::vector<search::TaskSpec> unique;
    for (size_t g = 0; g < groups.size(); ++g) {
      if (failed(makeSpec(g)))
        return failure();
      unique.push_back(*specs[g]);
    }
    std::vector<search::SlotProfile> bySize(groups.size());
    for (size_t g = 0; g < groups.size(); ++g)
      for (size_t i : groups[g])
        bySize[g].sizeEstimate += profiles[i].sizeEstimate;
    const std::vector<size_t> profileOrder = search::orderSlots(bySize, search::SlotOrder::Size, 0);
    std::optional<double> profileBudgetSec;
    if (searchTimeSec)
      profileBudgetSec = *searchTimeSec * config.profileShare;
    std::cerr << "pike: order=profile: timing the eager reference of " << unique.size()
              << " slot function(s), largest first";
    if (profileBudgetSec)
      std::cerr << ", for at most " << search::formatDuration(*profileBudgetSec) << " (profile-share "
                << config.profileShare << " of search-time " << config.searchTime << ")";
    std::cerr << "\n";
    const auto profileStart = std::chrono::steady_clock::now();
    std::vector<search::ReferenceTiming> times =
        search::timeReferences(*evaluator, unique, static_cast<unsigned>(std::max(1, opts.parallel)),
                               profileOrder, profileBudgetSec);
    profileWallSec =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - profileStart).count();

    // Per function (one call's size and time), the estimates for the untimed.
    std::vector<search::SlotProfile> perFunction(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) {
      perFunction[g].sizeEstimate = profiles[groups[g].front()].sizeEstimate;
      perFunction[g].referenceMs = times[g].ms;
    }
    const std::vector<std::optional<double>> estimates = search::estimateEagerMs(perFunction);

    std::set<std::string> reasons;
    size_t failures = 0, asked = 0;
    std::vector<double> walls, gpuMs;
    std::map<std::string, std::vector<double>> phases;
    for (size_t g = 0; g < groups.size(); ++g) {
      if (times[g].asked) {
        ++asked;
        walls.push_back(times[g].wallSec);
        if (times[g].gpuMs)
          gpuMs.push_back(*times[g].gpuMs);
        for (const auto &[name, ms] : times[g].phasesMs)
          phases[name].push_back(ms);
      }
      if (times[g].ms)
        ++profiledCount;
      else if (estimates[g])
        ++estimatedCount;
      for (size_t i : groups[g]) {
        profiles[i].referenceMs = times[g].ms;
        profiles[i].failure = times[g].failure;
        profiles[i].estimatedMs = estimates[g];
        if (times[g].asked && !times[g].ms) {
          ++failures;
          reasons.insert(times[g].failure);
        }
      }
    }
    std::cerr << "pike: order=profile: profiled " << profiledCount << " of " << groups.size()
              << " slot function(s) in " << search::formatDuration(profileWallSec) << ", "
              << estimatedCount << " estimated from the measured ones";
    if (asked < groups.size())
      std::cerr << " (" << groups.size() - asked << " not asked: the profile's share was spent)";
    if (!walls.empty()) {
      std::cerr << "; a request took " << search::formatDuration(search::medianOf(walls)) << " (median)";
      if (!gpuMs.empty())
        std::cerr << ", of which " << search::formatDuration(search::medianOf(gpuMs) / 1000)
                  << " on the GPU (the rest waits for the worker or the GPU's lock)";
    }
    std::cerr << "\n";
    // Where the worker's part goes (reference load, first runs, timing): medians.
    if (!phases.empty()) {
      std::cerr << "pike: order=profile: worker phases (median ms):";
      for (auto &[name, values] : phases)
        std::cerr << " " << name << " " << search::medianOf(values);
      std::cerr << "\n";
    }

    std::vector<std::optional<double>> shares = search::eagerShares(profiles);
    Builder b(module.getContext());
    for (size_t i = 0; i < all.size(); ++i) {
      if (profiles[i].referenceMs)
        all[i]->setAttr(pike::kReferenceMsAttr, b.getF64FloatAttr(*profiles[i].referenceMs));
      else if (profiles[i].estimatedMs)
        all[i]->setAttr(pike::kReferenceMsEstimatedAttr, b.getF64FloatAttr(*profiles[i].estimatedMs));
      if (shares[i])
        all[i]->setAttr(pike::kEagerShareAttr, b.getF64FloatAttr(*shares[i]));
      if (!profiles[i].referenceMs && !profiles[i].failure.empty())
        all[i]->setAttr(pike::kProfileErrorAttr, b.getStringAttr(profiles[i].failure));
    }
    // A failed profile is a warning, not an error: the slot keeps its size-order
    // position. One warning when every request made failed for the same reason
    // (no GPU).
    if (failures > 0 && profiledCount == 0 && reasons.size() == 1)
      module.emitWarning() << "order=profile: no slot's reference could be timed ("
                           << *reasons.begin() << "); searching in size order";
    else
      for (size_t g = 0; g < groups.size(); ++g)
        if (times[g].asked && !times[g].ms) {
          KernelOp first = all[groups[g].front()];
          auto diag = first.emitWarning() << "order=profile: the reference of " << first.getSymName();
          if (groups[g].size() > 1)
            diag << " (and " << groups[g].size() - 1 << " slot(s) computing the same function)";
          diag << " could not be timed (" << times[g].failure << "); it keeps its size-order position";
        }
  }

  // Under a budget the slot functions that take the most time matter most:
  // largest estimate first (order=size) or largest measured eager time
  // (order=profile), summed over the slots computing the function.
  const std::vector<search::SlotProfile> groupProfile = search::groupProfiles(profiles, groups);
  std::vector<size_t> chosen = search::orderSlots(groupProfile, order, config.maxSlots);

  std::vector<search::TaskSpec> tasks;
  std::vector<KernelOp> taskKernels; // the slot each task stands for (its group's first)
  std::map<std::string, std::vector<KernelOp>> byFingerprint;
  size_t sharing = 0;
  Builder attrs(module.getContext());
  for (size_t g : chosen) {
    if (failed(makeSpec(g)))
      return failure();
    const search::TaskSpec &task = *specs[g];
    auto &members = byFingerprint[task.fingerprint];
    for (size_t i : groups[g]) {
      members.push_back(all[i]);
      if (groups[g].size() > 1)
        all[i]->setAttr(pike::kSharedByAttr, attrs.getI64IntegerAttr(groups[g].size()));
    }
    if (groups[g].size() > 1)
      sharing += groups[g].size();
    registerSlot(task.regionName, all[groups[g].front()]);
    tasks.push_back(task);
    taskKernels.push_back(all[groups[g].front()]);
  }
  std::cerr << "pike: " << all.size() << " reference slot(s), " << groups.size()
            << " distinct function(s); searching " << tasks.size() << " ("
            << sharing << " slot(s) share a kernel with another)\n";

  if (config.wrapEvaluator)
    evaluator = config.wrapEvaluator(std::move(evaluator));

  search::TuningEnv env = tuningEnv(arch);
  env.precision = precisionName(config.precision);
  std::optional<search::TuningDb> database;
  std::vector<std::vector<search::SeedCode>> seeds;
  if (!config.db.empty()) {
    database.emplace(config.db);
    // Under a relaxed policy an fp32 record of a matrix-product slot would be
    // re-evaluated against the package's TF32 fallback, which it was never
    // measured against and rarely beats: it is not worth a first evaluation
    // of the short relaxed search (apply-db refuses it the same way).
    const bool relaxed = config.precision != Precision::FP32;
    seeds = search::seedsFromTuningDb(*database, tasks, env, [&](size_t t, const search::TuningRecord &r) {
      return !(relaxed && r.key.precision == "fp32" && computesMatrixProduct(taskKernels[t]));
    });
  }

  // --search-time: what the profile and the references left of it is the
  // search's wall clock, split over the slot functions by their eager time (by
  // the data they move when a time is missing), each with a floor.
  std::vector<double> allotments;
  double profileSec = 0;
  if (searchTimeSec && !tasks.empty()) {
    profileSec = std::chrono::duration<double>(std::chrono::steady_clock::now() - passStart).count();
    double left = *searchTimeSec - profileSec;
    if (left < 1) {
      module.emitWarning() << "search-time=" << config.searchTime << ": profiling took "
                           << search::formatDuration(profileSec) << ", leaving the search 1s";
      left = 1;
    }
    opts.wallClockSec = opts.wallClockSec > 0 ? std::min(opts.wallClockSec, left) : left;
    // By eager time, measured or estimated, when every function has one; by
    // size otherwise (no profile, or nothing measured to estimate from).
    bool allKnown = true;
    size_t splitEstimated = 0;
    for (size_t g : chosen) {
      allKnown &= search::eagerMs(groupProfile[g]).has_value();
      splitEstimated += !groupProfile[g].referenceMs && groupProfile[g].estimatedMs;
    }
    std::vector<double> weights;
    for (size_t g : chosen)
      weights.push_back(allKnown ? *search::eagerMs(groupProfile[g])
                                 : static_cast<double>(groupProfile[g].sizeEstimate));
    allotments = search::splitTimeBudget(weights, opts.wallClockSec * std::max(1, opts.parallel), minSlotSec);
    std::cerr << "pike: search-time " << config.searchTime << ": profile and references took "
              << search::formatDuration(profileSec) << "; " << search::formatDuration(opts.wallClockSec)
              << " for " << tasks.size() << " slot function(s) x " << std::max(1, opts.parallel)
              << " job(s) in flight, split by " << (allKnown ? "eager time" : "size");
    if (allKnown && splitEstimated > 0)
      std::cerr << " (" << splitEstimated << " of them estimated)";
    std::cerr << " with a floor of " << search::formatDuration(minSlotSec) << "\n";
  }

  search::SearchReport report;
  try {
    search::SearchDriver driver(opts, proposer, fixer, *evaluator);
    if (!allotments.empty())
      driver.setTimeAllotments(allotments);
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
  module->setAttr(pike::kSearchStopAttr, b.getStringAttr(report.stopReason));
  if (!allotments.empty()) {
    double used = 0;
    for (const search::TaskOutcome &t : report.tasks)
      used += t.timeUsedSec;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - passStart).count();
    std::ostringstream how;
    how << config.searchTime << ": " << search::formatDuration(wall) << " wall (";
    if (order == search::SlotOrder::Profile)
      how << "profile " << search::formatDuration(profileWallSec) << ": " << profiledCount
          << " slot function(s) measured, " << estimatedCount << " estimated; ";
    how << "profile and references " << search::formatDuration(profileSec) << "), "
        << search::formatDuration(used)
        << " of search jobs over " << report.tasks.size() << " slot function(s), stop: " << report.stopReason;
    module->setAttr(pike::kSearchTimeAttr, b.getStringAttr(how.str()));
  }
  module->setAttr(pike::kPrecisionAttr, b.getStringAttr(describePrecision(config.precision)));
  std::ostringstream tolerance;
  tolerance << "atol " << config.tolerance.atol << ", rtol " << config.tolerance.rtol;
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
      k->setAttr(pike::kCandidatesAttr, b.getI64IntegerAttr(outcome.evaluations + outcome.cacheHits));
      if (outcome.timeAllottedSec > 0) {
        k->setAttr(pike::kSearchSecAttr, b.getF64FloatAttr(outcome.timeUsedSec));
        k->setAttr(pike::kSearchAllottedSecAttr, b.getF64FloatAttr(outcome.timeAllottedSec));
      }
      if (referenceMs > 0)
        k->setAttr(pike::kReferenceMsAttr, b.getF64FloatAttr(referenceMs));
      if (outcome.best && outcome.best->result.speedup() >= config.minSpeedup) {
        const search::Candidate &best = *outcome.best;
        applyCandidate(k, best.code);
        k->setAttr(pike::kKernelMsAttr, b.getF64FloatAttr(best.result.candidateMs));
        k->setAttr(pike::kSpeedupAttr, b.getF64FloatAttr(best.result.speedup()));
        k->setAttr(pike::kVerifiedAttr,
                   b.getStringAttr("pike-worker: correct on every seed (" + best.origin + ")"));
        k->setAttr(pike::kToleranceAttr, b.getStringAttr(tolerance.str()));
        if (auto errors = maxAbsErrPerOutput(b, best.result.details))
          k->setAttr(pike::kMaxAbsErrAttr, errors);
      } else if (outcome.best) {
        std::ostringstream why;
        why.precision(3);
        why << "fastest correct candidate ran at " << outcome.best->result.speedup()
            << "x of the reference (needs " << config.minSpeedup << "x)";
        k->setAttr(pike::kFallbackReasonAttr, b.getStringAttr(why.str()));
      } else {
        // A slot the driver never asked for a candidate is not one the generator failed on.
        std::string why = outcome.proposals == 0 && outcome.evaluations == 0 && outcome.cacheHits == 0
                              ? "not searched: the search stopped (" + report.stopReason +
                                    ") before this slot's first candidate"
                          : outcome.failures.empty() && outcome.evaluations == 0
                              ? "no candidate could be generated for this slot"
                              : "no correct candidate";
        if (!outcome.failures.empty()) {
          const auto &f = outcome.failures.front();
          why += ": " + std::string(search::toString(f.result.status)) + ": " +
                 f.result.log.substr(0, 200);
        }
        k->setAttr(pike::kFallbackReasonAttr, b.getStringAttr(why));
      }
    }
  }
  return installRecordsForUnreachedSlots(module, config, arch, all);
}
