// pike::search::Evaluator backed by a pool of pike-workers: TaskSpec + CandidateCode
// -> evaluate request -> EvalResult.
#ifndef PIKE_WORKERCLIENT_WORKEREVALUATOR_H
#define PIKE_WORKERCLIENT_WORKEREVALUATOR_H

#include "pike/Search/Interfaces.h"
#include "pike/WorkerClient/Worker.h"

#include <memory>

namespace pike::worker {

struct EvaluatorOptions {
  std::vector<uint64_t> seeds = {1, 2, 3};
  double atol = 1e-2;
  double rtol = 1e-2;
  int warmup = 3;
  double budgetMs = 100;   // timing budget per side (candidate, reference)
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

class WorkerEvaluator : public search::Evaluator {
public:
  WorkerEvaluator(std::shared_ptr<WorkerPool> pool, EvaluatorOptions opts = {});
  search::EvalResult evaluate(const search::TaskSpec &task,
                              const search::CandidateCode &code) override;
  const EvaluatorOptions &options() const { return opts_; }

private:
  std::shared_ptr<WorkerPool> pool_;
  EvaluatorOptions opts_;
};

} // namespace pike::worker

#endif
