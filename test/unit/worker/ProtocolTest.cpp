// Protocol, request building and reply mapping: pure C++, no worker process.
#include "pike/WorkerClient/LineIO.h"
#include "pike/WorkerClient/Protocol.h"
#include "pike/Search/SlotOrder.h"
#include "pike/WorkerClient/WorkerEvaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <unistd.h>

using namespace pike::worker;
using json = nlohmann::json;

namespace {
std::string envelopeError(const json &req, bool testOps = false, std::string *code = nullptr) {
  std::string c, op;
  auto e = checkEnvelope(req, testOps, &c, &op);
  if (code)
    *code = c;
  return e ? *e : "";
}

pike::search::TaskSpec task() {
  pike::search::TaskSpec t;
  t.regionName = "region_1";
  t.referencePath = "/tmp/ref.pt";
  t.signature = {{"inputs", {{{"shape", {4, 8}}, {"dtype", "float32"}, {"init", "uniform"}},
                             {{"shape", {8}}, {"dtype", "float16"}}}},
                 {"outputs", {{{"shape", {4, 8}}, {"dtype", "float32"}}}}};
  return t;
}
} // namespace

TEST(WorkerProtocol, EnvelopeAcceptsEveryPublicOp) {
  for (const char *op : {"evaluate", "compile", "ping", "shutdown", "device_info"})
    EXPECT_EQ(envelopeError({{"protocol", 1}, {"op", op}, {"id", 3}}), "") << op;
}

TEST(WorkerProtocol, EnvelopeRejectsVersionsAndShapes) {
  std::string code;
  EXPECT_NE(envelopeError(json::array({1, 2}), false, &code), "");
  EXPECT_EQ(code, "bad_request");
  EXPECT_NE(envelopeError({{"op", "ping"}}, false, &code).find("protocol"), std::string::npos);
  EXPECT_EQ(code, "bad_request");
  EXPECT_NE(envelopeError({{"protocol", 2}, {"op", "ping"}}, false, &code).find("version 2"),
            std::string::npos);
  EXPECT_EQ(code, "unsupported_protocol");
  EXPECT_NE(envelopeError({{"protocol", "1"}, {"op", "ping"}}, false, &code), "");
  EXPECT_NE(envelopeError({{"protocol", 1}}, false, &code).find("op"), std::string::npos);
  EXPECT_NE(envelopeError({{"protocol", 1}, {"op", "frob"}}, false, &code), "");
  EXPECT_EQ(code, "unknown_op");
  EXPECT_NE(envelopeError({{"protocol", 1}, {"op", "ping"}, {"id", {1}}}, false, &code), "");
}

TEST(WorkerProtocol, TestOpsOnlyWhenEnabled) {
  std::string code;
  EXPECT_NE(envelopeError({{"protocol", 1}, {"op", "crash"}}, false, &code), "");
  EXPECT_EQ(code, "unknown_op");
  EXPECT_EQ(envelopeError({{"protocol", 1}, {"op", "crash"}}, true), "");
  EXPECT_EQ(envelopeError({{"protocol", 1}, {"op", "hang"}}, true), "");
}

TEST(WorkerProtocol, ErrorReplyCarriesStatusForCandidateOps) {
  json r = errorReply("a", "evaluate", "bad_request", "missing x");
  EXPECT_EQ(r["status"], "rejected");
  EXPECT_EQ(r["error"]["code"], "bad_request");
  EXPECT_EQ(r["protocol"], kProtocolVersion);
  EXPECT_EQ(r["id"], "a");
  json p = errorReply(nullptr, "ping", "x", "y");
  EXPECT_FALSE(p.contains("status"));
  EXPECT_TRUE(p["id"].is_null());
}

TEST(WorkerProtocol, DTypesMatchKernelABI) {
  EXPECT_EQ(parseDType("float32"), 0);
  EXPECT_EQ(parseDType("torch.float16"), 1);
  EXPECT_EQ(parseDType("bf16"), 2);
  EXPECT_EQ(parseDType("int64"), 4);
  EXPECT_EQ(parseDType("int8"), 8);
  EXPECT_FALSE(parseDType("complex64"));
  EXPECT_STREQ(dtypeName(5), "int32");
  EXPECT_EQ(dtypeBytes(2), 2u);
  EXPECT_EQ(dtypeBytes(3), 8u);
}

