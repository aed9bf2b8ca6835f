#include "pike/WorkerClient/WorkerEvaluator.h"

#include "pike/Search/Serialize.h"
#include "pike/WorkerClient/Protocol.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pike::worker {

using json = nlohmann::json;
using search::EvalResult;
using search::EvalStatus;

namespace {
json tensorSpecs(const json &sig, const char *key, bool withInit) {
  if (!sig.is_object() || !sig.contains(key) || !sig[key].is_array())
    throw std::invalid_argument(std::string("task signature has no '") + key + "' array");
  json out = json::array();
  size_t i = 0;
  for (const auto &t : sig[key]) {
    std::string where = std::string("signature ") + key + "[" + std::to_string(i++) + "]";
    if (!t.is_object() || !t.contains("shape") || !t["shape"].is_array())
      throw std::invalid_argument(where + " has no 'shape' array");
    if (!t.contains("dtype") || !t["dtype"].is_string() || !parseDType(t["dtype"]))
      throw std::invalid_argument(where + " has no known 'dtype'");
    json s = {{"shape", t["shape"]}, {"dtype", t["dtype"]}};
    if (withInit)
      s["init"] = t.value("init", "normal");
    // A channels-last slot's rank-4 tensors (slotSignature): passed on only
    // where the signature has it, so other requests keep their exact text.
    if (t.contains("layout")) {
      if (!t["layout"].is_string())
        throw std::invalid_argument(where + " has a 'layout' that is not a string");
      s["layout"] = t["layout"];
    }
    out.push_back(s);
  }
  return out;
}
} // namespace

json buildEvaluateRequest(const search::TaskSpec &task, const search::CandidateCode &code,
                          const EvaluatorOptions &opts) {
  if (task.referencePath.empty())
    throw std::invalid_argument("task " + task.regionName + " has no referencePath");
  json flags = json::array();
  for (const auto &f : opts.flags)
    flags.push_back(f);
  if (code.knobs.is_object() && code.knobs.contains("flags") && code.knobs["flags"].is_array())
    for (const auto &f : code.knobs["flags"])
      if (f.is_string())
        flags.push_back(f);
  json cand = {{"source", code.source}, {"mode", code.mode}, {"flags", flags}};
  if (code.mode == "reference")
    cand = {{"mode", "reference"}}; // time the reference alone (search::referenceOnlyCandidate)
  else if (code.mode == "nvcc")
    cand["entry"] = code.entry;
  else
    cand["launches"] = code.launches;
  // Timing a reference alone only ranks slots (order=profile), which a median
  // within a few percent does: one seed, a short timing budget and no CUPTI
  // kernel list keep it cheap enough to profile every slot of a whole network.
  const bool refOnly = code.mode == "reference";
  json seeds = refOnly && !opts.seeds.empty() ? json::array({opts.seeds.front()}) : json(opts.seeds);
  json req = {{"protocol", kProtocolVersion},
          {"op", "evaluate"},
          {"candidate", cand},
          {"reference", {{"torchscript", task.referencePath}}},
          {"inputs", tensorSpecs(task.signature, "inputs", true)},
          {"outputs", tensorSpecs(task.signature, "outputs", false)},
          {"seeds", seeds},
          {"atol", opts.atol},
          {"rtol", opts.rtol},
          {"timing",
           {{"warmup", refOnly ? std::min(opts.warmup, kProfileWarmup) : opts.warmup},
            {"budget_ms", refOnly ? std::min(opts.budgetMs, kProfileBudgetMs) : opts.budgetMs},
            {"min_reps", refOnly ? std::min(opts.minReps, kProfileMinReps) : opts.minReps},
            {"max_reps", opts.maxReps},
            {"cuda_graph", opts.cudaGraph}}},
          {"deadline_ms", opts.deadlineMs},
          {"compile_timeout_ms", opts.compileTimeoutMs},
          {"profile", refOnly ? false : opts.profile},
          {"task", task.regionName}};
  if (opts.tf32Bound) // only when set: other requests keep their exact text
    req["tf32_bound"] = true;
  if (opts.referenceTf32)
    req["timing"]["reference_tf32"] = true;
  return req;
}

