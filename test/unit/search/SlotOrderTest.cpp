// Slot order for the search passes (order=size|profile) and the eager
// profiling through the Evaluator interface.
#include "pike/Search/SlotOrder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace pike::search;

namespace {
SlotProfile sized(int64_t size) { return SlotProfile{size, std::nullopt, ""}; }
SlotProfile timedAt(int64_t size, double ms) { return SlotProfile{size, ms, ""}; }
SlotProfile failed(int64_t size) { return SlotProfile{size, std::nullopt, "runtime_error: no CUDA device"}; }

using Order = std::vector<size_t>;
} // namespace

TEST(SlotOrder, ParsesItsTwoNames) {
  EXPECT_EQ(parseSlotOrder("size"), SlotOrder::Size);
  EXPECT_EQ(parseSlotOrder("profile"), SlotOrder::Profile);
  EXPECT_FALSE(parseSlotOrder("bogus"));
  EXPECT_FALSE(parseSlotOrder(""));
  EXPECT_STREQ(toString(SlotOrder::Profile), "profile");
}

TEST(SlotOrder, SizeOrderIsLargestFirstTiesByIndexAndIgnoresTimes) {
  std::vector<SlotProfile> s = {timedAt(10, 5.0), sized(30), timedAt(20, 0.1), sized(30)};
  EXPECT_EQ(orderSlots(s, SlotOrder::Size, 0), (Order{1, 3, 2, 0}));
  EXPECT_EQ(orderSlots(s, SlotOrder::Size, 2), (Order{1, 3}));
}

TEST(SlotOrder, ProfileOrderIsByMeasuredTime) {
  // A small compute-bound GEMM (slot 0) outweighs a big elementwise copy (slot 1).
  std::vector<SlotProfile> s = {timedAt(1000, 2.0), timedAt(100000, 0.5), timedAt(5000, 1.0)};
  EXPECT_EQ(orderSlots(s, SlotOrder::Profile, 0), (Order{0, 2, 1}));
}

TEST(SlotOrder, ProfileTiesGoToTheLargerSlotThenTheEarlierOne) {
  std::vector<SlotProfile> s = {timedAt(10, 1.0), timedAt(50, 1.0), timedAt(50, 1.0), timedAt(5, 3.0)};
  EXPECT_EQ(orderSlots(s, SlotOrder::Profile, 0), (Order{3, 1, 2, 0}));
}

TEST(SlotOrder, UntimedSlotsKeepTheirSizeOrderPosition) {
  // Size order: 1 (400), 3 (300), 0 (200), 2 (100), 4 (50).
  // Slot 3 and slot 4 failed: positions 1 and 4 stay theirs; the timed slots
  // 1, 0, 2 fill positions 0, 2, 3 by time: 2 (9 ms), 0 (5 ms), 1 (1 ms).
  std::vector<SlotProfile> s = {timedAt(200, 5.0), timedAt(400, 1.0), timedAt(100, 9.0), failed(300),
                                failed(50)};
  EXPECT_EQ(orderSlots(s, SlotOrder::Profile, 0), (Order{2, 3, 0, 1, 4}));
}

TEST(SlotOrder, MaxSlotsCutsTheProfileOrder) {
  std::vector<SlotProfile> s = {timedAt(200, 5.0), timedAt(400, 1.0), timedAt(100, 9.0), failed(300),
                                failed(50)};
  EXPECT_EQ(orderSlots(s, SlotOrder::Profile, 3), (Order{2, 3, 0}));
  EXPECT_EQ(orderSlots(s, SlotOrder::Profile, 1), (Order{2}));
  EXPECT_EQ(orderSlots(s, SlotOrder::Profile, 9).size(), 5u);
}

