#include "Child.h"

#include "Compiler.h"
#include "FakeGpu.h"
#include "Gpu.h"
#include "pike/WorkerClient/LineIO.h"
#include "pike/WorkerClient/Protocol.h"

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <functional>
#include <iostream>
#include <mutex>
#include <regex>
#include <thread>
#include <unistd.h>

namespace pike::worker {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
std::optional<std::string> checkTensors(const json &req, const char *key, bool withInit) {
  if (!req.contains(key) || !req[key].is_array())
    return std::string("missing array field '") + key + "'";
  size_t i = 0;
  for (const auto &t : req[key]) {
    std::string where = std::string(key) + "[" + std::to_string(i++) + "]";
    if (!t.is_object() || !t.contains("shape") || !t["shape"].is_array())
      return where + " needs a 'shape' array";
    if (t["shape"].size() > 8)
      return where + " has more than 8 dimensions";
    for (const auto &d : t["shape"])
      if (!d.is_number_integer() || d.get<int64_t>() < 0)
        return where + ".shape must hold non-negative integers";
    if (!t.contains("dtype") || !t["dtype"].is_string() || !parseDType(t["dtype"]))
      return where + " needs a known 'dtype' (float32, float16, bfloat16, float64, int64, int32, bool, uint8, int8)";
    if (withInit && t.contains("init") && (!t["init"].is_string() || !isValidInit(t["init"])))
      return where + ".init must be normal, uniform, positive or randint:LO:HI";
    if (t.contains("layout")) {
      // Channels-last is torch's memory_format=torch.channels_last: rank 4 only.
      const json &l = t["layout"];
      if (!l.is_string() || (l != "nhwc" && l != "contiguous"))
        return where + ".layout must be \"nhwc\" or \"contiguous\"" +
               (l.is_string() && l.get<std::string>().size() <= 32 ? ", not \"" + l.get<std::string>() + "\"" : "");
      if (l == "nhwc" && t["shape"].size() != 4)
        return where + ": layout \"nhwc\" needs a rank-4 tensor, got rank " + std::to_string(t["shape"].size());
    }
  }
  return std::nullopt;
}
} // namespace

std::optional<std::string> validateEvaluate(const json &req) {
  if (auto e = checkTensors(req, "inputs", true))
    return e;
  if (auto e = checkTensors(req, "outputs", false))
    return e;
  if (req["outputs"].empty())
    return std::string("'outputs' must not be empty");
  if (!req.contains("reference") || !req["reference"].is_object() ||
      !req["reference"].contains("torchscript") || !req["reference"]["torchscript"].is_string())
    return std::string("missing 'reference': {\"torchscript\": PATH}");
  for (const char *k : {"atol", "rtol"})
    if (req.contains(k) && (!req[k].is_number() || req[k].get<double>() < 0))
      return std::string(k) + " must be a non-negative number";
  if (req.contains("seeds")) {
    if (!req["seeds"].is_array())
      return std::string("'seeds' must be an array of non-negative integers");
    for (const auto &s : req["seeds"])
      if (!s.is_number_unsigned())
        return std::string("'seeds' must be an array of non-negative integers");
  }
  for (const char *k : {"deadline_ms", "compile_timeout_ms"})
    if (req.contains(k) && (!req[k].is_number_integer() || req[k].get<int64_t>() <= 0))
      return std::string(k) + " must be a positive integer";
  if (req.contains("tf32_bound") && !req["tf32_bound"].is_boolean())
    return std::string("tf32_bound must be a boolean");
  if (req.contains("timing") && !req["timing"].is_object())
    return std::string("'timing' must be an object");
  const json &c = req["candidate"];
  if (req.contains("timing") && req["timing"].contains("reference_tf32") &&
      !req["timing"]["reference_tf32"].is_boolean())
    return std::string("timing.reference_tf32 must be a boolean");
  if (req.contains("timing") && req["timing"].contains("reference")) {
    // false: the client already has this reference's time (docs/worker-protocol.md).
    const json &timeReference = req["timing"]["reference"];
    if (!timeReference.is_boolean())
      return std::string("timing.reference must be a boolean");
    if (!timeReference.get<bool>() && c.value("mode", "nvcc") == "reference")
      return std::string("timing.reference is false, but candidate.mode \"reference\" times nothing else");
  }
  if (c.value("mode", "nvcc") != "nvrtc")
    return std::nullopt;
  size_t nin = req["inputs"].size(), nout = req["outputs"].size();
  std::vector<bool> written(nout, false);
  static const std::regex argRe(R"((in|out)(\d+))");
  size_t li = 0;
  for (const auto &l : c["launches"]) {
    std::string where = "candidate.launches[" + std::to_string(li++) + "]";
    if (!l.is_object() || !l.contains("kernel") || !l["kernel"].is_string())
      return where + " needs a 'kernel' name";
    for (const char *k : {"grid", "block"}) {
      if (!l.contains(k) || !l[k].is_array() || l[k].empty() || l[k].size() > 3)
        return where + "." + k + " must be an array of 1 to 3 positive integers";
      for (const auto &d : l[k])
        if (!d.is_number_integer() || d.get<int64_t>() <= 0 || d.get<int64_t>() > 2147483647)
          return where + "." + k + " must be an array of 1 to 3 positive integers";
    }
    if (l.contains("smem") && (!l["smem"].is_number_integer() || l["smem"].get<int64_t>() < 0))
      return where + ".smem must be a non-negative integer";
    if (!l.contains("args") || !l["args"].is_array())
      return where + " needs an 'args' array (\"in0\", \"out0\", ...)";
    for (const auto &a : l["args"]) {
      std::smatch m;
      std::string s = a.is_string() ? a.get<std::string>() : "";
      if (!std::regex_match(s, m, argRe))
        return where + ".args: '" + s + "' is not inN or outN (pointer arguments only)";
      size_t idx = std::stoul(m[2]);
      if (m[1] == "in" ? idx >= nin : idx >= nout)
        return where + ".args: '" + s + "' is out of range";
      if (m[1] == "out")
        written[idx] = true;
    }
  }
  for (size_t k = 0; k < nout; ++k)
    if (!written[k])
      return "out" + std::to_string(k) + " is passed to no launch, so nothing can write it";
  return std::nullopt;
}