TEST(WorkerProtocol, InitNames) {
  EXPECT_TRUE(isValidInit("normal"));
  EXPECT_TRUE(isValidInit("positive"));
  EXPECT_TRUE(isValidInit("randint:-3:7"));
  EXPECT_FALSE(isValidInit("randint:7:3"));
  EXPECT_FALSE(isValidInit("randint:a:b"));
  EXPECT_FALSE(isValidInit("zeros"));
}

TEST(WorkerProtocol, CompileLogLineNumbers) {
  std::string log = "candidate.cu(12): error: identifier \"x\" is undefined\n"
                    "/tmp/nvcc-abc/candidate.cu(3): warning #177-D: variable \"y\" was declared but never referenced\n"
                    "other.h(9): error: not ours\n"
                    "candidate.cu:40:7: error: expected ';' before '}' token\n"
                    "1 error detected in the compilation of \"candidate.cu\".\n";
  auto d = parseCompileLog(log, "candidate.cu");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].line, 12);
  EXPECT_EQ(d[0].severity, "error");
  EXPECT_EQ(d[0].message, "identifier \"x\" is undefined");
  EXPECT_EQ(d[1].line, 3);
  EXPECT_EQ(d[1].severity, "warning");
  EXPECT_EQ(d[2].line, 40);
  EXPECT_EQ(d[2].column, 7);
  json j = diagnosticsJson(d, "a\nb\nint y;\n");
  EXPECT_EQ(j[1]["source_line"], "int y;");
  EXPECT_FALSE(j[0].contains("source_line")); // line 12 is past the end
}

TEST(WorkerProtocol, NonFiniteNumbersTravelAsStrings) {
  EXPECT_EQ(jsonNumber(NAN), "nan");
  EXPECT_EQ(jsonNumber(-INFINITY), "-inf");
  EXPECT_EQ(jsonNumber(1.5), 1.5);
  EXPECT_TRUE(std::isinf(numberFromJson("inf")));
  EXPECT_TRUE(std::isnan(numberFromJson(json::parse(jsonNumber(NAN).dump()))));
  EXPECT_EQ(numberFromJson(nullptr, 7.0), 7.0);
}

TEST(WorkerProtocol, LineReaderSplitsAndSkipsOverlongLines) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  std::string data = "one\r\n" + std::string(100, 'x') + "\nthree\nlast";
  ASSERT_EQ(write(p[1], data.data(), data.size()), static_cast<ssize_t>(data.size()));
  close(p[1]);
  LineReader r(p[0], 50);
  std::string line;
  ASSERT_EQ(r.read(line, 1000), LineReader::Result::Line);
  EXPECT_EQ(line, "one");
  EXPECT_EQ(r.read(line, 1000), LineReader::Result::TooLong);
  ASSERT_EQ(r.read(line, 1000), LineReader::Result::Line);
  EXPECT_EQ(line, "three");
  ASSERT_EQ(r.read(line, 1000), LineReader::Result::Line);
  EXPECT_EQ(line, "last");
  EXPECT_EQ(r.read(line, 1000), LineReader::Result::Eof);
  close(p[0]);
}

TEST(WorkerProtocol, LineReaderNextDropsOverlongLinesAndStopsAtEof) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  std::string data = "one\n" + std::string(100, 'x') + "\nthree\n";
  ASSERT_EQ(write(p[1], data.data(), data.size()), static_cast<ssize_t>(data.size()));
  close(p[1]);
  LineReader r(p[0], 50);
  std::string line;
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line, "one");
  ASSERT_TRUE(r.next(line));
  EXPECT_EQ(line, "three");
  EXPECT_FALSE(r.next(line));
  close(p[0]);
}

TEST(WorkerProtocol, LineReaderTimesOut) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  LineReader r(p[0], 50);
  std::string line;
  EXPECT_EQ(r.read(line, 20), LineReader::Result::Timeout);
  close(p[0]);
  close(p[1]);
}

