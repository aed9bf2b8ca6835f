#include "FakeGpu.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>

namespace pike::worker::fakegpu {

using json = nlohmann::json;

namespace {
uint64_t fnv1a(const std::string &data) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// A made-up reference time that grows with the data the slot moves, so slot
// ordering by measured time (order=profile) has something to sort.
double referenceMs(const json &req) {
  double elements = 0;
  for (const char *side : {"inputs", "outputs"})
    for (const auto &t : req[side]) {
      double n = 1;
      for (const auto &d : t["shape"])
        n *= d.get<double>();
      elements += n;
    }
  return 0.005 + elements * 4e-6;
}
} // namespace

json deviceInfo() {
  return {{"available", true},
          {"name", "pike-worker TEST-ONLY fake GPU"},
          {"compute_capability", "9.0"},
          {"arch", "sm_90a"},
          {"test_fake_gpu", true}};
}

json evaluate(const json &req, const CandidateSpec &cand) {
  double ref = referenceMs(req);
  json reply = {{"phase", "fake"}, {"test_fake_gpu", true}, {"max_abs_err", 0.0}};
  // The timing the request asked for (budget, timing.reference), so CPU tests of
  // the whole search can check what reached the worker.
  if (req.contains("timing"))
    reply["test_fake_timing_request"] = req["timing"];
  // And what the check and the reply were asked for (the search's settings).
  reply["test_fake_check_request"] = {{"profile", req.value("profile", true)},
                                      {"tf32_bound", req.value("tf32_bound", false)}};
  if (cand.mode == "reference") {
    // PIKE_WORKER_FAKE_REFERENCE_MS=N: a reference-only request takes N ms, as
    // a slow profile on a busy GPU does (tests of the profile's budget).
    if (const char *v = std::getenv("PIKE_WORKER_FAKE_REFERENCE_MS"))
      std::this_thread::sleep_for(std::chrono::milliseconds(std::atol(v)));
    reply["status"] = "ok";
    reply["log"] = "";
    reply["timing"] = {{"reference", {{"median_ms", ref}}}};
    reply["verify"] = {{"reference_only", true}};
    return reply;
  }
  json flags = cand.flags;
  std::string key = cand.mode + '\0' + cand.entry + '\0' + cand.source + '\0' + cand.launches.dump() +
                    '\0' + flags.dump() + '\0' + req.value("seeds", json::array()).dump() + '\0' +
                    req["inputs"].dump() + '\0' + req["outputs"].dump();
  uint64_t h = fnv1a(key);
  if (h % 5 == 0) {
    reply["status"] = "incorrect";
    reply["log"] = "TEST-ONLY fake GPU: this candidate's hash makes it incorrect";
    reply["max_abs_err"] = 1.0;
    return reply;
  }
  // Candidate time from 0.5x to 2x the reference's, in 1/1000 steps.
  double factor = 0.5 + static_cast<double>((h >> 8) % 1000) * 1.5 / 1000.0;
  reply["status"] = "ok";
  reply["log"] = "";
  reply["timing"] = {{"candidate", {{"median_ms", ref * factor}}}};
  // As the real worker: timing.reference false leaves the reference untimed.
  if (req.value("timing", json::object()).value("reference", true))
    reply["timing"]["reference"] = {{"median_ms", ref}};
  // Invented errors (1e-3 for out0, 2e-3 for out1, ...) and the request's
  // tolerance, so the report's per-output error can be tested without a GPU.
  json perOutput = json::array();
  for (size_t k = 0; k < req["outputs"].size(); ++k)
    perOutput.push_back(1e-3 * static_cast<double>(k + 1));
  reply["max_abs_err"] = 1e-3 * static_cast<double>(req["outputs"].size());
  reply["max_abs_err_per_output"] = perOutput;
  reply["verify"] = {{"atol", req.value("atol", 1e-2)}, {"rtol", req.value("rtol", 1e-2)}};
  return reply;
}

} // namespace pike::worker::fakegpu
