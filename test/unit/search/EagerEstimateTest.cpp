// Eager times for the slot functions a budgeted profile left unmeasured
// (estimateEagerMs): the median time per element of the measured functions
// nearest in size, times the function's size.
#include "pike/Search/EagerEstimate.h"

#include <gtest/gtest.h>

using namespace pike::search;

namespace {
SlotProfile unmeasured(int64_t size) { return SlotProfile{size, std::nullopt, "", std::nullopt}; }
SlotProfile measuredAt(int64_t size, double ms) { return SlotProfile{size, ms, "", std::nullopt}; }
} // namespace

TEST(EagerEstimate, MedianOfOddEvenAndEmpty) {
  EXPECT_DOUBLE_EQ(medianOf({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(medianOf({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(medianOf({}), 0);
}

TEST(EagerEstimate, NothingToEstimateFromOrNothingToEstimate) {
  auto none = estimateEagerMs({unmeasured(10), unmeasured(20)});
  EXPECT_FALSE(none[0]);
  EXPECT_FALSE(none[1]);
  auto all = estimateEagerMs({measuredAt(10, 1.0), measuredAt(20, 2.0)});
  EXPECT_FALSE(all[0]);
  EXPECT_FALSE(all[1]);
  EXPECT_TRUE(estimateEagerMs({}).empty());
}

TEST(EagerEstimate, ProportionalToSizeAtTheMeasuredRate) {
  // 1 ms for 100 elements: 0.01 ms per element.
  auto e = estimateEagerMs({measuredAt(100, 1.0), unmeasured(50), unmeasured(400), unmeasured(0)});
  EXPECT_FALSE(e[0]);
  EXPECT_NEAR(*e[1], 0.5, 1e-9);
  EXPECT_NEAR(*e[2], 4.0, 1e-9);
  EXPECT_NEAR(*e[3], 0.01, 1e-9); // a size below 1 counts as 1
}

TEST(EagerEstimate, AFailedOrZeroTimeIsNotAMeasurement) {
  SlotProfile failed = unmeasured(100);
  failed.failure = "runtime_error: out of memory";
  auto e = estimateEagerMs({measuredAt(100, 2.0), failed, measuredAt(100, 0.0)});
  EXPECT_NEAR(*e[1], 2.0, 1e-9);
  EXPECT_NEAR(*e[2], 2.0, 1e-9); // 0 ms is no time: estimated like the rest
}

TEST(EagerEstimate, OneOutlierDoesNotDecide) {
  // Three measured at 1000 elements: 1 ms, 1 ms and a compute-bound 100 ms.
  auto e = estimateEagerMs({measuredAt(1000, 1.0), measuredAt(1000, 100.0), measuredAt(1000, 1.0),
                            unmeasured(500)});
  EXPECT_NEAR(*e[3], 0.5, 1e-9);
}

TEST(EagerEstimate, TheNearestInSizeDecide) {
  // Five large functions at 1e-6 ms per element, five small ones at 1e-4: a
  // small unmeasured function takes the small ones' rate, a large one the large
  // ones' (the five nearest are all of one size: slope 1, their median rate).
  std::vector<SlotProfile> f;
  for (int i = 0; i < 5; ++i)
    f.push_back(measuredAt(1000000, 1.0));
  for (int i = 0; i < 5; ++i)
    f.push_back(measuredAt(1000, 0.1));
  f.push_back(unmeasured(500));
  f.push_back(unmeasured(2000000));
  auto e = estimateEagerMs(f);
  EXPECT_NEAR(*e[10], 0.05, 1e-9);
  EXPECT_NEAR(*e[11], 2.0, 1e-9);
}

TEST(EagerEstimate, AtMostFiveNeighboursTiesToTheEarlier) {
  // Six measured, all at the same distance from the unmeasured one (log 10
  // either way from 100): the first five decide. Their pairwise slopes have
  // median 1, their rates 1,1,1,9,9 median 1: 100 ms (with the sixth, rate 9,
  // the median rate would be 3: 300 ms).
  std::vector<SlotProfile> f = {measuredAt(10, 10.0),   measuredAt(1000, 1000.0), measuredAt(10, 10.0),
                                measuredAt(1000, 9000.0), measuredAt(10, 90.0),   measuredAt(1000, 9000.0),
                                unmeasured(100)};
  EXPECT_EQ(kEstimateNeighbours, 5u);
  EXPECT_NEAR(*estimateEagerMs(f)[6], 100.0, 1e-9);
}

TEST(EagerEstimate, LaunchBoundNeighboursGiveAFlatEstimate) {
  // The same 0.01 ms at 1000, 2000 and 4000 elements: the slope is 0, so a
  // 100-element function is estimated at 0.01 ms too (not 0.001, as a rate would).
  auto e = estimateEagerMs({measuredAt(1000, 0.01), measuredAt(2000, 0.01), measuredAt(4000, 0.01),
                            unmeasured(100)});
  EXPECT_NEAR(*e[3], 0.01, 1e-12);
}

TEST(EagerEstimate, TheSlopeIsReadOffTheNeighboursAndClampedToProportional) {
  // ms = 0.1 * sqrt(size): slope 1/2, so 25 elements -> 0.5 ms.
  auto half = estimateEagerMs({measuredAt(100, 1.0), measuredAt(400, 2.0), measuredAt(1600, 4.0),
                               unmeasured(25)});
  EXPECT_NEAR(*half[3], 0.5, 1e-9);
  // ms ~ size^2 is clamped to proportional (slope 1) at the median rate (0.01,
  // 0.04, 0.16 ms per element: 0.04), so 50 elements -> 2 ms.
  auto steep = estimateEagerMs({measuredAt(100, 1.0), measuredAt(400, 16.0), measuredAt(1600, 256.0),
                                unmeasured(50)});
  EXPECT_NEAR(*steep[3], 2.0, 1e-9);
}
