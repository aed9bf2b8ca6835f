// The verifier's judgement of runner timings, with synthetic numbers shaped like
// an H100's: honest kernels of every size pass, work hidden from the timed stream
// and forged fast answers are rejected, scheduling hiccups are tolerated.
#include "RunnerTiming.h"

#include <gtest/gtest.h>

namespace {

using namespace pike::worker::runner;

// A null call: ~10 us of runner wall (event pair + sync), ~100 us verifier round
// trip (socket both ways, L2 flush, sync).
const Calibration kCal{0.010, 0.100};

// n calls of an honest kernel taking `kernelMs` (plus ~5 us launch inside the
// events), with +-2 us jitter.
std::vector<CallSample> honest(double kernelMs, int n = 50) {
  std::vector<CallSample> v;
  for (int i = 0; i < n; ++i) {
    double jitter = ((i * 7919) % 5 - 2) * 0.001;
    double ev = kernelMs + 0.005 + jitter;
    v.push_back({ev, kCal.nullWallMs + ev + 0.002, kCal.nullRoundTripMs + ev + 0.004 + jitter});
  }
  return v;
}

TEST(RunnerTiming, HonestKernelsOfEverySizePass) {
  for (double k : {0.002, 0.010, 0.020, 0.100, 1.0, 25.0})
    EXPECT_FALSE(judgeTimings(honest(k), kCal)) << k << " ms kernel: " << *judgeTimings(honest(k), kCal);
}

TEST(RunnerTiming, ScheduleHiccupsDoNotRejectAnHonestTinyKernel) {
  auto v = honest(0.003);
  for (int i = 0; i < 10; ++i) { // a fifth of the calls delayed by milliseconds
    v[i * 5].verifierMs += 5.0;
    v[i * 5].wallMs += 2.0;
  }
  EXPECT_FALSE(judgeTimings(v, kCal));
}

// Other processes on the host and the GPU (six searches and the torch.compile
// warm-up at once on the H100) slowed most calls of honest candidates by
// milliseconds on both clocks: judged at the median they were rejected as forged.
TEST(RunnerTiming, ContentionOnMostCallsDoesNotRejectAnHonestKernel) {
  auto v = honest(0.010);
  for (size_t i = 0; i < v.size(); ++i)
    if (i % 10 < 6) { // 60% of the calls
      v[i].verifierMs += 2.0;
      v[i].wallMs += 0.5;
    }
  EXPECT_FALSE(judgeTimings(v, kCal)) << *judgeTimings(v, kCal);
}

TEST(RunnerTiming, WorkHiddenOnEveryCallIsRejectedEvenWhenSomeCallsAreSlower) {
  std::vector<CallSample> v;
  for (int i = 0; i < 50; ++i) // forged 5 us answers, 0.5 ms real work, some calls slower still
    v.push_back({0.005, kCal.nullWallMs + 0.006, kCal.nullRoundTripMs + 0.5 + (i % 3 ? 0.0 : 2.0)});
  EXPECT_TRUE(judgeTimings(v, kCal));
}

TEST(RunnerTiming, QuantileInterpolatesBetweenOrderStatistics) {
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2, 5}, 0.25), 2.0);
  EXPECT_DOUBLE_EQ(quantile({1, 2}, 0.25), 1.25);
  EXPECT_DOUBLE_EQ(quantile({}, 0.25), 0.0);
}

TEST(RunnerTiming, WorkHiddenOnAnotherStreamIsRejected) {
  // The launcher returns after ~5 us; a 20 us kernel it put on the legacy stream
  // finishes only inside the device sync.
  std::vector<CallSample> v;
  for (int i = 0; i < 50; ++i)
    v.push_back({0.005, kCal.nullWallMs + 0.005 + 0.020, kCal.nullRoundTripMs + 0.027});
  auto why = judgeTimings(v, kCal);
  ASSERT_TRUE(why);
  EXPECT_EQ(why->rfind("work outside the timed stream", 0), 0u) << *why;
  EXPECT_NE(why->find("0.025 ms"), std::string::npos) << *why; // the excess it measured
}

TEST(RunnerTiming, ALongerHiddenDelayIsRejectedToo) {
  std::vector<CallSample> v;
  for (int i = 0; i < 50; ++i) // honest 0.1 ms kernel plus a 1 ms delay kernel elsewhere
    v.push_back({0.105, kCal.nullWallMs + 1.105, kCal.nullRoundTripMs + 1.11});
  EXPECT_TRUE(judgeTimings(v, kCal));
}

TEST(RunnerTiming, ForgedFastAnswersAreRejected) {
  // The runner claims 5 us and a matching wall, but each exchange took 0.5 ms more
  // than a null call: the work happened somewhere the runner's numbers do not show.
  std::vector<CallSample> v;
  for (int i = 0; i < 50; ++i)
    v.push_back({0.005, kCal.nullWallMs + 0.006, kCal.nullRoundTripMs + 0.5});
  auto why = judgeTimings(v, kCal);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("not believable"), std::string::npos) << *why;
}

TEST(RunnerTiming, TooFewSamplesJudgeNothing) {
  EXPECT_FALSE(judgeTimings({}, kCal));
  EXPECT_FALSE(judgeTimings({{0.001, 5.0, 9.0}}, kCal));
}

TEST(RunnerTiming, PlannedCallsFollowTheBudgetWithinTheCaps) {
  // 0.02 ms per call, 50 ms budget: 2500 wanted, max_reps 1000, 200-call cap.
  EXPECT_EQ(plannedTimedCalls(0.02, 50, 10, 1000, 6, true, 200), 193);
  EXPECT_EQ(plannedTimedCalls(0.02, 50, 10, 1000, 6, false, 200), 194);
  // 10 ms per call: 5 wanted, min_reps 10 wins.
  EXPECT_EQ(plannedTimedCalls(10, 50, 10, 1000, 6, true, 200), 10);
  // Nothing left under the cap.
  EXPECT_EQ(plannedTimedCalls(0.02, 50, 10, 1000, 200, true, 200), 0);
  // A zero estimate does not divide by zero.
  EXPECT_EQ(plannedTimedCalls(0, 50, 10, 100, 0, false, 200), 100);
}

TEST(RunnerTiming, MedianOfEvenAndOddCounts) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 2, 3}), 2.5);
  EXPECT_DOUBLE_EQ(median({}), 0);
}

} // namespace
