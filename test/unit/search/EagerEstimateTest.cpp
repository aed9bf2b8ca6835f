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
  EXPECT_DOUBLE_EQ(*e[1], 0.5);
  EXPECT_DOUBLE_EQ(*e[2], 4.0);
  EXPECT_DOUBLE_EQ(*e[3], 0.01); // a size below 1 counts as 1
}

TEST(EagerEstimate, AFailedOrZeroTimeIsNotAMeasurement) {
  SlotProfile failed = unmeasured(100);
  failed.failure = "runtime_error: out of memory";
  auto e = estimateEagerMs({measuredAt(100, 2.0), failed, measuredAt(100, 0.0)});
  EXPECT_DOUBLE_EQ(*e[1], 2.0);
  EXPECT_DOUBLE_EQ(*e[2], 2.0); // 0 ms is no time: estimated like the rest
}

TEST(EagerEstimate, OneOutlierDoesNotDecide) {
  // Three measured at 1000 elements: 1 ms, 1 ms and a compute-bound 100 ms.
  auto e = estimateEagerMs({measuredAt(1000, 1.0), measuredAt(1000, 100.0), measuredAt(1000, 1.0),
                            unmeasured(500)});
  EXPECT_DOUBLE_EQ(*e[3], 0.5);
}

TEST(EagerEstimate, TheNearestInSizeDecide) {
  // Five large functions at 1e-6 ms per element, five small launch-bound ones at
  // 1e-4: a small unmeasured function takes the small ones' rate, a large one
  // the large ones' (the median over all ten would be 5.05e-5 for both).
  std::vector<SlotProfile> f;
  for (int i = 0; i < 5; ++i)
    f.push_back(measuredAt(1000000, 1.0));
  for (int i = 0; i < 5; ++i)
    f.push_back(measuredAt(1000, 0.1));
  f.push_back(unmeasured(500));
  f.push_back(unmeasured(2000000));
  auto e = estimateEagerMs(f);
  EXPECT_DOUBLE_EQ(*e[10], 0.05);
  EXPECT_DOUBLE_EQ(*e[11], 2.0);
}

TEST(EagerEstimate, AtMostFiveNeighboursTiesToTheEarlier) {
  // Six measured, all at the same distance from the unmeasured one (log 10
  // either way from 100): the first five decide, rates 1,1,1,9,9 -> median 1
  // (with the sixth, rate 9, it would be 5).
  std::vector<SlotProfile> f = {measuredAt(10, 10.0),   measuredAt(1000, 1000.0), measuredAt(10, 10.0),
                                measuredAt(1000, 9000.0), measuredAt(10, 90.0),   measuredAt(1000, 9000.0),
                                unmeasured(100)};
  EXPECT_EQ(kEstimateNeighbours, 5u);
  EXPECT_DOUBLE_EQ(*estimateEagerMs(f)[6], 100.0);
}
