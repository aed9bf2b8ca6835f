// Drives the real pike-worker binary on this host. Without a GPU the worker still
// answers ping/device_info, compiles (NVRTC and nvcc), supervises its child and
// serves TCP; the GPU suite (test/gpu/worker) covers evaluation itself.
#include "pike/WorkerClient/LineIO.h"
#include "pike/WorkerClient/Protocol.h"
#include "pike/WorkerClient/Worker.h"
#include "pike/Search/SlotOrder.h"
#include "pike/WorkerClient/WorkerEvaluator.h"
#include "RawWorker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dlfcn.h>
#include <thread>
#include <unistd.h>

using namespace pike::worker;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace pike::worker::test;

namespace {

WorkerProcess::Options options(const std::string &cache, bool testOps = true) {
  WorkerProcess::Options o;
  o.executable = PIKE_WORKER_EXE;
  o.args = {"--cache-dir", cache};
  if (testOps)
    o.env.emplace_back("PIKE_WORKER_TEST_OPS", "1");
  return o;
}

// A worker with test ops on (or explicitly off) and raw access to its pipes.
RawWorker rawWorker(const std::string &cache, bool testOps = true) {
  return RawWorker({"--cache-dir", cache}, {{"PIKE_WORKER_TEST_OPS", testOps ? "1" : "0"}});
}

const char *kGoodNvrtc = R"(extern "C" __global__ void add1(const float *x, float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = x[i] + 1.0f;
}
)";

const char *kBadNvrtc = R"(extern "C" __global__ void add1(const float *x, float *y) {
  int i = threadIdx.x;
  y[i] = x[i] + undefined_thing;
}
)";

const char *kGoodNvcc = R"(#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__global__ void add1(const float *x, float *y, long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n) y[i] = x[i] + 1.0f;
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  long n = 1;
  for (int d = 0; d < in[0].ndim; ++d) n *= in[0].sizes[d];
  add1<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (float *)out[0].data, n);
  return (int)cudaGetLastError();
}
)";

json compileReq(const std::string &mode, const std::string &src, int timeoutMs = 120000) {
  json c = {{"source", src}, {"mode", mode}};
  if (mode == "nvrtc")
    c["launches"] = {{{"kernel", "add1"}, {"grid", {1}}, {"block", {32}}, {"args", {"in0", "out0"}}}};
  return {{"protocol", 1}, {"op", "compile"}, {"candidate", c}, {"arch", "sm_90a"},
          {"compile_timeout_ms", timeoutMs}};
}

json evaluateReq() {
  return {{"protocol", 1},
          {"op", "evaluate"},
          {"candidate",
           {{"source", kGoodNvrtc},
            {"mode", "nvrtc"},
            {"launches", {{{"kernel", "add1"}, {"grid", {1}}, {"block", {32}}, {"args", {"in0", "out0"}}}}}}},
          {"reference", {{"torchscript", "/nonexistent/ref.pt"}}},
          {"inputs", {{{"shape", {32}}, {"dtype", "float32"}}}},
          {"outputs", {{{"shape", {32}}, {"dtype", "float32"}}}}};
}

bool hostHasGpu(WorkerConnection &w) {
  json r = w.call({{"op", "device_info"}}, 60s);
  return r.value("available", false);
}

} // namespace

TEST(WorkerProcess, MalformedRequestsGetClearErrorsAndTheWorkerStaysAlive) {
  RawWorker w = rawWorker(tempDir());
  json r = w.call(json::parse(R"({"protocol":1,"op":"ping","id":1})"));
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["id"], 1);

  w.send("this is not json");
  r = w.recv();
  EXPECT_EQ(r["error"]["code"], "parse_error");
  EXPECT_TRUE(r["id"].is_null());

  w.send("[1,2,3]");
  EXPECT_EQ(w.recv()["error"]["code"], "bad_request");

  r = w.call({{"op", "ping"}, {"id", "np"}});
  EXPECT_EQ(r["error"]["code"], "bad_request");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("protocol"), std::string::npos);
  EXPECT_EQ(r["id"], "np");

  r = w.call({{"protocol", 2}, {"op", "ping"}, {"id", 7}});
  EXPECT_EQ(r["error"]["code"], "unsupported_protocol");
  EXPECT_EQ(r["id"], 7);

  r = w.call({{"protocol", 1}, {"op", "frobnicate"}, {"id", "f"}});
  EXPECT_EQ(r["error"]["code"], "unknown_op");

  // Well-formed envelope, broken body: answered by the evaluator child.
  r = w.call({{"protocol", 1}, {"op", "evaluate"}, {"id", "e"}});
  EXPECT_EQ(r["status"], "rejected");
  EXPECT_EQ(r["error"]["code"], "bad_request");
  EXPECT_NE(r["log"].get<std::string>().find("candidate"), std::string::npos);
  EXPECT_EQ(r["id"], "e");

  json bad = evaluateReq();
  bad["id"] = "shape";
  bad["inputs"][0]["shape"] = {-1};
  r = w.call(bad);
  EXPECT_EQ(r["status"], "rejected");
  EXPECT_NE(r["log"].get<std::string>().find("inputs[0].shape"), std::string::npos);

  bad = evaluateReq();
  bad["id"] = "launch";
  bad["candidate"]["launches"][0]["args"] = {"in0", "in0"};
  r = w.call(bad);
  EXPECT_EQ(r["status"], "rejected");
  EXPECT_NE(r["log"].get<std::string>().find("out0"), std::string::npos);

  r = w.call({{"protocol", 1}, {"op", "ping"}, {"id", 2}});
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["restarts"], 0);
}

