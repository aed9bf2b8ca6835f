// A search's wall-clock budget ("--search-time=10m") and its split over the
// slot functions searched: each gets a floor plus a part of the rest in
// proportion to its weight (its share of the measured eager time, or of the
// data it moves when there is no profile). MLIR-free; the driver enforces the
// allotments (SearchDriver::setTimeAllotments), the search passes compute them.
#ifndef PIKE_SEARCH_TIMEBUDGET_H
#define PIKE_SEARCH_TIMEBUDGET_H

#include <optional>
#include <string>
#include <vector>

namespace pike::search {

/// "600", "90s", "10m", "1.5h", "1h30m", "2m30s" -> seconds (> 0). nullopt and
/// `*error` naming what is wrong otherwise ("" is an error too).
std::optional<double> parseDuration(const std::string &text, std::string *error = nullptr);

/// Seconds as the largest units that fit: "10m", "1m30s", "45.5s", "1h2m".
std::string formatDuration(double seconds);

/// Splits `capacitySec` (job-seconds: the wall-clock budget times the jobs in
/// flight) over tasks: each gets min(floorSec, capacitySec / (2 n)), so floors
/// take at most half, and the rest in proportion to its weight (weights <= 0
/// count as 0; all zero: equal parts). The allotments sum to capacitySec.
std::vector<double> splitTimeBudget(const std::vector<double> &weights, double capacitySec,
                                    double floorSec);

} // namespace pike::search

#endif