TEST(SlotOrder, EveryProfileFailedIsTheSizeOrder) {
  std::vector<SlotProfile> s = {failed(1), failed(3), failed(2)};
  EXPECT_EQ(orderSlots(s, SlotOrder::Profile, 0), orderSlots(s, SlotOrder::Size, 0));
  EXPECT_EQ(orderSlots(s, SlotOrder::Profile, 2), (Order{1, 2}));
  EXPECT_TRUE(orderSlots({}, SlotOrder::Profile, 3).empty());
}

TEST(SlotOrder, EagerSharesSumToOneOverTheTimedSlots) {
  std::vector<SlotProfile> s = {timedAt(1, 1.0), failed(2), timedAt(3, 3.0)};
  auto shares = eagerShares(s);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_DOUBLE_EQ(*shares[0], 0.25);
  EXPECT_FALSE(shares[1]);
  EXPECT_DOUBLE_EQ(*shares[2], 0.75);
  auto none = eagerShares({failed(1), failed(2)});
  EXPECT_FALSE(none[0]);
  EXPECT_FALSE(none[1]);
}

namespace {
/// Stands in for pike-worker: a reference time or a failure per region.
class ProfileEvaluator : public Evaluator {
public:
  std::map<std::string, double> ms;
  std::map<std::string, EvalResult> failures;
  EvalResult evaluate(const TaskSpec &task, const CandidateCode &code) override {
    {
      std::lock_guard<std::mutex> lk(mu);
      modes.push_back(code.mode);
    }
    if (task.regionName == "throws")
      throw std::runtime_error("pool is gone");
    if (auto it = failures.find(task.regionName); it != failures.end())
      return it->second;
    EvalResult r;
    r.status = EvalStatus::Ok;
    r.referenceMs = ms.count(task.regionName) ? ms[task.regionName] : 0;
    return r;
  }
  std::mutex mu;
  std::vector<std::string> modes;
};

TaskSpec task(const std::string &name) {
  TaskSpec t;
  t.regionName = name;
  return t;
}
} // namespace

TEST(SlotOrder, TimeReferencesAsksForTheReferenceAloneAndSaysWhyItFailed) {
  ProfileEvaluator ev;
  ev.ms = {{"a", 0.5}, {"b", 2.0}};
  EvalResult noGpu;
  noGpu.status = EvalStatus::RuntimeError;
  noGpu.log = "no CUDA device: CUDA driver not found";
  ev.failures["c"] = noGpu;
  std::vector<TaskSpec> tasks = {task("a"), task("b"), task("c"), task("zero"), task("throws")};
  for (unsigned parallel : {1u, 3u}) {
    ev.modes.clear();
    auto t = timeReferences(ev, tasks, parallel);
    ASSERT_EQ(t.size(), 5u);
    EXPECT_DOUBLE_EQ(*t[0].ms, 0.5);
    EXPECT_DOUBLE_EQ(*t[1].ms, 2.0);
    EXPECT_FALSE(t[2].ms);
    EXPECT_EQ(t[2].failure, "runtime_error: no CUDA device: CUDA driver not found");
    EXPECT_FALSE(t[3].ms);
    EXPECT_EQ(t[3].failure, "the evaluator returned no reference time");
    EXPECT_FALSE(t[4].ms);
    EXPECT_EQ(t[4].failure, "evaluator error: pool is gone");
    EXPECT_EQ(ev.modes, std::vector<std::string>(5, "reference"));
  }
}

TEST(SlotOrder, GroupsSlotsByFingerprintInOrderOfFirstAppearance) {
  auto groups = groupByFingerprint({"gemm", "gates", "gemm", "proj", "gates", "gemm"});
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0], (Order{0, 2, 5}));
  EXPECT_EQ(groups[1], (Order{1, 4}));
  EXPECT_EQ(groups[2], (Order{3}));
  EXPECT_TRUE(groupByFingerprint({}).empty());
}

