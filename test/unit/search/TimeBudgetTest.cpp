// The search time budget: durations, its split over slot functions, and the
// driver stopping each task at its allotment (on a fake clock).
#include "pike/Search/Driver.h"
#include "pike/Search/TimeBudget.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <numeric>

using namespace pike::search;

TEST(TimeBudget, ParsesDurations) {
  EXPECT_DOUBLE_EQ(*parseDuration("600"), 600);
  EXPECT_DOUBLE_EQ(*parseDuration("90s"), 90);
  EXPECT_DOUBLE_EQ(*parseDuration("10m"), 600);
  EXPECT_DOUBLE_EQ(*parseDuration("1.5h"), 5400);
  EXPECT_DOUBLE_EQ(*parseDuration("1h30m"), 5400);
  EXPECT_DOUBLE_EQ(*parseDuration("2m30s"), 150);
  EXPECT_DOUBLE_EQ(*parseDuration("0.5s"), 0.5);
}

TEST(TimeBudget, BadDurationsSayWhatIsWrong) {
  std::string err;
  EXPECT_FALSE(parseDuration("", &err));
  EXPECT_NE(err.find("bad duration '': empty"), std::string::npos) << err;
  EXPECT_FALSE(parseDuration("10x", &err));
  EXPECT_NE(err.find("unknown unit 'x'"), std::string::npos) << err;
  EXPECT_FALSE(parseDuration("1h30", &err));
  EXPECT_NE(err.find("the last number has no unit"), std::string::npos) << err;
  EXPECT_FALSE(parseDuration("0m", &err));
  EXPECT_NE(err.find("must be more than 0"), std::string::npos) << err;
  EXPECT_FALSE(parseDuration("-5m", &err));
  EXPECT_NE(err.find("expected a number"), std::string::npos) << err;
  EXPECT_FALSE(parseDuration("m", &err));
  EXPECT_NE(err.find("e.g. 10m"), std::string::npos) << err;
}

TEST(TimeBudget, FormatsDurations) {
  EXPECT_EQ(formatDuration(600), "10m");
  EXPECT_EQ(formatDuration(5400), "1h30m");
  EXPECT_EQ(formatDuration(150), "2m30s");
  EXPECT_EQ(formatDuration(45.5), "45.5s");
  EXPECT_EQ(formatDuration(3600), "1h");
}

TEST(TimeBudget, SplitGivesEachAFloorAndTheRestByWeight) {
  // 600 job-seconds, floor 30 s: 4 x 30 = 120, the other 480 by weight 1:2:0:5.
  auto a = splitTimeBudget({1, 2, 0, 5}, 600, 30);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_DOUBLE_EQ(a[0], 30 + 480.0 / 8);
  EXPECT_DOUBLE_EQ(a[1], 30 + 480.0 * 2 / 8);
  EXPECT_DOUBLE_EQ(a[2], 30);
  EXPECT_DOUBLE_EQ(a[3], 30 + 480.0 * 5 / 8);
  EXPECT_DOUBLE_EQ(std::accumulate(a.begin(), a.end(), 0.0), 600);
}

TEST(TimeBudget, FloorsTakeAtMostHalfAndZeroWeightsSplitEvenly) {
  // 100 slot functions in 60 s: a 10 s floor would need 1000 s; each gets 0.3 s.
  std::vector<double> w(100, 0.0);
  w[0] = 1;
  auto a = splitTimeBudget(w, 60, 10);
  EXPECT_DOUBLE_EQ(a[1], 0.3);
  EXPECT_DOUBLE_EQ(a[0], 0.3 + 30);
  auto even = splitTimeBudget({0, 0}, 10, 0);
  EXPECT_DOUBLE_EQ(even[0], 5);
  EXPECT_DOUBLE_EQ(even[1], 5);
  EXPECT_TRUE(splitTimeBudget({}, 10, 1).empty());
}

namespace {
/// A clock that only the evaluator moves: an evaluation of task i takes
/// costSec[i] seconds. With parallel=1 every run is exactly reproducible.
struct FakeTime {
  std::mutex mu;
  double now = 1000;
  double read() {
    std::lock_guard<std::mutex> l(mu);
    return now;
  }
  void advance(double s) {
    std::lock_guard<std::mutex> l(mu);
    now += s;
  }
};

class CountingProposer : public Proposer {
public:
  Proposal propose(const TaskSpec &, const std::vector<const Candidate *> &, const ProposalContext &ctx) override {
    Proposal p;
    CandidateCode c;
    c.source = "kernel " + std::to_string(ctx.index);
    p.code = c;
    p.origin = "test";
    return p;
  }
  Proposal propose(const TaskSpec &t, const std::vector<const Candidate *> &parents, uint64_t seed) override {
    return propose(t, parents, ProposalContext{seed, 0});
  }
};

class TimedEvaluator : public Evaluator {
public:
  TimedEvaluator(FakeTime &time, std::map<std::string, double> cost) : time_(time), cost_(std::move(cost)) {}
  EvalResult evaluate(const TaskSpec &task, const CandidateCode &) override {
    time_.advance(cost_.at(task.regionName));
    EvalResult r;
    r.status = EvalStatus::Ok;
    r.referenceMs = 1;
    r.candidateMs = 1;
    return r;
  }

private:
  FakeTime &time_;
  std::map<std::string, double> cost_;
};

std::vector<TaskSpec> twoTasks() {
  std::vector<TaskSpec> t(2);
  t[0].regionName = "a";
  t[0].fingerprint = "fa";
  t[1].regionName = "b";
  t[1].fingerprint = "fb";
  return t;
}

SearchOptions oneJobPerGeneration(int64_t budget) {
  SearchOptions o;
  o.budget = budget;
  o.islands = 1;
  o.generationSize = 1;
  o.fixAttempts = 0;
  return o;
}
} // namespace

