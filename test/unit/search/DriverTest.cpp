#include "SearchFakes.h"

#include "pike/Search/Driver.h"
#include "pike/Search/Population.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

using namespace pike::search;
using namespace pike::search::testing;

namespace {
SearchOptions baseOptions() {
  SearchOptions o;
  o.budget = 30;
  o.islands = 2;
  o.eliteK = 3;
  o.parentsPerProposal = 2;
  o.generationSize = 4;
  o.migrationInterval = 5;
  o.migrants = 1;
  o.fixAttempts = 2;
  o.parallel = 1;
  o.seed = 11;
  return o;
}

SearchReport runOnce(const SearchOptions &o, int tasks = 2, int jitterMs = 0) {
  FakeProposer p;
  FakeFixer f;
  FakeEvaluator e;
  e.jitterMs = jitterMs;
  SearchDriver d(o, p, &f, e);
  return d.run(fakeTasks(tasks));
}
} // namespace

TEST(SearchDriver, SameSeedSameRunOtherSeedOtherRun) {
  SearchOptions o = baseOptions();
  nlohmann::json a = runOnce(o).stateJson();
  nlohmann::json b = runOnce(o).stateJson();
  EXPECT_EQ(a, b);
  o.seed = 12;
  EXPECT_NE(runOnce(o).stateJson(), a);
}

TEST(SearchDriver, FindsFasterKernelsOverTime) {
  SearchOptions o = baseOptions();
  o.budget = 60;
  SearchReport r = runOnce(o, 1);
  ASSERT_TRUE(r.tasks[0].best.has_value());
  // The fake proposer climbs from its best parent: elitism must beat the first generation.
  double firstGenBest = 0;
  for (const auto &isl : r.tasks[0].islands)
    for (const Candidate &c : isl)
      if (c.parents.empty())
        firstGenBest = std::max(firstGenBest, c.result.speedup());
  EXPECT_GT(r.tasks[0].best->result.speedup(), firstGenBest);
}

TEST(SearchDriver, ParallelRunsEqualSequentialRun) {
  SearchOptions o = baseOptions();
  o.budget = 40;
  nlohmann::json sequential = runOnce(o, 2).stateJson();
  o.parallel = 4;
  // Jitter reorders completions; results must still be applied in sequence order.
  EXPECT_EQ(runOnce(o, 2, 3).stateJson(), sequential);
  o.parallel = 7;
  EXPECT_EQ(runOnce(o, 2, 3).stateJson(), sequential);
}

TEST(SearchDriver, ParentsAreElitesOfTheirIslandAtGenerationStart) {
  // One island, one proposal per generation, no fixer: the population a
  // proposal sees is exactly every earlier correct candidate.
  SearchOptions o = baseOptions();
  o.islands = 1;
  o.generationSize = 1;
  o.migrationInterval = 0;
  o.eliteK = 2;
  o.budget = 40;
  FakeProposer p;
  FakeEvaluator e;
  SearchDriver d(o, p, nullptr, e);
  SearchReport r = d.run(fakeTasks(1));
  std::vector<ProposerCall> calls = p.calls();
  ASSERT_EQ(calls.size(), 40u);
  FakeEvaluator model; // deterministic: re-evaluating reproduces the population
  std::set<std::string> members;
  std::vector<double> speedups;
  size_t checkedParents = 0;
  for (size_t i = 0; i < calls.size(); ++i) {
    std::vector<double> sorted = speedups;
    std::sort(sorted.rbegin(), sorted.rend());
    EXPECT_EQ(calls[i].parentIds.size(), std::min<size_t>(2, sorted.size())) << "call " << i;
    for (double s : calls[i].parentSpeedups) {
      EXPECT_GE(s, sorted[std::min<size_t>(1, sorted.size() - 1)]) << "call " << i << " got a non-elite parent";
      ++checkedParents;
    }
    if (!calls[i].source.empty()) {
      CandidateCode code;
      code.source = calls[i].source;
      EvalResult res = model.evaluate(TaskSpec{}, code);
      if (res.ok() && members.insert(calls[i].source).second)
        speedups.push_back(res.speedup());
    }
  }
  EXPECT_GT(checkedParents, 40u);
  EXPECT_EQ(members.size(), r.tasks[0].islands[0].size());
}

TEST(SearchDriver, QueryBudgetIsAHardStop) {
  SearchOptions o = baseOptions();
  o.budget = 13;
  FakeProposer p;
  FakeFixer f;
  f.fixEvery = 0; // never fixes: the fix loop uses as much budget as it may
  FakeEvaluator e;
  SearchDriver d(o, p, &f, e);
  SearchReport r = d.run(fakeTasks(2));
  EXPECT_EQ(r.stopReason, "budget");
  EXPECT_EQ(p.callCount() + f.callCount(), 2 * 13);
  for (const TaskOutcome &t : r.tasks) {
    EXPECT_EQ(t.queries, 13);
    EXPECT_EQ(t.proposals + t.fixes, 13);
    EXPECT_GT(t.fixes, 0);
  }
  EXPECT_EQ(r.spend.queries, 26);
}