TEST(SlotOrder, AGroupWeighsWhatAllItsMembersCost) {
  // A recurrent net: one big input projection (slot 0, 4 ms) and a small step
  // GEMM repeated 3 times (1.5 ms each). The step's kernel saves 4.5 ms of eager
  // time, so it is searched first, and max-slots counts it once.
  std::vector<SlotProfile> s = {timedAt(1000, 4.0), timedAt(100, 1.5), timedAt(100, 1.5),
                                timedAt(100, 1.5)};
  auto groups = groupByFingerprint({"proj", "step", "step", "step"});
  auto g = groupProfiles(s, groups);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[1].sizeEstimate, 300);
  EXPECT_DOUBLE_EQ(*g[1].referenceMs, 4.5);
  EXPECT_EQ(orderSlots(g, SlotOrder::Profile, 0), (Order{1, 0}));
  EXPECT_EQ(orderSlots(g, SlotOrder::Profile, 1), (Order{1}));
  // By size the projection still moves more data than the three steps together.
  EXPECT_EQ(orderSlots(g, SlotOrder::Size, 0), (Order{0, 1}));
  auto shares = eagerShares(g);
  EXPECT_DOUBLE_EQ(*shares[1], 4.5 / 8.5);
}

TEST(SlotOrder, AGroupWithAnUntimedMemberIsUntimed) {
  std::vector<SlotProfile> s = {timedAt(10, 1.0), failed(10)};
  auto g = groupProfiles(s, {{0, 1}});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_FALSE(g[0].referenceMs);
  EXPECT_EQ(g[0].sizeEstimate, 20);
}

namespace {
SlotProfile estimatedAt(int64_t size, double ms) { return SlotProfile{size, std::nullopt, "", ms}; }
} // namespace

TEST(SlotOrder, EstimatedTimesCountInTheSharesButNotInTheOrder) {
  // Size order: 0 (400), 1 (300), 2 (200), 3 (100). Slot 1 was not measured
  // (the profile's share was spent before it... or it failed): its estimate
  // weighs in the shares, and it keeps its size-order position (1) although
  // its estimate is the largest time.
  std::vector<SlotProfile> s = {timedAt(400, 1.0), estimatedAt(300, 5.0), timedAt(200, 3.0), timedAt(100, 1.0)};
  EXPECT_EQ(orderSlots(s, SlotOrder::Profile, 0), (Order{2, 1, 0, 3}));
  auto shares = eagerShares(s);
  EXPECT_DOUBLE_EQ(*shares[1], 0.5);
  EXPECT_DOUBLE_EQ(*shares[2], 0.3);
  EXPECT_EQ(eagerMs(s[1]), 5.0);
  EXPECT_EQ(eagerMs(s[0]), 1.0);
  EXPECT_FALSE(eagerMs(sized(7)));
}

TEST(SlotOrder, AGroupOfEstimatedMembersIsEstimated) {
  std::vector<SlotProfile> s = {estimatedAt(10, 0.5), estimatedAt(10, 0.5), timedAt(30, 2.0), sized(5)};
  auto g = groupProfiles(s, {{0, 1}, {2}, {3}});
  EXPECT_FALSE(g[0].referenceMs);
  EXPECT_DOUBLE_EQ(*g[0].estimatedMs, 1.0);
  EXPECT_DOUBLE_EQ(*g[1].referenceMs, 2.0);
  EXPECT_FALSE(g[1].estimatedMs);
  EXPECT_FALSE(g[2].referenceMs);
  EXPECT_FALSE(g[2].estimatedMs);
}