EvalResult evalResultFromReply(const json &reply) {
  EvalResult r;
  if (!reply.is_object()) {
    r.status = EvalStatus::RuntimeError;
    r.log = "worker reply is not a JSON object";
    return r;
  }
  auto st = search::parseEvalStatus(reply.value("status", ""));
  if (st) {
    r.status = *st;
  } else if (reply.contains("error")) {
    // A request-level error is our own malformed request, not the candidate's fault
    // alone; Rejected keeps it out of the population.
    r.status = EvalStatus::Rejected;
  } else {
    r.status = EvalStatus::RuntimeError;
    r.log = "worker reply has no known status: " + reply.dump().substr(0, 300);
    return r;
  }
  r.log = reply.value("log", "");
  if (r.log.empty() && reply.contains("error") && reply["error"].is_object())
    r.log = reply["error"].value("message", "");
  r.compileMs = numberFromJson(reply.value("compile_ms", json()), 0);
  r.maxAbsErr = numberFromJson(reply.value("max_abs_err", json()), 0);
  if (reply.contains("timing") && reply["timing"].is_object()) {
    const json &t = reply["timing"];
    if (t.contains("candidate") && t["candidate"].is_object())
      r.candidateMs = numberFromJson(t["candidate"].value("median_ms", json()), 0);
    if (t.contains("reference") && t["reference"].is_object())
      r.referenceMs = numberFromJson(t["reference"].value("median_ms", json()), 0);
  }
  json details = reply;
  details.erase("log");
  details.erase("protocol");
  details.erase("id");
  r.details = std::move(details);
  return r;
}

WorkerEvaluator::WorkerEvaluator(std::shared_ptr<WorkerPool> pool, EvaluatorOptions opts)
    : pool_(std::move(pool)), opts_(std::move(opts)) {
  if (!pool_)
    throw std::invalid_argument("WorkerEvaluator needs a worker pool");
}

namespace {
// The reply's timing.reference when it is a usable measurement.
const json *replyReferenceTiming(const json &reply) {
  if (!reply.is_object() || !reply.contains("timing") || !reply["timing"].is_object())
    return nullptr;
  const json &t = reply["timing"];
  if (!t.contains("reference") || !t["reference"].is_object())
    return nullptr;
  return numberFromJson(t["reference"].value("median_ms", json()), 0) > 0 ? &t["reference"] : nullptr;
}
} // namespace

std::string referenceTimingKey(const search::TaskSpec &task) {
  return (task.fingerprint.empty() ? task.regionName : task.fingerprint) + '\0' + task.referencePath + '\0' +
         task.signature.dump();
}

std::optional<json> ReferenceTimings::find(const std::string &key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = timings_.find(key);
  if (it == timings_.end())
    return std::nullopt;
  json kept = it->second;
  kept["reused"] = true;
  return kept;
}

bool ReferenceTimings::remember(const std::string &key, const json &timing, const json &reply,
                                const std::string &candidateId) {
  json kept = timing;
  kept["measured_with_candidate"] = candidateId;
  if (reply.contains("device") && reply["device"].is_object() && reply["device"].contains("name"))
    kept["measured_on"] = reply["device"]["name"];
  std::lock_guard<std::mutex> lock(mu_);
  return timings_.emplace(key, std::move(kept)).second;
}

EvalResult WorkerEvaluator::evaluate(const search::TaskSpec &task,
                                     const search::CandidateCode &code) {
  json req;
  try {
    req = buildEvaluateRequest(task, code, opts_);
  } catch (const std::invalid_argument &e) {
    EvalResult r;
    r.status = EvalStatus::Rejected;
    r.log = std::string("cannot build the evaluate request: ") + e.what();
    return r;
  }
  // The eager profile times the reference alone, cheaply (one seed, a shorter
  // budget): neither served from nor kept in the per-slot reference timings.
  const bool reuse = opts_.reuseReferenceTiming && code.mode != "reference";
  const std::string key = reuse ? referenceTimingKey(task) : std::string();
  std::optional<json> kept = reuse ? referenceTimings_.find(key) : std::nullopt;
  if (kept)
    req["timing"]["reference"] = false;
  // The worker enforces the compile limit and the GPU deadline itself; this only
  // catches a worker that stopped answering (queueing behind other requests included).
  auto timeout = std::chrono::milliseconds(opts_.compileTimeoutMs + 4LL * opts_.deadlineMs + 60000);
  json reply = pool_->call(req, timeout);
  EvalResult r = evalResultFromReply(reply);
  if (!reuse)
    return r;
  if (const json *measured = replyReferenceTiming(reply)) {
    referenceTimings_.remember(key, *measured, reply, search::candidateId(task.fingerprint, code));
  } else if (kept && r.details.is_object() && r.details.contains("timing") && r.details["timing"].is_object()) {
    // The candidate was timed without its reference: the kept reference time
    // stands in, so the speed-up is the one a fresh reference timing would give.
    r.referenceMs = numberFromJson(kept->value("median_ms", json()), 0);
    r.details["timing"]["reference"] = *kept;
  }
  return r;
}

} // namespace pike::worker
