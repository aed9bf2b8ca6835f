// The evolutionary search engine: island populations per task (region), elite
// parent sampling, ring migration, an error-fix loop, query/dollar/wall-clock
// budgets, parallel evaluation with deterministic results, and a durable
// checkpoint log that a later run resumes without repeating any paid query.
// See docs/search.md for the algorithm and its guarantees.
#ifndef PIKE_SEARCH_DRIVER_H
#define PIKE_SEARCH_DRIVER_H

#include "pike/Search/Interfaces.h"
#include "pike/Search/Options.h"
#include "pike/Search/Progress.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pike::search {

/// A known kernel to evaluate before the search starts (e.g. a tuning-database
/// hit); costs an evaluation but no query.
struct SeedCode {
  CandidateCode code;
  std::string origin = "seed";
};

struct TaskOutcome {
  std::string regionName;
  std::string fingerprint;
  std::optional<Candidate> best;               // fastest correct candidate
  std::vector<std::vector<Candidate>> islands; // correct members, in insertion order
  std::vector<Candidate> failures;             // broken candidates, in apply order
  std::vector<Candidate> pareto;               // empty when objective2 == "none"
  Spend spend;
  int64_t queries = 0;       // counted against `budget` (max(1, spend.queries) per call)
  int64_t proposals = 0;     // proposer calls
  int64_t fixes = 0;         // fixer calls
  int64_t fixed = 0;         // fixer outputs that were correct
  int64_t evaluations = 0;   // evaluations run (cache hits excluded)
  int64_t cacheHits = 0;     // code already evaluated in an earlier generation
  int64_t duplicates = 0;    // correct candidates already on their island
  int64_t migrations = 0;    // candidates copied by ring migration
  // Time split (SearchDriver::setTimeAllotments); not part of stateJson: times vary.
  double timeAllottedSec = 0; // job-seconds this task was given (0: no split)
  double timeUsedSec = 0;     // job-seconds its queries and evaluations took
  bool outOfTime = false;     // stopped because it used its allotment
};

struct SearchReport {
  std::vector<TaskOutcome> tasks;
  Spend spend;               // whole run, including spend replayed from the checkpoint
  int64_t generations = 0;
  int64_t replayedJobs = 0;  // jobs whose query was taken from the checkpoint
  int64_t newQueries = 0;    // proposer/fixer calls made by this process
  /// "budget" (query budget used up), "slot_time" (every task still under its
  /// query budget used its time allotment), "usd_budget", "wall_clock", "stopped"
  /// (requestStop), "job_limit" (setJobLimit), "evaluator_error" (the evaluator
  /// threw) or "checkpoint_error" (the log could not be written).
  std::string stopReason;
  std::string error;                 // why an evaluator_error/checkpoint_error stop happened
  std::vector<std::string> warnings; // checkpoint lines that were skipped

  /// The search state that must be identical between an uninterrupted run and
  /// an interrupted+resumed one, or between parallel=1 and parallel=N:
  /// populations, failures, Pareto fronts, counters and spend. Excludes how the
  /// run got there (stopReason, replayedJobs, newQueries, warnings).
  nlohmann::json stateJson() const;
  nlohmann::json toJson() const; // stateJson plus the excluded fields
};

class SearchDriver {
public:
  /// `fixer` may be null (no fix loop). Throws std::invalid_argument when the
  /// options do not validate.
  SearchDriver(SearchOptions options, Proposer &proposer, Fixer *fixer, Evaluator &evaluator);

  /// Called on the run()'s thread after every launch and every applied result.
  void setProgressCallback(std::function<void(const ProgressInfo &)> cb) { progress_ = std::move(cb); }
  /// Stop launching after this many jobs that need a new query or evaluation
  /// (replayed jobs are free); in-flight jobs finish. For tests and tooling.
  void setJobLimit(int64_t jobs) { jobLimit_ = jobs; }
  /// Thread-safe: stop launching (e.g. from a SIGINT handler's watcher thread).
  void requestStop() { stop_ = true; }
  /// Called once per run(), after the checkpoint is read and before any job
  /// starts, with the summed spend of every proposal record it holds (zero for a
  /// fresh run): what was paid before an interruption. A proposer or fixer with
  /// spend caps of its own (the LLM client's dollar and query limits) charges it,
  /// so the resumed run stops where an uninterrupted one would have.
  void setResumeCallback(std::function<void(const Spend &)> cb) { resume_ = std::move(cb); }
  /// Per-task time allotments in job-seconds (the wall time of a task's queries
  /// and evaluations, summed over the jobs in flight; see splitTimeBudget). A
  /// task that used its allotment launches nothing new; what a task that ran out
  /// of queries left unused goes to the others in proportion to their allotments.
  /// Empty (the default): no per-task limit. Size must match run()'s tasks.
  void setTimeAllotments(std::vector<double> seconds) { allotments_ = std::move(seconds); }
  /// The clock (seconds, monotonic) for wallClockSec and job times; tests pass a
  /// fake one. Default: std::chrono::steady_clock.
  void setClock(std::function<double()> nowSec) { clock_ = std::move(nowSec); }

  /// Runs the search over all tasks (one population per task). When
  /// options.checkpointPath exists it is replayed first: logged proposals and
  /// evaluations are reused, never re-requested. `seeds[i]` are evaluated for
  /// task i before the first generation. Throws std::runtime_error when the
  /// checkpoint belongs to a different search (other seed, islands, tasks...).
  SearchReport run(const std::vector<TaskSpec> &tasks, const std::vector<std::vector<SeedCode>> &seeds = {});

private:
  SearchOptions opts_;
  Proposer &proposer_;
  Fixer *fixer_;
  Evaluator &evaluator_;
  std::function<void(const ProgressInfo &)> progress_;
  std::function<void(const Spend &)> resume_;
  int64_t jobLimit_ = -1;
  std::vector<double> allotments_;
  std::function<double()> clock_;
  std::atomic<bool> stop_{false};
};

/// Statuses the fix loop hands to the fixer (timeouts are not: a timed-out
/// kernel usually needs a different algorithm, not a repair).
bool isFixable(EvalStatus s);

} // namespace pike::search

#endif
