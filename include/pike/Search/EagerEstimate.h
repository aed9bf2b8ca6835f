// Eager times for the slot functions a budgeted profile did not measure,
// estimated from the ones it did. MLIR-free and pure; the search passes
// (lib/Tuning/SlotSearch.cpp) use the estimates to split a search-time budget,
// never to order slots, and mark them as estimates (pike.reference_ms_estimated).
//
// The estimator: time ~ size^b near the function, fitted on the
// kEstimateNeighbours measured functions closest to it in log size: b is the
// median of their pairwise log-log slopes (Theil-Sen) clamped to [0, 1], the
// scale the median of their log(ms) - b log(size). Why this one:
//  - size is what is known of every function, and within one network time
//    grows with the data a slot moves;
//  - nearest in size: the profile measures the largest functions first, so the
//    unmeasured ones are the small ones, and the smallest measured functions
//    are the closest model of them;
//  - the slope: between b = 0 (launch-bound: a launch costs the same whatever
//    it moves) and b = 1 (bandwidth-bound: proportional), read off the
//    neighbours instead of assumed (a plain ms-per-element rate, b = 1,
//    underestimates small launch-bound functions many times over);
//  - medians: one measured outlier (a compute-bound GEMM, a noisy timing) does
//    not decide anyone's estimate.
// With one neighbour, or neighbours all of one size, b = 1 (their median rate).
#ifndef PIKE_SEARCH_EAGERESTIMATE_H
#define PIKE_SEARCH_EAGERESTIMATE_H

#include "pike/Search/SlotOrder.h"

#include <cstddef>
#include <optional>
#include <vector>

namespace pike::search {

/// How many measured functions, nearest in size, one estimate draws on.
constexpr size_t kEstimateNeighbours = 5;

/// One entry per function: nullopt for a function with a measured time (a
/// positive referenceMs), else its estimate from the measured functions (see
/// above; sizes below 1 count as 1). All nullopt when nothing was measured.
/// Ties in distance go to the earlier function, so the result is deterministic.
std::vector<std::optional<double>> estimateEagerMs(const std::vector<SlotProfile> &functions);

/// The median (the mean of the two middle values for an even count; 0 when empty).
double medianOf(std::vector<double> values);

} // namespace pike::search

#endif