namespace {
class ChildServer {
public:
  explicit ChildServer(const ChildOptions &o)
      : opts_(o), compiler_(o.cacheDir, o.nvcc, o.cudaInclude) {
    if (!opts_.fakeGpu) // before the first device(), which starts the first spare runner
      gpu::setRunnerPreloads(compiler_.runnerPreloads());
  }

  int run() {
    // Keep the protocol on a private fd; anything a library or a candidate's
    // launcher prints to stdout lands on stderr instead of corrupting replies.
    out_ = ::dup(1);
    ::dup2(2, 1);
    int n = std::max(1, opts_.compileThreads);
    for (int i = 0; i < n; ++i)
      pool_.emplace_back([this] { workerLoop(); });
    gpuThread_ = std::thread([this] { gpuLoop(); });
    LineReader reader(0, kMaxLineBytes);
    std::string line;
    while (reader.next(line)) {
      std::lock_guard<std::mutex> lk(qmu_);
      queue_.push_back(std::move(line));
      qcv_.notify_one();
    }
    ::_exit(0); // supervisor went away; nothing to hand back
  }

private:
  void send(const json &msg) {
    std::string line = msg.dump(-1, ' ', false, json::error_handler_t::replace);
    std::lock_guard<std::mutex> lk(outMu_);
    writeLine(out_, line);
  }

  void workerLoop() {
    for (;;) {
      std::string line;
      {
        std::unique_lock<std::mutex> lk(qmu_);
        qcv_.wait(lk, [&] { return !queue_.empty(); });
        line = std::move(queue_.front());
        queue_.pop_front();
      }
      json req;
      try {
        req = json::parse(line);
      } catch (const std::exception &e) {
        send(errorReply(nullptr, "", "parse_error", e.what()));
        continue;
      }
      std::optional<json> reply;
      std::string op = req.value("op", "");
      try {
        reply = handle(req);
      } catch (const std::exception &e) {
        reply = internalError(req, e.what());
      }
      if (reply) // nullopt: handed to the GPU thread, which replies
        finish(req, *reply, false);
    }
  }

  static json internalError(const json &req, const std::string &what) {
    std::string op = req.value("op", "");
    json reply = errorReply(req.value("id", json()), op, "internal", what);
    if (opHasStatus(op)) {
      reply["status"] = "runtime_error";
      reply["log"] = "worker internal error: " + what;
    }
    return reply;
  }

  void finish(const json &req, json &reply, bool fatal) {
    reply["id"] = req.value("id", json());
    reply["op"] = req.value("op", "");
    if (opts_.fakeGpu)
      reply["test_fake_gpu"] = true;
    send(reply);
    if (fatal) {
      std::cerr << "pike-worker: fatal CUDA error, evaluator exits for a restart\n";
      ::_exit(3);
    }
  }

