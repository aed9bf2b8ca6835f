// Progress of a running search: a snapshot the driver hands to a callback, and
// a printer for it (one rewritten line on a terminal, periodic lines otherwise).
#ifndef PIKE_SEARCH_PROGRESS_H
#define PIKE_SEARCH_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace pike::search {

struct TaskProgress {
  std::string regionName;
  int64_t queries = 0;     // proposer + fixer queries counted against the budget
  int64_t evaluations = 0;
  double bestSpeedup = 0;  // 0 until a correct candidate exists
};

struct ProgressInfo {
  int64_t queries = 0;     // all tasks
  int64_t queryBudget = 0; // all tasks
  double usd = 0;
  double usdBudget = 0;    // 0 = none
  int busy = 0;            // jobs in flight
  int parallel = 0;
  int64_t generation = 0;
  double elapsedSec = 0;
  bool final = false;      // last report of the run
  std::vector<TaskProgress> tasks;
};

/// One-line summary, e.g.
/// "search gen 3 | queries 40/200 | $0.52/5.00 | busy 3/4 | region_0 1.84x region_1 -".
std::string formatProgress(const ProgressInfo &p);

/// True when fd is a terminal.
bool isTerminal(int fd);

class ProgressPrinter {
public:
  /// tty: rewrite one line with '\r'; otherwise print a line at most every
  /// intervalSec seconds (and always the final one).
  ProgressPrinter(std::ostream &os, bool tty, double intervalSec = 10.0);
  void operator()(const ProgressInfo &p);

private:
  std::mutex mu_;
  std::ostream &os_;
  bool tty_;
  double intervalSec_;
  bool printedAny_ = false;
  size_t lastWidth_ = 0;
  std::chrono::steady_clock::time_point last_;
};

} // namespace pike::search

#endif