TEST(SearchDriver, DollarBudgetIsAHardStop) {
  SearchOptions o = baseOptions();
  o.budget = 1000;
  o.budgetUsd = 2.0;
  FakeProposer p; // $0.25 per call
  FakeFixer f;    // $0.50 per call
  FakeEvaluator e;
  SearchDriver d(o, p, &f, e);
  SearchReport r = d.run(fakeTasks(1));
  EXPECT_EQ(r.stopReason, "usd_budget");
  // Sequentially, the run stops at the first call that reaches $2.
  EXPECT_GE(r.spend.usd, 2.0);
  EXPECT_LT(r.spend.usd, 2.0 + 0.5);
  EXPECT_DOUBLE_EQ(r.spend.usd, 0.25 * p.callCount() + 0.5 * f.callCount());

  // With 4 in flight the overshoot is bounded by the calls already running.
  o.parallel = 4;
  FakeProposer p4;
  FakeFixer f4;
  SearchDriver d4(o, p4, &f4, e);
  SearchReport r4 = d4.run(fakeTasks(1));
  EXPECT_EQ(r4.stopReason, "usd_budget");
  EXPECT_LT(r4.spend.usd, 2.0 + 4 * 0.5);
}

TEST(SearchDriver, FixLoopGivesUpAfterFixAttempts) {
  SearchOptions o = baseOptions();
  o.fixAttempts = 5;
  o.generationSize = 1;
  o.islands = 1;
  o.budget = 6; // one proposal and five fixes
  FakeProposer p;
  p.alwaysBug = true;
  FakeFixer f;
  f.fixEvery = 0;
  FakeEvaluator e;
  SearchDriver d(o, p, &f, e);
  SearchReport r = d.run(fakeTasks(1));
  const TaskOutcome &t = r.tasks[0];
  EXPECT_EQ(p.callCount(), 1);
  EXPECT_EQ(f.callCount(), 5);
  ASSERT_EQ(t.failures.size(), 6u);
  for (int depth = 0; depth < 6; ++depth) {
    EXPECT_EQ(t.failures[depth].fixDepth, depth);
    if (depth > 0) {
      // Each fix starts from the previous broken attempt, whose error it sees.
      EXPECT_EQ(t.failures[depth].parents, std::vector<std::string>{t.failures[depth - 1].id});
      EXPECT_EQ(f.brokenIds()[depth - 1], t.failures[depth - 1].id);
    }
  }
  // A bigger budget does not buy a sixth fix of the same chain.
  o.budget = 7;
  FakeProposer p2;
  p2.alwaysBug = true;
  FakeFixer f2;
  f2.fixEvery = 0;
  SearchDriver d2(o, p2, &f2, e);
  d2.run(fakeTasks(1));
  EXPECT_EQ(f2.callCount(), 5);
  EXPECT_EQ(p2.callCount(), 2);
}

TEST(SearchDriver, FixedCandidateJoinsThePopulation) {
  SearchOptions o = baseOptions();
  o.generationSize = 1;
  o.islands = 1;
  o.budget = 6;
  FakeProposer p;
  p.alwaysBug = true;
  FakeFixer f;
  f.fixEvery = 1; // first attempt succeeds
  FakeEvaluator e;
  SearchDriver d(o, p, &f, e);
  SearchReport r = d.run(fakeTasks(1));
  const TaskOutcome &t = r.tasks[0];
  EXPECT_EQ(p.callCount(), 3);
  EXPECT_EQ(f.callCount(), 3);
  EXPECT_EQ(t.fixed, 3);
  ASSERT_FALSE(t.islands[0].empty());
  const Candidate &c = t.islands[0][0];
  EXPECT_EQ(c.origin, "fake-fix");
  EXPECT_EQ(c.fixDepth, 1);
  EXPECT_EQ(c.parents, std::vector<std::string>{t.failures[0].id});
}

TEST(SearchDriver, TimeoutsAreNotSentToTheFixer) {
  class TimeoutProposer : public Proposer {
  public:
    Proposal propose(const TaskSpec &, const std::vector<const Candidate *> &, uint64_t seed) override {
      Proposal out;
      out.spend.queries = 1;
      CandidateCode c;
      c.source = "kernel x=1 bug=0 timeout " + std::to_string(seed);
      out.code = c;
      return out;
    }
  } p;
  SearchOptions o = baseOptions();
  o.budget = 8;
  FakeFixer f;
  FakeEvaluator e;
  SearchDriver d(o, p, &f, e);
  SearchReport r = d.run(fakeTasks(1));
  EXPECT_EQ(f.callCount(), 0);
  EXPECT_EQ(r.tasks[0].failures.size(), 8u);
}