/// Sends `req` as request `id`; expects a bad_request rejection and returns its log.
static std::string badRequestLog(RawWorker &w, json req, const std::string &id) {
  req["id"] = id;
  json r = w.call(req);
  EXPECT_EQ(r["status"], "rejected") << r.dump();
  EXPECT_EQ(r["error"]["code"], "bad_request") << r.dump();
  return r["log"].get<std::string>();
}

// "layout": "nhwc" (channels-last) exists for rank-4 tensors only; any other
// value, or nhwc at another rank, is a request error naming the tensor.
TEST(WorkerProcess, TensorLayoutsAreCheckedPerTensor) {
  RawWorker w = rawWorker(tempDir());
  auto rejected = [&](json req, const std::string &id) { return badRequestLog(w, std::move(req), id); };
  json bad = evaluateReq();
  bad["inputs"][0]["layout"] = "nhwc";
  EXPECT_EQ(rejected(bad, "rank1"), "bad request: inputs[0]: layout \"nhwc\" needs a rank-4 tensor, got rank 1");
  bad = evaluateReq();
  bad["inputs"][0]["shape"] = {2, 8, 5};
  bad["outputs"][0]["shape"] = {2, 8, 5};
  bad["outputs"][0]["layout"] = "nhwc";
  EXPECT_EQ(rejected(bad, "rank3"), "bad request: outputs[0]: layout \"nhwc\" needs a rank-4 tensor, got rank 3");
  bad = evaluateReq();
  bad["outputs"][0]["layout"] = "nchw";
  EXPECT_EQ(rejected(bad, "unknown"), "bad request: outputs[0].layout must be \"nhwc\" or \"contiguous\", not \"nchw\"");
  bad = evaluateReq();
  bad["inputs"][0]["layout"] = 1;
  EXPECT_EQ(rejected(bad, "type"), "bad request: inputs[0].layout must be \"nhwc\" or \"contiguous\"");

  // Well-formed layouts get past validation (here to the missing GPU or reference).
  json good = evaluateReq();
  good["id"] = "good";
  good["inputs"][0] = {{"shape", {2, 8, 1, 2}}, {"dtype", "float32"}, {"layout", "nhwc"}};
  good["outputs"][0] = {{"shape", {32}}, {"dtype", "float32"}, {"layout", "contiguous"}};
  json r = w.call(good);
  EXPECT_NE(r["status"], "rejected") << r.dump();
  EXPECT_FALSE(r.contains("error")) << r.dump();
}

// timing.reference (default true): false skips the reference's timing, for a
// client that keeps it from an earlier evaluation of the slot. A non-boolean, or
// false on a reference-only request (nothing else to time), is a request error.
TEST(WorkerProcess, TimingReferenceFieldIsChecked) {
  RawWorker w = rawWorker(tempDir());
  auto rejected = [&](json req, const std::string &id) { return badRequestLog(w, std::move(req), id); };
  json bad = evaluateReq();
  bad["timing"] = {{"reference", "no"}};
  EXPECT_EQ(rejected(bad, "string"), "bad request: timing.reference must be a boolean");
  bad["timing"] = {{"reference", 0}};
  EXPECT_EQ(rejected(bad, "number"), "bad request: timing.reference must be a boolean");
  bad["timing"] = {{"reference", false}};
  bad["candidate"] = {{"mode", "reference"}};
  EXPECT_EQ(rejected(bad, "refonly"),
            "bad request: timing.reference is false, but candidate.mode \"reference\" times nothing else");

  // Well-formed values get past validation (here to the missing GPU or reference).
  for (bool value : {true, false}) {
    json good = evaluateReq();
    good["id"] = value ? "true" : "false";
    good["timing"] = {{"reference", value}};
    json r = w.call(good);
    EXPECT_NE(r["status"], "rejected") << r.dump();
    EXPECT_FALSE(r.contains("error")) << r.dump();
  }
}

