// The evaluator the search passes use: a pool of pike-worker processes, checked
// before the search spends anything.
#ifndef PIKE_TUNING_WORKEREVALUATOR_H
#define PIKE_TUNING_WORKEREVALUATOR_H

#include "pike/Search/Interfaces.h"
#include "pike/Support/Precision.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pike {

/// Where a local pike-worker is looked for. A `workerPath` with a '/' is taken as
/// is; a bare name ("pike-worker", the default) is looked for next to the running
/// pike-opt, then in the build tree's tools/pike-worker beside its directory, then
/// in every directory of $PATH. Returns the first executable file; `tried` gets
/// the places looked at ("$PATH" for the last step).
std::optional<std::string> findWorkerExecutable(const std::string &workerPath,
                                                std::vector<std::string> &tried);

struct StartedWorkers {
  std::unique_ptr<search::Evaluator> evaluator; // null when the search cannot start
  std::string error;                            // why, naming the worker(s) tried
  std::vector<std::string> warnings;            // e.g. a TEST-ONLY fake GPU answered
  std::string deviceArch;                       // the first worker's device_info arch (sm_90a)
};

/// `workers` is "local:N" (spawn N copies of the worker on GPU 0),
/// "local:N@0,1,..." (N copies on each listed GPU index), or a comma-separated
/// list of host:port of listening workers. Every worker must start, answer
/// `ping` and report a GPU in `device_info` before the search begins; otherwise
/// the result has no evaluator and an error that names the reason and where the
/// worker was looked for (or which address failed). Every evaluate request
/// carries `tolerance` (the worker compares with it; a candidate cannot change it),
/// `tf32_bound` when `tf32Bound` (the strict fp32 policy: WorkerEvaluator.h),
/// `timing.reference_tf32` when `referenceTf32` (a relaxed policy)
/// and `timingBudgetMs` as its timing budget per side (`settings`).
/// What every evaluate request of the started workers carries (worker::EvaluatorOptions).
struct EvaluationSettings {
  bool graphTiming = true;
  double timingBudgetMs = 30;
  Tolerance tolerance;
  bool tf32Bound = false;     // the strict fp32 policy
  bool referenceTf32 = false; // a relaxed policy: references timed with TF32 on
  bool kernelProfile = false; // CUPTI kernel lists in the replies
};
StartedWorkers startWorkers(const std::string &workers, const std::string &workerPath,
                            const EvaluationSettings &settings);

} // namespace pike

#endif
