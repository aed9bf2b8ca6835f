// Small deterministic proposer/fixer objects and the fake evaluator (the one
// mock: it stands in for the GPU worker). Code is a one-line "kernel" whose
// tokens decide the evaluation: x=<n> sets the speed, bug=<k> the failure.
#ifndef PIKE_TEST_SEARCH_FAKES_H
#define PIKE_TEST_SEARCH_FAKES_H

#include "pike/Search/Driver.h"
#include "pike/Search/Interfaces.h"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace pike::search::testing {

/// Reads integer token `name=<n>` from a fake kernel source; -1 if absent.
long tokenValue(const std::string &source, const std::string &name);

struct ProposerCall {
  uint64_t seed;
  std::vector<std::string> parentIds;
  std::vector<double> parentSpeedups;
  std::string source; // what it proposed; empty when no code
};

/// Proposes "kernel x=<X> bug=<B> salt=<S>": X grows from the best parent by a
/// seed-dependent step, B (0,1 ok; 2 compile error; 3 incorrect; 4 runtime
/// error) and S come from the seed. Every (1 << 4)-th seed class yields no code.
class FakeProposer : public Proposer {
public:
  double usdPerCall = 0.25;
  int delayMs = 0;
  bool alwaysBug = false; // every proposal fails to compile
  Proposal propose(const TaskSpec &task, const std::vector<const Candidate *> &parents, uint64_t seed) override;
  std::vector<ProposerCall> calls() const;
  int64_t callCount() const;

private:
  mutable std::mutex mu_;
  std::vector<ProposerCall> calls_;
};

/// Repairs a broken kernel when seed % fixEvery == 0 (fixEvery 0: never);
/// otherwise returns a different but still broken kernel.
class FakeFixer : public Fixer {
public:
  int fixEvery = 2;
  double usdPerCall = 0.5;
  int delayMs = 0;
  Proposal fix(const TaskSpec &task, const Candidate &broken, uint64_t seed) override;
  std::vector<std::string> brokenIds() const;
  int64_t callCount() const;

private:
  mutable std::mutex mu_;
  std::vector<std::string> brokenIds_;
};

/// Deterministic result per source. jitterMs > 0 sleeps a random 0..jitterMs
/// (not seeded: it shuffles completion order to exercise the ordering logic).
class FakeEvaluator : public Evaluator {
public:
  int delayMs = 0;
  int jitterMs = 0;
  std::atomic<int> throwAfter{-1}; // >= 0: evaluation number n throws
  EvalResult evaluate(const TaskSpec &task, const CandidateCode &code) override;
  int64_t count() const { return count_; }

private:
  std::atomic<int64_t> count_{0};
};

std::vector<TaskSpec> fakeTasks(int n);

/// Options of the crash test, shared by the helper executable and the gtest.
SearchOptions crashTestOptions(const std::string &checkpoint);

} // namespace pike::search::testing

#endif