// timing.reference_tf32 (a relaxed policy: the reference timed with TF32 on;
// absent: false) must be a boolean.
TEST(WorkerProcess, TimingReferenceTf32FieldIsChecked) {
  RawWorker w = rawWorker(tempDir());
  json bad = evaluateReq();
  bad["timing"] = {{"reference_tf32", "yes"}};
  EXPECT_EQ(badRequestLog(w, bad, "string"), "bad request: timing.reference_tf32 must be a boolean");
  bad["timing"] = {{"reference_tf32", 1}};
  EXPECT_EQ(badRequestLog(w, bad, "number"), "bad request: timing.reference_tf32 must be a boolean");
  for (bool value : {true, false}) {
    json good = evaluateReq();
    good["id"] = value ? "true" : "false";
    good["timing"] = {{"reference_tf32", value}};
    json r = w.call(good);
    EXPECT_NE(r["status"], "rejected") << r.dump();
    EXPECT_FALSE(r.contains("error")) << r.dump();
  }
}

// tf32_bound (the strict fp32 policy's check, absent: false) must be a boolean.
TEST(WorkerProcess, Tf32BoundFieldIsChecked) {
  RawWorker w = rawWorker(tempDir());
  json bad = evaluateReq();
  bad["tf32_bound"] = "yes";
  EXPECT_EQ(badRequestLog(w, bad, "string"), "bad request: tf32_bound must be a boolean");
  bad["tf32_bound"] = 1;
  EXPECT_EQ(badRequestLog(w, bad, "number"), "bad request: tf32_bound must be a boolean");
  for (bool value : {true, false}) {
    json good = evaluateReq();
    good["id"] = value ? "true" : "false";
    good["tf32_bound"] = value;
    json r = w.call(good);
    EXPECT_NE(r["status"], "rejected") << r.dump();
    EXPECT_FALSE(r.contains("error")) << r.dump();
  }
}

// The TEST-ONLY fake GPU (the CPU tests of the whole search) honours
// timing.reference as the real worker does: false leaves timing.reference out.
TEST(WorkerProcess, FakeGpuLeavesTheReferenceUntimedWhenAsked) {
  RawWorker w({"--cache-dir", tempDir()}, {{"PIKE_WORKER_TEST_OPS", "1"}, {"PIKE_WORKER_FAKE_GPU", "1"}});
  json req = evaluateReq();
  int okReplies = 0;
  // The fake's verdict is a hash of the candidate; try sources until one is ok.
  for (int k = 0; k < 20 && okReplies == 0; ++k) {
    req["candidate"]["source"] = std::string(kGoodNvrtc) + "// " + std::to_string(k) + "\n";
    req["id"] = "timed" + std::to_string(k);
    req.erase("timing");
    json timed = w.call(req);
    ASSERT_EQ(timed["test_fake_gpu"], true) << timed.dump();
    if (timed["status"] != "ok")
      continue;
    ++okReplies;
    EXPECT_TRUE(timed["timing"].contains("reference")) << timed.dump();
    req["id"] = "untimed" + std::to_string(k);
    req["timing"] = {{"reference", false}};
    json untimed = w.call(req);
    EXPECT_EQ(untimed["status"], "ok") << untimed.dump();
    EXPECT_TRUE(untimed["timing"].contains("candidate")) << untimed.dump();
    EXPECT_FALSE(untimed["timing"].contains("reference")) << untimed.dump();
    // Everything else is the same reply.
    EXPECT_EQ(untimed["timing"]["candidate"], timed["timing"]["candidate"]);
  }
  EXPECT_EQ(okReplies, 1);
}

TEST(WorkerProcess, TestOpsAreRefusedWithoutTheEnvironmentSwitch) {
  RawWorker w = rawWorker(tempDir(), /*testOps=*/false);
  json r = w.call({{"protocol", 1}, {"op", "crash"}, {"id", 1}});
  EXPECT_EQ(r["error"]["code"], "unknown_op");
  EXPECT_EQ(w.call({{"protocol", 1}, {"op", "ping"}})["restarts"], 0);
}