namespace {
/// A worker whose every reference timing takes `sleepMs` (a busy GPU): records
/// which tasks it was asked for, in order.
class SlowProfileEvaluator : public Evaluator {
public:
  explicit SlowProfileEvaluator(int sleepMs) : sleepMs(sleepMs) {}
  EvalResult evaluate(const TaskSpec &task, const CandidateCode &) override {
    {
      std::lock_guard<std::mutex> lk(mu);
      asked.push_back(task.regionName);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(sleepMs));
    EvalResult r;
    r.status = EvalStatus::Ok;
    r.referenceMs = 1.0;
    r.details = {{"gpu_ms", 2.5}, {"phases", {{"time_reference_ms", 20.5}, {"note", "not a number"}}}};
    return r;
  }
  int sleepMs;
  std::mutex mu;
  std::vector<std::string> asked;
};

std::vector<TaskSpec> numberedTasks(size_t n) {
  std::vector<TaskSpec> out;
  for (size_t i = 0; i < n; ++i)
    out.push_back(task("t" + std::to_string(i)));
  return out;
}

/// The tasks asked must be a prefix of `order`; returns its length.
size_t askedPrefix(const std::vector<ReferenceTiming> &t, const std::vector<size_t> &order) {
  size_t k = 0;
  while (k < order.size() && t[order[k]].asked)
    ++k;
  for (size_t j = k; j < order.size(); ++j) {
    EXPECT_FALSE(t[order[j]].asked) << "task " << order[j] << " asked after one that was not";
    EXPECT_FALSE(t[order[j]].ms);
    EXPECT_EQ(t[order[j]].failure, "");
  }
  return k;
}
} // namespace

TEST(SlotOrder, TimeReferencesFollowsTheOrderAndAsksAllWithoutABudget) {
  SlowProfileEvaluator ev(0);
  std::vector<size_t> order = {3, 0, 2, 1};
  auto t = timeReferences(ev, numberedTasks(4), 1, order);
  EXPECT_EQ(ev.asked, (std::vector<std::string>{"t3", "t0", "t2", "t1"}));
  EXPECT_EQ(askedPrefix(t, order), 4u);
  EXPECT_EQ(t[1].gpuMs, 2.5);
  EXPECT_EQ(t[1].phasesMs, (std::map<std::string, double>{{"time_reference_ms", 20.5}}));
  EXPECT_GE(t[1].wallSec, 0.0);
  EXPECT_THROW(timeReferences(ev, numberedTasks(2), 1, {0, 2}), std::invalid_argument);
}

TEST(SlotOrder, TimeReferencesStopsAskingWhenTheBudgetIsSpent) {
  // Every request takes at least 50 ms; with a 0.12 s budget the first three
  // start before it is spent (at 0, >= 0.05, >= 0.10 s) and no fourth can: the
  // third ends past it. A loaded host only makes requests longer, so fewer.
  SlowProfileEvaluator ev(50);
  std::vector<size_t> order = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
  const auto start = std::chrono::steady_clock::now();
  auto t = timeReferences(ev, numberedTasks(12), 1, order, 0.12);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  size_t asked = askedPrefix(t, order);
  EXPECT_GE(asked, 1u);
  EXPECT_LE(asked, 3u);
  EXPECT_EQ(ev.asked.size(), asked);
  EXPECT_EQ(ev.asked.front(), "t11");
  for (size_t k = 0; k < asked; ++k)
    EXPECT_EQ(t[order[k]].ms, 1.0);
  EXPECT_GE(wall, 0.05 * static_cast<double>(asked));
}

TEST(SlotOrder, TimeReferencesInParallelStopsWithAPrefixOfTheOrder) {
  // Three at a time, >= 50 ms each, 0.12 s budget: at most three rounds start
  // (at 0, >= 0.05, >= 0.10 s), so at most 9 of 20 are asked.
  SlowProfileEvaluator ev(50);
  std::vector<size_t> order(20);
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = order.size() - 1 - i;
  auto t = timeReferences(ev, numberedTasks(20), 3, order, 0.12);
  size_t asked = askedPrefix(t, order);
  EXPECT_GE(asked, 1u);
  EXPECT_LE(asked, 9u);
  EXPECT_EQ(ev.asked.size(), asked);
}

TEST(SlotOrder, TheFirstRequestIsMadeWhateverTheBudget) {
  SlowProfileEvaluator ev(0);
  auto t = timeReferences(ev, numberedTasks(3), 1, {2, 1, 0}, 0.0);
  EXPECT_EQ(askedPrefix(t, {2, 1, 0}), 1u);
  EXPECT_EQ(t[2].ms, 1.0);
}