TEST(SearchDriver, MigrationCopiesWithoutDuplicates) {
  SearchOptions o = baseOptions();
  o.islands = 3;
  o.migrationInterval = 3;
  o.budget = 60;
  SearchReport r = runOnce(o, 1);
  const TaskOutcome &t = r.tasks[0];
  EXPECT_GT(t.migrations, 0);
  for (size_t i = 0; i < t.islands.size(); ++i) {
    std::set<std::string> ids;
    for (const Candidate &c : t.islands[i]) {
      EXPECT_TRUE(ids.insert(c.id).second) << "duplicate " << c.id << " on island " << i;
      EXPECT_EQ(c.island, static_cast<int>(i));
    }
  }
  o.migrationInterval = 0;
  EXPECT_EQ(runOnce(o, 1).tasks[0].migrations, 0);
}

TEST(SearchDriver, ParetoFrontReported) {
  SearchOptions o = baseOptions();
  o.objective2 = "code_size";
  o.budget = 40;
  SearchReport r = runOnce(o, 1);
  const TaskOutcome &t = r.tasks[0];
  std::vector<Candidate> all;
  for (const auto &isl : t.islands)
    all.insert(all.end(), isl.begin(), isl.end());
  ASSERT_FALSE(t.pareto.empty());
  EXPECT_EQ(t.pareto.front().id, t.best->id);
  std::vector<std::string> want, got;
  for (const Candidate &c : paretoFront(all, "code_size"))
    want.push_back(c.id);
  for (const Candidate &c : t.pareto)
    got.push_back(c.id);
  EXPECT_EQ(got, want);
  o.objective2 = "none";
  EXPECT_TRUE(runOnce(o, 1).tasks[0].pareto.empty());
}

TEST(SearchDriver, SeedsAreEvaluatedWithoutQueries) {
  SearchOptions o = baseOptions();
  o.budget = 4;
  FakeProposer p;
  FakeEvaluator e;
  SearchDriver d(o, p, nullptr, e);
  SeedCode s;
  s.code.source = "kernel x=40 bug=0 salt=1";
  s.origin = "tuning-db";
  SearchReport r = d.run(fakeTasks(1), {{s}});
  const TaskOutcome &t = r.tasks[0];
  EXPECT_EQ(t.queries, 4);
  EXPECT_EQ(p.callCount(), 4);
  ASSERT_FALSE(t.islands[0].empty());
  const Candidate &seed = t.islands[0][0];
  EXPECT_EQ(seed.origin, "tuning-db");
  EXPECT_EQ(seed.parents, std::vector<std::string>{});
  EXPECT_EQ(e.count(), t.evaluations) << "seed evaluated once, counted as an evaluation";
  // The first proposal on island 0 builds on the seed, and beats it.
  EXPECT_EQ(p.calls()[0].parentIds, std::vector<std::string>{seed.id});
  ASSERT_TRUE(t.best);
  EXPECT_GE(t.best->result.speedup(), seed.result.speedup());
}

TEST(SearchDriver, DuplicateKernelsUseTheCache) {
  class SameProposer : public Proposer {
  public:
    Proposal propose(const TaskSpec &, const std::vector<const Candidate *> &, uint64_t) override {
      Proposal out;
      out.spend.queries = 1;
      CandidateCode c;
      c.source = "kernel x=3 bug=0";
      out.code = c;
      return out;
    }
  } p;
  SearchOptions o = baseOptions();
  o.islands = 1;
  o.budget = 12;
  FakeEvaluator e;
  SearchDriver d(o, p, nullptr, e);
  SearchReport r = d.run(fakeTasks(1));
  // Generation 0 evaluates its 4 copies (none is from an earlier generation);
  // later generations hit the cache.
  EXPECT_EQ(e.count(), 4);
  EXPECT_EQ(r.tasks[0].cacheHits, 8);
  EXPECT_EQ(r.tasks[0].islands[0].size(), 1u);
  EXPECT_EQ(r.tasks[0].duplicates, 11);
}

TEST(SearchDriver, WallClockStopsLaunching) {
  SearchOptions o = baseOptions();
  o.budget = 100000;
  o.wallClockSec = 0.3;
  o.parallel = 2;
  FakeProposer p;
  FakeEvaluator e;
  e.delayMs = 20;
  SearchDriver d(o, p, nullptr, e);
  auto t0 = std::chrono::steady_clock::now();
  SearchReport r = d.run(fakeTasks(1));
  double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.stopReason, "wall_clock");
  EXPECT_LT(sec, 0.3 + 0.5);
  EXPECT_GT(p.callCount(), 4);
  EXPECT_EQ(r.tasks[0].queries, p.callCount()) << "every launched job was applied";
}