namespace {
/// A pool of one fresh local worker.
std::shared_ptr<WorkerPool> freshPool() {
  auto pool = std::make_shared<WorkerPool>();
  pool->add(std::make_unique<WorkerProcess>(options(tempDir())));
  pool->startAll();
  return pool;
}

/// y = f(x) on 32 floats, with a reference that does not exist (no GPU here).
pike::search::TaskSpec vectorTask() {
  pike::search::TaskSpec t;
  t.regionName = "region_0";
  t.referencePath = "/nonexistent/ref.pt";
  t.signature = {{"inputs", {{{"shape", {32}}, {"dtype", "float32"}}}},
                 {"outputs", {{{"shape", {32}}, {"dtype", "float32"}}}}};
  return t;
}
} // namespace

TEST(WorkerProcess, NoGpuMeansDeviceInfoSaysSoAndEvaluateIsRuntimeError) {
  WorkerProcess w(options(tempDir()));
  w.start();
  json info = w.call({{"op", "device_info"}}, 60s);
  if (info.value("available", false))
    GTEST_SKIP() << "this host has a GPU; the GPU suite covers evaluation";
  EXPECT_NE(info["reason"].get<std::string>().find("no CUDA device"), std::string::npos);
  json r = w.call(evaluateReq(), 60s);
  EXPECT_EQ(r["status"], "runtime_error");
  EXPECT_NE(r["log"].get<std::string>().find("no CUDA device"), std::string::npos);

  // Through the Evaluator interface too.
  WorkerEvaluator ev(freshPool());
  pike::search::TaskSpec t = vectorTask();
  pike::search::CandidateCode code;
  code.source = kGoodNvrtc;
  code.mode = "nvrtc";
  code.launches = evaluateReq()["candidate"]["launches"];
  auto res = ev.evaluate(t, code);
  EXPECT_EQ(res.status, pike::search::EvalStatus::RuntimeError);
  EXPECT_NE(res.log.find("no CUDA device"), std::string::npos);
  t.signature.erase("outputs");
  EXPECT_EQ(ev.evaluate(t, code).status, pike::search::EvalStatus::Rejected);
}

TEST(WorkerProcess, ReferenceOnlyEvaluateNeedsNoSourceAndCannotBeCompiled) {
  WorkerProcess w(options(tempDir()));
  w.start();
  json req = evaluateReq();
  req["candidate"] = {{"mode", "reference"}};
  // Compiling the reference is a request error naming the mode.
  json c = w.call({{"protocol", 1}, {"op", "compile"}, {"candidate", req["candidate"]}}, 60s);
  EXPECT_EQ(c["error"]["code"], "bad_request");
  EXPECT_NE(c["log"].get<std::string>().find("reference"), std::string::npos);
  if (hostHasGpu(w))
    GTEST_SKIP() << "this host has a GPU; the GPU suite times references";
  // Accepted (no source needed); without a GPU it is the usual runtime_error.
  json r = w.call(req, 60s);
  EXPECT_EQ(r["status"], "runtime_error");
  EXPECT_NE(r["log"].get<std::string>().find("no CUDA device"), std::string::npos);

  // Through the Evaluator interface: the eager profile's failure names the reason.
  WorkerEvaluator ev(freshPool());
  pike::search::TaskSpec t = vectorTask();
  auto timing = pike::search::timeReference(ev, t);
  EXPECT_FALSE(timing.ms);
  EXPECT_EQ(timing.failure.rfind("runtime_error: no CUDA device", 0), 0u) << timing.failure;
}

