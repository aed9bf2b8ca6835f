#include "RunnerTiming.h"

#include <algorithm>
#include <sstream>

namespace pike::worker::runner {

namespace {
std::string ms(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v << " ms";
  return s.str();
}
} // namespace

double quantile(std::vector<double> v, double q) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(pos);
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double median(std::vector<double> v) { return quantile(std::move(v), 0.5); }

std::optional<std::string> judgeTimings(const std::vector<CallSample> &calls, const Calibration &cal) {
  if (calls.size() < 2)
    return std::nullopt;
  std::vector<double> events, excess, unexplained, verifier;
  for (const auto &c : calls) {
    events.push_back(c.eventMs);
    excess.push_back(c.wallMs - cal.nullWallMs);
    unexplained.push_back(c.verifierMs - cal.nullRoundTripMs);
    verifier.push_back(c.verifierMs);
  }
  // The wall clocks are taken at their first quartile: hidden or forged work costs
  // time on every call (each call is checked, so it must do the work each time),
  // while contention from other processes on the host or the GPU inflates some
  // calls, often most of them (run h200-all-20261207: judged at the median, the
  // candidates of 62 slots, 25 GPT-2 layer norms among them, were all rejected as forged
  // under six searches at once).
  const double ev = median(events), ex = quantile(excess, kWallQuantile),
               un = quantile(unexplained, kWallQuantile);
  if (ex > kOutsideFactor * ev + kOutsideSlackMs)
    return "work outside the timed stream: the wall clock around a full device synchronisation exceeds the null "
           "call by " + ms(ex) + " or more in three calls of four, but the events on the given stream measure a "
           "median " + ms(ev) + " (limit " + std::to_string(kOutsideFactor).substr(0, 3) + "x + " +
           ms(kOutsideSlackMs) + "); the launcher leaves work on another stream";
  if (kForgeFactor * ev < un - kForgeSlackMs)
    return "work outside the timed stream: the runner's event times (median " + ms(ev) +
           ") account for less than a third of the verifier's own wall clock per call (" +
           ms(quantile(verifier, kWallQuantile)) + " or more in three calls of four, minus " +
           ms(cal.nullRoundTripMs) + " calibrated round trip); its answers are not believable";
  return std::nullopt;
}

int plannedTimedCalls(double estMs, double budgetMs, int minReps, int maxReps, int callsSoFar, bool profile,
                      int maxCalls) {
  double est = std::max(1e-3, estMs);
  int reps = static_cast<int>(std::clamp(budgetMs / est, double(minReps), double(std::max(minReps, maxReps))));
  int room = maxCalls - callsSoFar - (profile ? 1 : 0);
  return std::max(0, std::min(reps, room));
}

} // namespace pike::worker::runner