TEST(WorkerClient, BuildEvaluateRequestFromTask) {
  pike::search::CandidateCode code;
  code.source = "__global__ void k() {}";
  code.mode = "nvrtc";
  code.launches = {{{"kernel", "k"}, {"grid", {1}}, {"block", {32}}, {"args", {"in0", "out0"}}}};
  code.knobs = {{"flags", {"-DTILE=4"}}};
  EvaluatorOptions o;
  o.flags = {"--use_fast_math"};
  o.seeds = {5, 6};
  o.atol = 1e-3;
  json r = buildEvaluateRequest(task(), code, o);
  EXPECT_EQ(r["op"], "evaluate");
  EXPECT_EQ(r["protocol"], kProtocolVersion);
  EXPECT_EQ(r["candidate"]["mode"], "nvrtc");
  EXPECT_EQ(r["candidate"]["launches"], code.launches);
  EXPECT_FALSE(r["candidate"].contains("entry"));
  EXPECT_EQ(r["candidate"]["flags"], json({"--use_fast_math", "-DTILE=4"}));
  EXPECT_EQ(r["reference"]["torchscript"], "/tmp/ref.pt");
  EXPECT_EQ(r["inputs"][0]["init"], "uniform");
  EXPECT_EQ(r["inputs"][1]["init"], "normal"); // default
  EXPECT_FALSE(r["outputs"][0].contains("init"));
  EXPECT_EQ(r["seeds"], json({5, 6}));
  EXPECT_DOUBLE_EQ(r["atol"].get<double>(), 1e-3);
  EXPECT_EQ(r["timing"]["min_reps"], o.minReps);
}

// A channels-last slot's signature marks its rank-4 tensors "layout": "nhwc"
// (slotSignature); the request carries it on those tensors, and only there:
// a signature without layouts gives exactly the request it always gave.
TEST(WorkerClient, BuildEvaluateRequestPassesLayoutThrough) {
  pike::search::CandidateCode code;
  code.source = "__global__ void k() {}";
  code.mode = "nvrtc";
  code.launches = {{{"kernel", "k"}, {"grid", {1}}, {"block", {32}}, {"args", {"in0", "in1", "out0"}}}};
  EvaluatorOptions o;
  pike::search::TaskSpec plain = task();
  json before = buildEvaluateRequest(plain, code, o);
  for (const char *side : {"inputs", "outputs"})
    for (const auto &t : before[side])
      EXPECT_FALSE(t.contains("layout")) << t.dump();

  pike::search::TaskSpec nhwc = task();
  nhwc.signature = {{"inputs", {{{"shape", {2, 8, 5, 7}}, {"dtype", "float32"}, {"layout", "nhwc"}},
                                {{"shape", {8}}, {"dtype", "float32"}}}},
                    {"outputs", {{{"shape", {2, 8, 5, 7}}, {"dtype", "float32"}, {"layout", "nhwc"}}}}};
  json r = buildEvaluateRequest(nhwc, code, o);
  EXPECT_EQ(r["inputs"][0], json({{"shape", {2, 8, 5, 7}}, {"dtype", "float32"}, {"init", "normal"}, {"layout", "nhwc"}}));
  EXPECT_FALSE(r["inputs"][1].contains("layout"));
  EXPECT_EQ(r["outputs"][0], json({{"shape", {2, 8, 5, 7}}, {"dtype", "float32"}, {"layout", "nhwc"}}));

  // Everything but the layouts is the request the same signature without them gives.
  pike::search::TaskSpec stripped = nhwc;
  for (const char *side : {"inputs", "outputs"})
    for (auto &t : stripped.signature[side])
      t.erase("layout");
  json withoutLayouts = r;
  for (const char *side : {"inputs", "outputs"})
    for (auto &t : withoutLayouts[side])
      t.erase("layout");
  EXPECT_EQ(withoutLayouts, buildEvaluateRequest(stripped, code, o));

  nhwc.signature["inputs"][0]["layout"] = 4;
  EXPECT_THROW(buildEvaluateRequest(nhwc, code, o), std::invalid_argument);
}

// The tolerance of the check is pike-opt's (the precision policy's, or
// --tolerance): nothing a candidate carries can loosen it.
TEST(WorkerClient, ToleranceComesFromTheEvaluatorNotTheCandidate) {
  pike::search::CandidateCode code;
  code.source = "__global__ void k() {}";
  code.mode = "nvrtc";
  code.launches = {{{"kernel", "k"}, {"grid", {1}}, {"block", {32}}, {"args", {"in0", "out0"}}}};
  code.knobs = {{"atol", 10.0}, {"rtol", 10.0}, {"halfOperands", "bf16"}};
  EvaluatorOptions o;
  o.atol = 5e-2;
  o.rtol = 4e-2;
  json r = buildEvaluateRequest(task(), code, o);
  EXPECT_DOUBLE_EQ(r["atol"].get<double>(), 5e-2);
  EXPECT_DOUBLE_EQ(r["rtol"].get<double>(), 4e-2);
  EXPECT_FALSE(r["candidate"].contains("atol"));
  EXPECT_FALSE(r["candidate"].contains("knobs"));
}