TEST(WorkerProcess, NvrtcCompileIsCachedAndErrorsCarryLineNumbers) {
  std::string cache = tempDir();
  WorkerProcess w(options(cache));
  w.start();
  json r1 = w.call(compileReq("nvrtc", kGoodNvrtc), 120s);
  ASSERT_EQ(r1["status"], "ok") << r1.dump(2);
  EXPECT_EQ(r1["cache_hit"], false);
  EXPECT_EQ(r1["compile"]["arch"], "sm_90a");
  json r2 = w.call(compileReq("nvrtc", kGoodNvrtc), 120s);
  EXPECT_EQ(r2["status"], "ok");
  EXPECT_EQ(r2["cache_hit"], true);
  EXPECT_EQ(r2["compile"]["key"], r1["compile"]["key"]);
  // Another flag is another key.
  json r3req = compileReq("nvrtc", kGoodNvrtc);
  r3req["candidate"]["flags"] = {"-DX=1"};
  json r3 = w.call(r3req, 120s);
  EXPECT_EQ(r3["cache_hit"], false);
  EXPECT_NE(r3["compile"]["key"], r1["compile"]["key"]);

  json e = w.call(compileReq("nvrtc", kBadNvrtc), 120s);
  EXPECT_EQ(e["status"], "compile_error");
  EXPECT_NE(e["log"].get<std::string>().find("candidate.cu(3)"), std::string::npos) << e["log"];
  ASSERT_FALSE(e["compile"]["errors"].empty());
  EXPECT_EQ(e["compile"]["errors"][0]["line"], 3);
  EXPECT_NE(e["compile"]["errors"][0]["source_line"].get<std::string>().find("undefined_thing"),
            std::string::npos);
  // Broken candidates are cached too.
  json e2 = w.call(compileReq("nvrtc", kBadNvrtc), 120s);
  EXPECT_EQ(e2["status"], "compile_error");
  EXPECT_EQ(e2["cache_hit"], true);
  EXPECT_EQ(e2["log"], e["log"]);

  // A fresh worker on the same cache directory reuses the artifact.
  WorkerProcess w2(options(cache));
  w2.start();
  EXPECT_EQ(w2.call(compileReq("nvrtc", kGoodNvrtc), 120s)["cache_hit"], true);
}

TEST(WorkerProcess, NvccCompileBuildsSharedLibraryAndReportsErrors) {
  std::string cache = tempDir();
  WorkerProcess w(options(cache));
  w.start();
  // Two compiles in flight on one connection: the worker compiles in parallel.
  std::string broken = std::string(kGoodNvcc) + "\nstatic int oops = missing_symbol;\n";
  json okReply, errReply;
  std::thread t([&] { errReply = w.call(compileReq("nvcc", broken), 300s); });
  okReply = w.call(compileReq("nvcc", kGoodNvcc), 300s);
  t.join();
  ASSERT_EQ(okReply["status"], "ok") << okReply["log"];
  EXPECT_EQ(okReply["cache_hit"], false);
  struct stat st;
  std::string key = okReply["compile"]["key"];
  EXPECT_EQ(stat((cache + "/" + key.substr(0, 2) + "/" + key + ".so").c_str(), &st), 0);
  EXPECT_EQ(errReply["status"], "compile_error");
  ASSERT_FALSE(errReply["compile"]["errors"].empty()) << errReply["log"];
  int badLine = static_cast<int>(std::count(broken.begin(), broken.end(), '\n')); // the last line
  EXPECT_EQ(errReply["compile"]["errors"][0]["line"], badLine);
  EXPECT_NE(errReply["compile"]["errors"][0]["source_line"].get<std::string>().find("missing_symbol"),
            std::string::npos);

  json again = w.call(compileReq("nvcc", kGoodNvcc), 300s);
  EXPECT_EQ(again["cache_hit"], true);
  EXPECT_LT(again["compile_ms"].get<double>(), okReply["compile_ms"].get<double>());
}

// A candidate that calls cuBLASLt loads in a process without LibTorch (pike-runner's
// situation; this test binary links no LibTorch): the worker links the libraries the
// source includes and records where they are. Before, every cuBLASLt candidate failed
// on the H100 with "undefined symbol: cublasLtMatmulDescCreate".
TEST(WorkerProcess, NvccCandidateCallingCublasLtLoadsWithoutLibTorch) {
  std::string cache = tempDir();
  WorkerProcess w(options(cache));
  w.start();
  std::string src = std::string("#include <cublasLt.h>\n") + kGoodNvcc +
                    "\nextern \"C\" int pike_uses_cublaslt() {\n"
                    "  cublasLtMatmulDesc_t d = nullptr;\n"
                    "  return (int)cublasLtMatmulDescCreate(&d, CUBLAS_COMPUTE_32F, CUDA_R_32F);\n}\n";
  json r = w.call(compileReq("nvcc", src), 300s);
  ASSERT_EQ(r["status"], "ok") << r["log"];
  std::string key = r["compile"]["key"];
  std::string so = cache + "/" + key.substr(0, 2) + "/" + key + ".so";
  void *h = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(h, nullptr) << dlerror();
  EXPECT_NE(dlsym(h, "pike_uses_cublaslt"), nullptr);
  dlclose(h);
}

