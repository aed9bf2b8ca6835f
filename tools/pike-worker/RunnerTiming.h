// The verifier's judgement of a runner's timings (pure functions, unit-tested on
// the CPU): whether the candidate left work outside the timed stream or the
// runner's answers cannot be believed, and how many timed calls to make.
#ifndef PIKE_WORKER_RUNNERTIMING_H
#define PIKE_WORKER_RUNNERTIMING_H

#include <optional>
#include <string>
#include <vector>

namespace pike::worker::runner {

/// One checked call as measured by both sides.
struct CallSample {
  double eventMs = 0;    // runner: events e0..e1 on its stream
  double wallMs = 0;     // runner: wall clock around the call + full device sync
  double verifierMs = 0; // verifier: from sending `run` to receiving `done`
};

/// The same measures for calls without a candidate (before it was loaded).
struct Calibration {
  double nullWallMs = 0;      // median runner wall of a null call
  double nullRoundTripMs = 0; // median verifier round trip of a null call
};

// Runner wall vs events. Honest launchers give wall - null_wall ~ events (e0 fires
// at once on the idle stream, so host-side launch work is inside the events too);
// 0.015 ms absorbs sync wake-up jitter. (0.05 ms would let a ~20 us kernel hidden
// on the legacy stream pass.) Tune from the GPU suite's honest controls only.
constexpr double kOutsideFactor = 1.5, kOutsideSlackMs = 0.015;
// Verifier wall per call (minus the null round trip) vs the claimed events. On
// the H100 an honest call's round trip exceeds the null call's by -0.12..0.20 ms
// beyond its events (context switches between verifier and runner, noisy), so a
// forged answer is caught only past 3x + 0.3 ms: it bounds, not removes, what a
// launcher that writes its own `done` can claim (docs/worker.md, threat model).
constexpr double kForgeFactor = 3.0, kForgeSlackMs = 0.3;

double median(std::vector<double> v);
/// The q-quantile (0..1, linear between order statistics); 0 for no samples.
double quantile(std::vector<double> v, double q);
/// The wall clocks (runner and verifier) are judged at this quantile of the calls.
constexpr double kWallQuantile = 0.25;

/// nullopt when the timings are consistent; else the `rejected` log, which starts
/// with "work outside the timed stream" and gives both figures. Events at their
/// median, wall clocks at their first quartile: contention that slows most calls
/// must not reject an honest kernel, work hidden on every call still shows. Needs
/// 2+ samples (fewer: nullopt).
std::optional<std::string> judgeTimings(const std::vector<CallSample> &calls, const Calibration &cal);

/// How many timed calls to make after `callsSoFar` checked ones: budgetMs / estMs
/// clamped to [minReps, maxReps], then to what fits under maxCalls (one call
/// reserved for the profile when `profile`).
int plannedTimedCalls(double estMs, double budgetMs, int minReps, int maxReps, int callsSoFar, bool profile,
                      int maxCalls);

} // namespace pike::worker::runner

#endif
