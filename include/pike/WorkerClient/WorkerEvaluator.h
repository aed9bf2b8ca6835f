// pike::search::Evaluator backed by a pool of pike-workers: TaskSpec + CandidateCode
// -> evaluate request -> EvalResult.
#ifndef PIKE_WORKERCLIENT_WORKEREVALUATOR_H
#define PIKE_WORKERCLIENT_WORKEREVALUATOR_H

#include "pike/Search/Interfaces.h"
#include "pike/WorkerClient/Worker.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace pike::worker {

struct EvaluatorOptions {
  std::vector<uint64_t> seeds = {1, 2, 3};
  double atol = 1e-2;
  double rtol = 1e-2;
  int warmup = 3;
  // Timing budget per side (candidate, reference); the search passes' timing-budget-ms=.
  double budgetMs = 100;
  int minReps = 10;
  int maxReps = 1000;
  int deadlineMs = 30000;  // GPU phase (verify + time) of one request
  int compileTimeoutMs = 120000;
  std::vector<std::string> flags; // added to every candidate's compile flags
  bool profile = true;            // per-kernel device times via CUPTI
  // Time the candidate and the reference replayed from a CUDA graph, as an AOT
  // package runs its slots: host launch cost (a cuDNN/cuBLAS launcher's API
  // calls) is then outside the timed interval on both sides, and a launcher that
  // cannot be captured is rejected.
  bool cudaGraph = true;
  // Time each slot's reference once: after the first reply of a task with a
  // reference time, its requests carry timing.reference=false and the result's
  // referenceMs comes from that reply (WorkerEvaluator::evaluate).
  bool reuseReferenceTiming = true;
  // The strict fp32 policy: where a slot's reference has TF32 sites, the worker
  // checks outputs against its atol alone (max(atol, 3x the reference's TF32
  // deviation)), with no rtol slack (request field tf32_bound).
  bool tf32Bound = false;
  // A relaxed precision policy, whose package runs the slots it keeps with TF32
  // on: the worker times the reference so too (request field
  // timing.reference_tf32), and a speed-up compares with that fallback.
  bool referenceTf32 = false;
};

/// A reference-only request (search::referenceOnlyCandidate, the eager profile
/// of order=profile) is timed cheaply: the first seed only, no CUPTI kernel list,
/// at most these warm-up runs, timing budget and minimum repetitions.
constexpr int kProfileWarmup = 2;
constexpr double kProfileBudgetMs = 20;
constexpr int kProfileMinReps = 5;

/// The evaluate request for one candidate. TaskSpec.signature must hold
/// {"inputs":[{shape,dtype[,init]}],"outputs":[{shape,dtype}]}; code.knobs["flags"]
/// (array of strings), when present, is appended to the compile flags.
/// Throws std::invalid_argument naming what is missing.
nlohmann::json buildEvaluateRequest(const search::TaskSpec &task, const search::CandidateCode &code,
                                    const EvaluatorOptions &opts);

/// Maps a worker reply (or a synthesized failure reply) to an EvalResult.
search::EvalResult evalResultFromReply(const nlohmann::json &reply);

/// What identifies a reference for ReferenceTimings: the slot's fingerprint (its
/// region name when it has none), its TorchScript file and its signature.
std::string referenceTimingKey(const search::TaskSpec &task);

/// The first reference timing (a reply's `timing.reference`) seen per key, so a
/// slot's reference is timed once per search, not in every evaluation. Several
/// evaluations run at once: every access is under the lock.
class ReferenceTimings {
public:
  /// The kept timing, marked `"reused": true`; nullopt when none is kept.
  std::optional<nlohmann::json> find(const std::string &key) const;
  /// Keeps `timing` (an object with a positive `median_ms`) unless one is kept
  /// already, adding where it was measured: `measured_with_candidate` (the
  /// search's candidate id of the evaluation that timed it, search::candidateId)
  /// and `measured_on` (the reply's device name, when it has one). Returns
  /// whether it was kept.
  bool remember(const std::string &key, const nlohmann::json &timing, const nlohmann::json &reply,
                const std::string &candidateId);

private:
  mutable std::mutex mu_;
  std::map<std::string, nlohmann::json> timings_;
};

class WorkerEvaluator : public search::Evaluator {
public:
  WorkerEvaluator(std::shared_ptr<WorkerPool> pool, EvaluatorOptions opts = {});
  /// With reuseReferenceTiming, a candidate of a task whose reference time is
  /// known is sent with timing.reference=false; a reply without a reference time
  /// (the worker honoured it) then gets the kept one as referenceMs and as
  /// details.timing.reference (marked "reused"); a reply with one (an older
  /// worker ignores the field) keeps its own. Reference-only requests (the eager
  /// profile, one seed and a shorter budget) always time and are never kept.
  search::EvalResult evaluate(const search::TaskSpec &task,
                              const search::CandidateCode &code) override;
  const EvaluatorOptions &options() const { return opts_; }

private:
  std::shared_ptr<WorkerPool> pool_;
  EvaluatorOptions opts_;
  ReferenceTimings referenceTimings_;
};

} // namespace pike::worker

#endif
