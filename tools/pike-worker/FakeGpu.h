// TEST-ONLY stand-in for the GPU, so CPU CI can drive a real search end to end
// (pike-opt -> client -> supervisor -> evaluator) on a host without a GPU.
// Enabled only by PIKE_WORKER_TEST_OPS=1 together with PIKE_WORKER_FAKE_GPU=1;
// every reply of such a worker carries "test_fake_gpu": true. Nothing is
// compiled or run: the verdict and the times are a pure function of the request
// (candidate code, seeds, signature), so reruns and resumed searches see the
// same answers.
#ifndef PIKE_WORKER_FAKEGPU_H
#define PIKE_WORKER_FAKEGPU_H

#include "Compiler.h"

#include <nlohmann/json.hpp>

namespace pike::worker::fakegpu {

/// The device_info body of the fake device (available, arch sm_90a).
nlohmann::json deviceInfo();

/// The evaluate reply for a validated request: status ok or incorrect (about one
/// candidate in five) and fake median times; a "reference" candidate is ok with
/// only the reference timed (after PIKE_WORKER_FAKE_REFERENCE_MS milliseconds
/// when that is set: a slow profile request, for the tests of its budget).
nlohmann::json evaluate(const nlohmann::json &req, const CandidateSpec &cand);

} // namespace pike::worker::fakegpu

#endif