// The strict fp32 policy's TF32 bound is the evaluator's (startWorkers sets it
// for --precision=fp32); a candidate's knobs cannot drop it, and without it the
// request keeps the text it always had.
TEST(WorkerClient, Tf32BoundComesFromTheEvaluatorNotTheCandidate) {
  pike::search::CandidateCode code;
  code.source = "__global__ void k() {}";
  code.mode = "nvrtc";
  code.launches = {{{"kernel", "k"}, {"grid", {1}}, {"block", {32}}, {"args", {"in0", "out0"}}}};
  code.knobs = {{"tf32_bound", false}};
  EvaluatorOptions o;
  EXPECT_FALSE(buildEvaluateRequest(task(), code, o).contains("tf32_bound"));
  o.tf32Bound = true;
  json r = buildEvaluateRequest(task(), code, o);
  EXPECT_EQ(r["tf32_bound"], true);
  EXPECT_FALSE(r["candidate"].contains("tf32_bound"));
}

// Slots run inside the package's CUDA graph: both sides are timed replayed
// from one unless the evaluator is told otherwise; the candidate cannot choose.
TEST(WorkerClient, TimingInACudaGraphComesFromTheEvaluator) {
  pike::search::CandidateCode code;
  code.source = "__global__ void k() {}";
  code.mode = "nvrtc";
  code.launches = {{{"kernel", "k"}, {"grid", {1}}, {"block", {32}}, {"args", {"in0", "out0"}}}};
  code.knobs = {{"cuda_graph", false}, {"timing", {{"cuda_graph", false}}}};
  EvaluatorOptions o;
  EXPECT_EQ(buildEvaluateRequest(task(), code, o)["timing"]["cuda_graph"], true);
  EXPECT_EQ(buildEvaluateRequest(task(), pike::search::referenceOnlyCandidate(), o)["timing"]["cuda_graph"], true);
  o.cudaGraph = false;
  EXPECT_EQ(buildEvaluateRequest(task(), code, o)["timing"]["cuda_graph"], false);
}

TEST(WorkerClient, ReferenceOnlyRequestCarriesNoCode) {
  EvaluatorOptions o;
  o.flags = {"--use_fast_math"};
  json r = buildEvaluateRequest(task(), pike::search::referenceOnlyCandidate(), o);
  EXPECT_EQ(r["op"], "evaluate");
  EXPECT_EQ(r["candidate"], json({{"mode", "reference"}}));
  EXPECT_EQ(r["reference"]["torchscript"], "/tmp/ref.pt");
  // Cheap: one seed, a short timing budget, no CUPTI kernel list.
  EXPECT_EQ(r["seeds"], json({1}));
  EXPECT_EQ(r["timing"]["min_reps"], kProfileMinReps);
  EXPECT_EQ(r["timing"]["warmup"], kProfileWarmup);
  EXPECT_DOUBLE_EQ(r["timing"]["budget_ms"].get<double>(), kProfileBudgetMs);
  EXPECT_EQ(r["profile"], false);
  // A candidate of the same task keeps the full settings.
  pike::search::CandidateCode code;
  code.source = "x";
  json full = buildEvaluateRequest(task(), code, o);
  EXPECT_EQ(full["seeds"], json({1, 2, 3}));
  EXPECT_DOUBLE_EQ(full["timing"]["budget_ms"].get<double>(), o.budgetMs);
  EXPECT_EQ(full["profile"], true);
  // The worker answers with the reference's timing only.
  auto res = evalResultFromReply({{"status", "ok"}, {"timing", {{"reference", {{"median_ms", 1.25}}}}}});
  EXPECT_TRUE(res.ok());
  EXPECT_DOUBLE_EQ(res.referenceMs, 1.25);
  EXPECT_DOUBLE_EQ(res.candidateMs, 0);
}

TEST(WorkerClient, BuildEvaluateRequestNamesWhatIsMissing) {
  pike::search::CandidateCode code;
  auto t = task();
  t.referencePath.clear();
  EXPECT_THROW(buildEvaluateRequest(t, code, {}), std::invalid_argument);
  t = task();
  t.signature["outputs"][0].erase("dtype");
  try {
    buildEvaluateRequest(t, code, {});
    FAIL();
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("outputs[0]"), std::string::npos);
  }
}