// An "nvcc" that answers --version and otherwise sleeps: a compile that stays in flight.
std::string slowNvcc(const std::string &dir) {
  std::string fake = dir + "/slow-nvcc";
  {
    std::ofstream f(fake);
    f << "#!/bin/sh\nif [ \"$1\" = --version ]; then echo fake nvcc; exit 0; fi\nsleep 30\n";
  }
  chmod(fake.c_str(), 0755);
  return fake;
}

TEST(WorkerProcess, NvccPastTheCompileLimitIsKilled) {
  std::string dir = tempDir();
  std::string fake = slowNvcc(dir);
  auto o = options(dir + "/cache");
  o.args.insert(o.args.end(), {"--nvcc", fake});
  WorkerProcess w(o);
  w.start();
  auto t0 = std::chrono::steady_clock::now();
  json r = w.call(compileReq("nvcc", kGoodNvcc, 500), 60s);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r["status"], "timeout") << r.dump(2);
  EXPECT_NE(r["log"].get<std::string>().find("compile time limit"), std::string::npos);
  EXPECT_LT(ms, 10000);
  // Not cached: a later compile runs again (and times out again).
  json r2 = w.call(compileReq("nvcc", kGoodNvcc, 300), 60s);
  EXPECT_EQ(r2["cache_hit"], false);
}

TEST(WorkerSupervisor, HungRequestIsKilledAtItsDeadlineAndTheChildRestarts) {
  WorkerProcess w(options(tempDir()));
  w.start();
  json before = w.call({{"op", "sleep"}, {"ms", 1}}, 60s); // answered by the evaluator child
  auto t0 = std::chrono::steady_clock::now();
  json r = w.call({{"op", "hang"}, {"deadline_ms", 300}}, 60s);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r["error"]["code"], "timeout") << r.dump();
  EXPECT_NE(r["error"]["message"].get<std::string>().find("300 ms"), std::string::npos);
  EXPECT_LT(ms, 20000);
  EXPECT_EQ(w.call({{"op", "ping"}}, 10s)["restarts"], 1);
  json after = w.call({{"op", "sleep"}, {"ms", 1}}, 60s);
  EXPECT_EQ(after["ok"], true);
  EXPECT_NE(after["pid"], before["pid"]) << "a new evaluator process should answer";
}

TEST(WorkerSupervisor, CrashAnswersWithTheReasonAndBystandersAreResent) {
  RawWorker w = rawWorker(tempDir());
  // Start the child and let it come up.
  EXPECT_EQ(w.call({{"protocol", 1}, {"op", "sleep"}, {"ms", 1}, {"id", "warm"}})["ok"], true);
  w.send(json({{"protocol", 1}, {"op", "sleep"}, {"ms", 1500}, {"id", "bystander"}}).dump());
  std::this_thread::sleep_for(200ms);
  w.send(json({{"protocol", 1}, {"op", "crash"}, {"id", "boom"}}).dump());
  std::map<std::string, json> got;
  for (int i = 0; i < 2; ++i) {
    json r = w.recv(60000);
    got[r["id"].get<std::string>()] = r;
  }
  ASSERT_TRUE(got.count("boom"));
  EXPECT_EQ(got["boom"]["error"]["code"], "worker_died");
  EXPECT_NE(got["boom"]["error"]["message"].get<std::string>().find("signal 11"), std::string::npos)
      << got["boom"].dump();
  ASSERT_TRUE(got.count("bystander"));
  EXPECT_EQ(got["bystander"]["ok"], true) << got["bystander"].dump();
  EXPECT_EQ(w.call({{"protocol", 1}, {"op", "ping"}})["restarts"], 1);
}