TEST(SearchDriver, RequestStopAndJobLimit) {
  SearchOptions o = baseOptions();
  FakeProposer p;
  FakeEvaluator e;
  SearchDriver d(o, p, nullptr, e);
  d.requestStop();
  SearchReport r = d.run(fakeTasks(1));
  EXPECT_EQ(r.stopReason, "stopped");
  EXPECT_EQ(p.callCount(), 0);

  SearchDriver d2(o, p, nullptr, e);
  d2.setJobLimit(5);
  r = d2.run(fakeTasks(1));
  EXPECT_EQ(r.stopReason, "job_limit");
  EXPECT_EQ(p.callCount(), 5);
}

TEST(SearchDriver, EvaluatorFailureStopsTheRun) {
  SearchOptions o = baseOptions();
  FakeProposer p;
  FakeEvaluator e;
  e.throwAfter = 6;
  SearchDriver d(o, p, nullptr, e);
  SearchReport r = d.run(fakeTasks(1));
  EXPECT_EQ(r.stopReason, "evaluator_error");
  EXPECT_NE(r.error.find("all workers are gone"), std::string::npos);
  EXPECT_EQ(r.tasks[0].evaluations, 6) << "results before the failure are applied";
  EXPECT_GE(r.tasks[0].queries, 6);
}

TEST(SearchDriver, InvalidOptionsAreRejected) {
  SearchOptions o = baseOptions();
  o.islands = 0;
  FakeProposer p;
  FakeEvaluator e;
  EXPECT_THROW(SearchDriver(o, p, nullptr, e), std::invalid_argument);
}

TEST(SearchDriver, ThrowingProposerCountsAsAFailedQuery) {
  class Thrower : public Proposer {
  public:
    Proposal propose(const TaskSpec &, const std::vector<const Candidate *> &, uint64_t) override {
      throw std::runtime_error("HTTP 529 overloaded");
    }
  } p;
  SearchOptions o = baseOptions();
  o.budget = 5;
  FakeEvaluator e;
  SearchReport r = SearchDriver(o, p, nullptr, e).run(fakeTasks(1));
  EXPECT_EQ(r.tasks[0].queries, 5);
  EXPECT_EQ(e.count(), 0);
  EXPECT_EQ(r.stopReason, "budget");
}

TEST(SearchDriver, ThrowingProgressCallbackLeavesNoJobBehind) {
  SearchOptions o = baseOptions();
  o.parallel = 4;
  FakeProposer p;
  FakeEvaluator e;
  e.delayMs = 5;
  SearchDriver d(o, p, nullptr, e);
  int calls = 0;
  d.setProgressCallback([&](const ProgressInfo &) {
    if (++calls == 3)
      throw std::runtime_error("display gone");
  });
  EXPECT_THROW(d.run(fakeTasks(1)), std::runtime_error);
}

// The driver's exact parent sequence for a seed: proposal n proposes x=n (all
// correct, faster with n), so the island is x=0..n-1 and its elites the largest.
TEST(SearchDriver, ExactParentSequenceForASeed) {
  class Counting : public Proposer {
  public:
    std::vector<std::vector<long>> parentXs;
    Proposal propose(const TaskSpec &, const std::vector<const Candidate *> &parents, uint64_t) override {
      std::vector<long> xs;
      for (const Candidate *c : parents)
        xs.push_back(tokenValue(c->code.source, "x"));
      parentXs.push_back(xs);
      Proposal out;
      out.spend.queries = 1;
      CandidateCode code;
      code.source = "kernel x=" + std::to_string(parentXs.size() - 1) + " bug=0";
      out.code = code;
      return out;
    }
  };
  SearchOptions o;
  o.islands = 1;
  o.generationSize = 1;
  o.eliteK = 3;
  o.parentsPerProposal = 2;
  o.migrationInterval = 0;
  o.budget = 10;
  o.seed = 2024;
  Counting p;
  FakeEvaluator e;
  SearchDriver(o, p, nullptr, e).run(fakeTasks(1));
  const std::vector<std::vector<long>> expected = {{}, {0}, {0, 1}, {0, 2}, {1, 3}, {4, 2}, {4, 5}, {5, 4}, {7, 5}, {7, 6}};
  EXPECT_EQ(p.parentXs, expected);
  for (size_t n = 0; n < p.parentXs.size(); ++n)
    for (long x : p.parentXs[n])
      EXPECT_GE(x, static_cast<long>(n) - 3) << "proposal " << n << ": parent x=" << x << " is not a top-3 elite";
}
