// Eager times for the slot functions a budgeted profile did not measure,
// estimated from the ones it did. MLIR-free and pure; the search passes
// (lib/Tuning/SlotSearch.cpp) use the estimates to split a search-time budget,
// never to order slots, and mark them as estimates (pike.reference_ms_estimated).
//
// The estimator: a function's estimated time is its size estimate times the
// median time per size unit (ms per element moved) of the kEstimateNeighbours
// measured functions closest to it in log size. Why this one:
//  - proportional to size: the size estimate is what is known of every
//    function, and within one network time grows with the data a slot moves;
//  - a median: one measured outlier (a compute-bound GEMM, a launch-bound
//    scalar op) does not decide anyone's estimate (up to 2 of 5 are ignored);
//  - nearest in size: the profile measures the largest functions first, so the
//    unmeasured ones are the small ones, whose time per element is higher (a
//    launch costs the same whatever it moves); the smallest measured functions
//    are the closest model of them. What bias remains underestimates small,
//    launch-bound functions; each still gets the split's floor (min-slot-time),
//    which the estimate does not touch.
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
