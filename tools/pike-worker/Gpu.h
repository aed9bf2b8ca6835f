// The GPU half of the evaluator child: device discovery, verification of a
// compiled candidate against the LibTorch reference, and timing. The only code in
// pike-worker that touches CUDA or LibTorch.
#ifndef PIKE_WORKER_GPU_H
#define PIKE_WORKER_GPU_H

#include "Compiler.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace pike::worker::gpu {

struct DeviceState {
  bool available = false;
  std::string reason;     // why not, when !available
  std::string arch;       // "sm_90a"
  nlohmann::json info;    // device_info reply body
};

/// Libraries every pike-runner loads while it waits as the spare
/// (Compiler::runnerPreloads); set before the first device().
void setRunnerPreloads(std::vector<std::string> paths);

/// Initialises CUDA once (thread-safe). Never throws.
const DeviceState &device();

/// The GPU phase of an evaluate request: takes the per-GPU lock, calls
/// markRunning(deadlineMs) (the supervisor's watchdog starts then), loads the
/// reference and the candidate, verifies, times, profiles. Returns the reply body.
/// Sets `fatal` when the CUDA context is broken afterwards (the process must exit).
nlohmann::json evaluate(const nlohmann::json &req, const CandidateSpec &cand,
                        const CompileOutcome &compiled,
                        const std::function<void(int)> &markRunning, bool &fatal);

} // namespace pike::worker::gpu

#endif