TEST(TimeBudget, DriverStopsEachTaskAtItsAllotment) {
  FakeTime time;
  TimedEvaluator ev(time, {{"a", 1.0}, {"b", 1.0}});
  CountingProposer proposer;
  SearchDriver driver(oneJobPerGeneration(100), proposer, nullptr, ev);
  driver.setClock([&] { return time.read(); });
  driver.setTimeAllotments({10, 30});
  SearchReport rep = driver.run(twoTasks());
  ASSERT_EQ(rep.tasks.size(), 2u);
  EXPECT_EQ(rep.tasks[0].evaluations, 10);
  EXPECT_EQ(rep.tasks[1].evaluations, 30);
  EXPECT_DOUBLE_EQ(rep.tasks[0].timeUsedSec, 10);
  EXPECT_DOUBLE_EQ(rep.tasks[1].timeUsedSec, 30);
  EXPECT_DOUBLE_EQ(rep.tasks[1].timeAllottedSec, 30);
  EXPECT_TRUE(rep.tasks[0].outOfTime);
  EXPECT_TRUE(rep.tasks[1].outOfTime);
  EXPECT_EQ(rep.stopReason, "slot_time");
  nlohmann::json j = rep.toJson();
  EXPECT_EQ(j["time"][1]["region"], "b");
  EXPECT_DOUBLE_EQ(j["time"][1]["usedSec"].get<double>(), 30);
  // Times vary from run to run on a GPU, so they stay out of the compared state.
  EXPECT_FALSE(rep.stateJson().dump().find("usedSec") != std::string::npos);
}

TEST(TimeBudget, TimeATaskLeftUnusedGoesToTheOthers) {
  // Task a runs out of queries (20) after 2.5 s of its 10 s; its 7.5 s go to b,
  // whose 2 s evaluations then fit 37.5 s: 19 of them, not the 15 its own 30 s buy.
  FakeTime time;
  TimedEvaluator ev(time, {{"a", 0.125}, {"b", 2.0}});
  CountingProposer proposer;
  SearchDriver driver(oneJobPerGeneration(20), proposer, nullptr, ev);
  driver.setClock([&] { return time.read(); });
  driver.setTimeAllotments({10, 30});
  SearchReport rep = driver.run(twoTasks());
  EXPECT_EQ(rep.tasks[0].evaluations, 20);
  EXPECT_FALSE(rep.tasks[0].outOfTime);
  EXPECT_EQ(rep.tasks[1].evaluations, 19);
  EXPECT_TRUE(rep.tasks[1].outOfTime);
}

TEST(TimeBudget, WithoutAllotmentsOnlyTheQueryBudgetStops) {
  FakeTime time;
  TimedEvaluator ev(time, {{"a", 5.0}, {"b", 5.0}});
  CountingProposer proposer;
  SearchDriver driver(oneJobPerGeneration(7), proposer, nullptr, ev);
  driver.setClock([&] { return time.read(); });
  SearchReport rep = driver.run(twoTasks());
  EXPECT_EQ(rep.tasks[0].evaluations, 7);
  EXPECT_EQ(rep.tasks[1].evaluations, 7);
  EXPECT_EQ(rep.stopReason, "budget");
  EXPECT_DOUBLE_EQ(rep.tasks[0].timeUsedSec, 35);
}

TEST(TimeBudget, TheWallClockUsesTheSameClock) {
  FakeTime time;
  TimedEvaluator ev(time, {{"a", 1.0}, {"b", 1.0}});
  CountingProposer proposer;
  SearchOptions o = oneJobPerGeneration(100);
  o.wallClockSec = 6; // 3 generations of 2 one-second jobs
  SearchDriver driver(o, proposer, nullptr, ev);
  driver.setClock([&] { return time.read(); });
  SearchReport rep = driver.run(twoTasks());
  EXPECT_EQ(rep.tasks[0].evaluations + rep.tasks[1].evaluations, 6);
  EXPECT_EQ(rep.stopReason, "wall_clock");
}

TEST(TimeBudget, EveryTaskGetsItsFirstCandidateBeforeAnyGetsASecond) {
  // Three slots, generations of 8 proposals, one-second candidates, 3 s of wall
  // clock: in task order slot a would take all three; under a time budget each
  // slot gets one.
  FakeTime time;
  TimedEvaluator ev(time, {{"a", 1.0}, {"b", 1.0}, {"c", 1.0}});
  CountingProposer proposer;
  SearchOptions o = oneJobPerGeneration(100);
  o.generationSize = 8;
  o.wallClockSec = 3;
  SearchDriver driver(o, proposer, nullptr, ev);
  driver.setClock([&] { return time.read(); });
  driver.setTimeAllotments({10, 10, 10});
  std::vector<TaskSpec> tasks = twoTasks();
  tasks.push_back(tasks[0]);
  tasks[2].regionName = "c";
  tasks[2].fingerprint = "fc";
  SearchReport rep = driver.run(tasks);
  ASSERT_EQ(rep.tasks.size(), 3u);
  EXPECT_EQ(rep.stopReason, "wall_clock");
  EXPECT_EQ(rep.tasks[0].evaluations, 1);
  EXPECT_EQ(rep.tasks[1].evaluations, 1);
  EXPECT_EQ(rep.tasks[2].evaluations, 1);
}

TEST(TimeBudget, AllotmentsMustMatchTheTasks) {
  FakeTime time;
  TimedEvaluator ev(time, {{"a", 1.0}, {"b", 1.0}});
  CountingProposer proposer;
  SearchDriver driver(oneJobPerGeneration(3), proposer, nullptr, ev);
  driver.setTimeAllotments({10});
  EXPECT_THROW(driver.run(twoTasks()), std::invalid_argument);
}