  // GPU phases run here, one at a time and in the order their compiles finished,
  // so compile threads never sit waiting for the GPU.
  void gpuLoop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lk(gmu_);
        gcv_.wait(lk, [&] { return !gpuQueue_.empty(); });
        job = std::move(gpuQueue_.front());
        gpuQueue_.pop_front();
      }
      job();
    }
  }

  std::optional<json> handle(const json &req) {
    std::string op = req.value("op", "");
    json id = req.value("id", json());
    auto t0 = Clock::now();
    if (op == "device_info") {
      json r = opts_.fakeGpu ? fakegpu::deviceInfo() : gpu::device().info;
      r["ok"] = true;
      r["cache_dir"] = compiler_.cacheDir();
      r["compile_threads"] = opts_.compileThreads;
      r["nvrtc"] = compiler_.nvrtcVersion();
      r["pid"] = static_cast<int>(::getpid());
      return r;
    }
    if (opts_.testOps && op == "crash") {
      send({{"_running", id}, {"deadline_ms", 60000}});
      std::signal(SIGSEGV, SIG_DFL);
      std::raise(SIGSEGV);
    }
    if (opts_.testOps && op == "hang") {
      send({{"_running", id}, {"deadline_ms", req.value("deadline_ms", 1000)}});
      for (;;)
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (opts_.testOps && op == "sleep") {
      std::this_thread::sleep_for(std::chrono::milliseconds(req.value("ms", 100)));
      return json{{"ok", true}, {"pid", static_cast<int>(::getpid())}};
    }
    if (op != "compile" && op != "evaluate")
      return errorReply(id, op, "unknown_op", "the evaluator does not handle op '" + op + "'");

    CandidateSpec cand;
    if (auto err = parseCandidate(req, cand))
      return errorReply(id, op, "bad_request", *err);
    int compileTimeout = req.value("compile_timeout_ms", opts_.compileTimeoutMs);
    if (op == "compile") {
      if (cand.mode == "reference")
        return errorReply(id, op, "bad_request", "a \"reference\" candidate has nothing to compile");
      std::string arch = req.value("arch", "");
      if (arch.empty())
        arch = gpu::device().available ? gpu::device().arch : "sm_90a";
      CompileOutcome co = compiler_.compile(cand, arch, compileTimeout);
      return json{{"status", co.status}, {"log", co.log},          {"compile", co.toJson()},
                  {"compile_ms", co.ms}, {"cache_hit", co.cacheHit}, {"phase", "compile"}};
    }
    // evaluate
    if (auto err = validateEvaluate(req))
      return errorReply(id, op, "bad_request", *err);
    if (opts_.fakeGpu)
      return fakegpu::evaluate(req, cand);
    const gpu::DeviceState &dev = gpu::device();
    if (!dev.available)
      return json{{"status", "runtime_error"}, {"phase", "device"}, {"log", "no CUDA device: " + dev.reason}};
    // A "reference" candidate is the reference itself: no compile, only its timing.
    CompileOutcome co;
    if (cand.mode != "reference")
      co = compiler_.compile(cand, dev.arch, compileTimeout);
    if (co.status != "ok") {
      json reply = {{"status", co.status}, {"phase", "compile"}, {"log", co.log}};
      addCompileInfo(reply, co, t0);
      return reply;
    }
    std::lock_guard<std::mutex> lk(gmu_);
    auto queued = Clock::now();
    gpuQueue_.push_back([this, req, cand, co, id, t0, queued] {
      bool fatal = false;
      json reply;
      // This worker's earlier requests' GPU phases, before this one's starts.
      const double queueMs = std::chrono::duration<double, std::milli>(Clock::now() - queued).count();
      try {
        reply = gpu::evaluate(
            req, cand, co,
            [&](int deadlineMs) { send({{"_running", id}, {"deadline_ms", deadlineMs}}); }, fatal);
        addCompileInfo(reply, co, t0);
        if (reply.contains("phases") && reply["phases"].is_object())
          reply["phases"]["gpu_queue_ms"] = queueMs;
      } catch (const std::exception &e) {
        reply = internalError(req, e.what());
      }
      finish(req, reply, fatal);
    });
    gcv_.notify_one();
    return std::nullopt;
  }

  void addCompileInfo(json &reply, const CompileOutcome &co, Clock::time_point t0) {
    const gpu::DeviceState &dev = gpu::device();
    reply["compile"] = co.toJson();
    reply["compile"].erase("log"); // the log is in "log" when it matters
    reply["compile_log"] = co.log;
    reply["compile_ms"] = co.ms;
    reply["cache_hit"] = co.cacheHit;
    reply["device"] = {{"name", dev.info.value("name", "")}, {"arch", dev.arch}};
    reply["wall_ms"] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }

  ChildOptions opts_;
  Compiler compiler_;
  int out_ = 1;
  std::mutex outMu_, qmu_;
  std::condition_variable qcv_;
  std::deque<std::string> queue_;
  std::vector<std::thread> pool_;
  std::mutex gmu_;
  std::condition_variable gcv_;
  std::deque<std::function<void()>> gpuQueue_;
  std::thread gpuThread_;
};
} // namespace

int runChild(const ChildOptions &opts) {
  ignoreSigpipe();
  ChildServer server(opts);
  return server.run();
}

} // namespace pike::worker