TEST(WorkerClient, ReplyMapsToEvalResult) {
  json reply = {{"status", "ok"},
                {"log", ""},
                {"compile_ms", 123.5},
                {"max_abs_err", 1e-4},
                {"timing",
                 {{"candidate", {{"median_ms", 0.5}}}, {"reference", {{"median_ms", 1.5}}}}},
                {"cache_hit", true}};
  auto r = evalResultFromReply(reply);
  EXPECT_EQ(r.status, pike::search::EvalStatus::Ok);
  EXPECT_DOUBLE_EQ(r.candidateMs, 0.5);
  EXPECT_DOUBLE_EQ(r.referenceMs, 1.5);
  EXPECT_DOUBLE_EQ(r.compileMs, 123.5);
  EXPECT_DOUBLE_EQ(r.speedup(), 3.0);
  EXPECT_EQ(r.details["cache_hit"], true);

  auto bad = evalResultFromReply({{"status", "incorrect"}, {"log", "mismatch"}, {"max_abs_err", "inf"}});
  EXPECT_EQ(bad.status, pike::search::EvalStatus::Incorrect);
  EXPECT_TRUE(std::isinf(bad.maxAbsErr));
  EXPECT_EQ(bad.log, "mismatch");

  auto err = evalResultFromReply(errorReply("x", "ping", "bad_request", "nope"));
  EXPECT_EQ(err.status, pike::search::EvalStatus::Rejected);
  EXPECT_EQ(err.log, "nope");

  auto junk = evalResultFromReply({{"hello", 1}});
  EXPECT_EQ(junk.status, pike::search::EvalStatus::RuntimeError);
  for (const char *s : {"compile_error", "runtime_error", "timeout", "rejected"})
    EXPECT_EQ(pike::search::toString(evalResultFromReply({{"status", s}}).status), std::string(s));
}

TEST(WorkerClient, ParseAddress) {
  auto hp = RemoteWorker::parseAddress("node12:7070");
  EXPECT_EQ(hp.first, "node12");
  EXPECT_EQ(hp.second, 7070);
  EXPECT_EQ(RemoteWorker::parseAddress("::1:80").first, "::1");
  EXPECT_THROW(RemoteWorker::parseAddress("node12"), std::invalid_argument);
  EXPECT_THROW(RemoteWorker::parseAddress("node:0"), std::invalid_argument);
  EXPECT_THROW(RemoteWorker::parseAddress("node:12x"), std::invalid_argument);
}

TEST(WorkerPoolSpec, LocalCountAndGpuList) {
  int perGpu = 0;
  std::vector<int> gpus;
  WorkerPool::parseLocalSpec("local:3", perGpu, gpus);
  EXPECT_EQ(perGpu, 3);
  EXPECT_EQ(gpus, std::vector<int>({0}));
  WorkerPool::parseLocalSpec("local:2@1,0,3", perGpu, gpus);
  EXPECT_EQ(perGpu, 2);
  EXPECT_EQ(gpus, std::vector<int>({1, 0, 3}));
  for (const char *bad : {"local:", "local:0", "local:x", "local:2@", "local:2@1,,2", "local:2@1,1",
                          "local:-1", "remote:2", "local:2@a"})
    EXPECT_THROW(WorkerPool::parseLocalSpec(bad, perGpu, gpus), std::invalid_argument) << bad;
}

TEST(WorkerPoolSpec, GpuIndexMapsThroughVisibleDevices) {
  // No CUDA_VISIBLE_DEVICES: the index is the device.
  EXPECT_EQ(WorkerPool::visibleDeviceFor(2, nullptr), "2");
  EXPECT_EQ(WorkerPool::visibleDeviceFor(0, ""), "0");
  // A pike-opt started with CUDA_VISIBLE_DEVICES=3 puts its GPU-0 workers on 3.
  EXPECT_EQ(WorkerPool::visibleDeviceFor(0, "3"), "3");
  EXPECT_EQ(WorkerPool::visibleDeviceFor(1, "2, 5"), "5");
  EXPECT_EQ(WorkerPool::visibleDeviceFor(0, "GPU-8f2a"), "GPU-8f2a");
  EXPECT_THROW(WorkerPool::visibleDeviceFor(1, "3"), std::invalid_argument);
  EXPECT_THROW(WorkerPool::visibleDeviceFor(-1, nullptr), std::invalid_argument);
}