TEST(WorkerSupervisor, ClosingStdinDrainsThenExits) {
  RawWorker w = rawWorker(tempDir());
  w.send(json({{"protocol", 1}, {"op", "sleep"}, {"ms", 300}, {"id", "last"}}).dump());
  close(w.in);
  w.in = -1;
  json r = w.recv(60000);
  EXPECT_EQ(r["id"], "last");
  EXPECT_EQ(r["ok"], true);
  int st = 0;
  for (int i = 0; i < 500 && waitpid(w.pid, &st, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  w.pid = -1;
}

TEST(WorkerTcp, ServesSeveralClientsAndShutsDown) {
  std::string dir = tempDir();
  std::string portFile = dir + "/port";
  pid_t pid = fork();
  if (pid == 0) {
    setenv("PIKE_WORKER_TEST_OPS", "1", 1);
    execl(PIKE_WORKER_EXE, PIKE_WORKER_EXE, "--listen", "127.0.0.1:0", "--port-file", portFile.c_str(),
          "--cache-dir", dir.c_str(), (char *)nullptr);
    _exit(127);
  }
  int port = 0;
  for (int i = 0; i < 500 && port == 0; ++i) {
    std::ifstream f(portFile);
    if (!(f >> port))
      std::this_thread::sleep_for(20ms);
  }
  ASSERT_GT(port, 0);
  RemoteWorker a("127.0.0.1", port), b("127.0.0.1", port);
  a.start();
  b.start();
  json ra, rb;
  std::thread t([&] { ra = a.call({{"op", "sleep"}, {"ms", 300}}, 60s); });
  rb = b.call(compileReq("nvrtc", kGoodNvrtc), 120s);
  t.join();
  EXPECT_EQ(ra["ok"], true);
  EXPECT_EQ(rb["status"], "ok");
  EXPECT_EQ(a.call({{"op", "ping"}}, 10s)["ok"], true);
  EXPECT_EQ(b.call({{"op", "shutdown"}}, 10s)["ok"], true);
  int st = 0;
  for (int i = 0; i < 500 && waitpid(pid, &st, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(WIFEXITED(st)) << "worker still running after shutdown";
  if (!WIFEXITED(st)) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  // The link is gone: calls fail with a reason instead of hanging.
  EXPECT_THROW(a.call({{"op", "ping"}}, 5s), WorkerError);
}

TEST(WorkerPool, SpreadsConcurrentRequestsOverWorkers) {
  std::string cache = tempDir();
  WorkerPool pool;
  pool.add(std::make_unique<WorkerProcess>(options(cache)));
  pool.add(std::make_unique<WorkerProcess>(options(cache)));
  pool.startAll();
  std::vector<std::thread> ts;
  std::mutex mu;
  std::set<int> pids;
  int ok = 0;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      json r = pool.call({{"op", "sleep"}, {"ms", 800}}, 60s);
      std::lock_guard<std::mutex> lk(mu);
      ok += r.value("ok", false);
      pids.insert(r.value("pid", 0));
    });
  for (auto &t : ts)
    t.join();
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(pids.size(), 2u) << "least-busy selection should use both workers";
}

TEST(WorkerPool, WorkerKilledMidRequestIsAnsweredAndRestarted) {
  WorkerPool pool;
  std::string dir = tempDir();
  auto o = options(dir + "/cache");
  o.args.insert(o.args.end(), {"--nvcc", slowNvcc(dir)});
  pool.add(std::make_unique<WorkerProcess>(o));
  pool.startAll();
  auto &w = static_cast<WorkerProcess &>(pool.worker(0));
  ASSERT_EQ(pool.call({{"op", "ping"}}, 10s)["ok"], true);
  pid_t victim = w.pid();
  std::atomic<bool> done{false};
  json reply;
  std::thread t([&] {
    reply = pool.call({{"op", "evaluate"}, {"candidate", {{"source", "x"}}}, {"sleep", 1}}, 60s);
    done = true;
  });
  // Kill the worker (supervisor and, through PDEATHSIG, its child) while the call waits.
  json r = pool.call({{"op", "sleep"}, {"ms", 10}}, 60s); // ensure the child is up
  ASSERT_EQ(r["ok"], true);
  std::thread slow([&] { pool.call({{"op", "sleep"}, {"ms", 5000}}, 60s); });
  std::this_thread::sleep_for(300ms);
  kill(victim, SIGKILL);
  slow.join();
  t.join();
  ASSERT_TRUE(done);
  EXPECT_GE(pool.restarts(), 1);
  EXPECT_NE(w.pid(), victim);
  EXPECT_EQ(pool.call({{"op", "ping"}}, 10s)["ok"], true);

  // A candidate op in flight when the worker dies becomes runtime_error with the reason.
  victim = w.pid();
  json ev;
  std::thread t2([&] {
    ev = pool.call({{"op", "compile"},
                    {"candidate", {{"source", kGoodNvcc}, {"mode", "nvcc"}}},
                    {"compile_timeout_ms", 120000}},
                   120s);
  });
  std::this_thread::sleep_for(500ms);
  kill(victim, SIGKILL);
  t2.join();
  EXPECT_EQ(ev["status"], "runtime_error") << ev.dump();
  EXPECT_NE(ev["log"].get<std::string>().find("signal 9"), std::string::npos) << ev["log"];
  EXPECT_EQ(pool.call({{"op", "ping"}}, 10s)["ok"], true);
}

TEST(WorkerPool, MissingExecutableIsAnErrorReplyNotACrash) {
  WorkerProcess::Options o;
  o.executable = "/nonexistent/pike-worker";
  WorkerProcess w(o);
  w.start(); // fork succeeds; exec fails in the child
  try {
    w.call({{"op", "ping"}}, 10s);
    FAIL() << "a worker that cannot start must not answer";
  } catch (const WorkerError &e) {
    EXPECT_NE(std::string(e.what()).find("127"), std::string::npos) << e.what();
  }
  WorkerPool pool;
  pool.add(std::make_unique<WorkerProcess>(o));
  pool.startAll();
  json r = pool.call({{"op", "evaluate"}, {"candidate", {{"source", "x"}}}}, 10s);
  EXPECT_EQ(r["status"], "runtime_error") << r.dump();
  EXPECT_FALSE(r["log"].get<std::string>().empty());
}

// -lcudnn: the worker adds the resolved cuDNN's include dir (to nvcc and to the
// include policy), library and rpath. A pip-style layout outside the toolkit,
// given by PIKE_CUDNN_DIR, with a stand-in header and library.
TEST(WorkerProcess, NvccCudnnCandidateLinksTheResolvedCudnn) {
  std::string cache = tempDir(), fake = tempDir() + "/nvidia/cudnn";
  ASSERT_EQ(std::system(("mkdir -p " + fake + "/include " + fake + "/lib").c_str()), 0);
  std::ofstream(fake + "/include/cudnn.h") << "extern \"C\" int pike_fake_cudnn(void);\n";
  std::ofstream(fake + "/lib/fake.c") << "int pike_fake_cudnn(void) { return 7; }\n";
  ASSERT_EQ(std::system(("cc -shared -fPIC -o " + fake + "/lib/libcudnn.so.9 " + fake + "/lib/fake.c").c_str()), 0);
  std::string src = std::string("#include <cudnn.h>\n") + kGoodNvcc +
                    "extern \"C\" int pike_probe(void) { return pike_fake_cudnn(); }\n";
  json req = compileReq("nvcc", src);
  req["candidate"]["flags"] = {"-lcudnn"};

  WorkerProcess::Options o = options(cache);
  o.env.emplace_back("PIKE_CUDNN_DIR", fake);
  WorkerProcess w(o);
  w.start();
  json r = w.call(req, 300s);
  ASSERT_EQ(r["status"], "ok") << r["log"];
  std::string key = r["compile"]["key"];
  std::string so = cache + "/" + key.substr(0, 2) + "/" + key + ".so";
  FILE *p = ::popen(("readelf -d " + so).c_str(), "r");
  ASSERT_TRUE(p);
  std::string dyn;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p))
    dyn += buf;
  ::pclose(p);
  EXPECT_NE(dyn.find("[libcudnn.so.9]"), std::string::npos) << dyn;
  EXPECT_NE(dyn.find(fake + "/lib"), std::string::npos) << dyn; // RUNPATH/RPATH

  // Without -lcudnn the stand-in is not on the include path: the name is refused by the
  // include policy, or (a toolkit with its own cudnn.h) resolves to that header instead.
  json plain = compileReq("nvcc", src);
  json r2 = w.call(plain, 300s);
  EXPECT_EQ(r2["status"], "compile_error");
  std::string log2 = r2["log"];
  EXPECT_TRUE(log2.find("include not allowed") != std::string::npos ||
              log2.find("\"pike_fake_cudnn\" is undefined") != std::string::npos)
      << log2;
}

TEST(WorkerProcess, NvccCudnnWithAWrongCudnnDirIsAClearCompileError) {
  std::string cache = tempDir();
  json req = compileReq("nvcc", kGoodNvcc);
  req["candidate"]["flags"] = {"-lcudnn"};
  WorkerProcess::Options o = options(cache);
  o.env.emplace_back("PIKE_CUDNN_DIR", "/nonexistent/cudnn");
  WorkerProcess w(o);
  w.start();
  json r = w.call(req, 300s);
  EXPECT_EQ(r["status"], "compile_error");
  EXPECT_NE(r["log"].get<std::string>().find("PIKE_CUDNN_DIR=/nonexistent/cudnn"), std::string::npos)
      << r["log"];
}
