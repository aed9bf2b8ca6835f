// WorkerEvaluator times each slot's reference once: later requests of the same
// task carry timing.reference=false and get the kept time (docs/worker-protocol.md,
// "Timing the reference once per slot"). Against scripted workers, no GPU.
#include "pike/Search/Serialize.h"
#include "pike/WorkerClient/WorkerEvaluator.h"
#include "ScriptedWorker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace pike::worker;
using namespace pike::worker::test;
using json = nlohmann::json;
using pike::search::EvalStatus;

namespace {

pike::search::TaskSpec task(const std::string &fingerprint, const std::string &region = "region_0") {
  pike::search::TaskSpec t;
  t.regionName = region;
  t.fingerprint = fingerprint;
  t.referencePath = "/tmp/" + (fingerprint.empty() ? region : fingerprint) + ".pt";
  t.signature = {{"inputs", {{{"shape", {32}}, {"dtype", "float32"}}}},
                 {"outputs", {{{"shape", {32}}, {"dtype", "float32"}}}}};
  return t;
}

pike::search::CandidateCode candidate() {
  pike::search::CandidateCode c;
  c.source = "extern \"C\" int pike_entry() { return 0; }";
  c.mode = "nvcc";
  return c;
}

// What a worker saw: every evaluate request, in arrival order.
struct Requests {
  std::mutex mu;
  std::vector<json> seen;
  void add(const json &r) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(r);
  }
  std::vector<json> all() {
    std::lock_guard<std::mutex> lock(mu);
    return seen;
  }
};

bool asksForReference(const json &request) {
  return request["timing"].value("reference", true);
}

// The reply of a worker that honours timing.reference: the candidate takes
// 0.5 ms, the reference (when timed) `referenceMs`.
json honouredReply(const json &req, double referenceMs) {
  json reply = {{"status", "ok"}, {"log", ""}, {"timing", {{"candidate", {{"median_ms", 0.5}}}}},
                {"device", {{"name", "scripted GPU"}}}};
  if (asksForReference(req))
    reply["timing"]["reference"] = {{"median_ms", referenceMs}, {"reps", 40}};
  return reply;
}

// Such a worker, with the reference time of each request's task from `referenceMs`.
ScriptedWorker::Handler honouring(Requests &requests, std::function<double(const json &)> referenceMs) {
  return [&requests, referenceMs](const json &req) {
    requests.add(req);
    return honouredReply(req, referenceMs(req));
  };
}

std::shared_ptr<WorkerPool> poolOf(std::vector<ScriptedWorker::Handler> handlers) {
  auto pool = std::make_shared<WorkerPool>();
  for (auto &h : handlers)
    pool->add(std::make_unique<ScriptedWorker>(h));
  pool->startAll();
  return pool;
}

} // namespace

TEST(ReferenceTiming, SecondEvaluationSkipsTheReferenceAndReusesItsTime) {
  Requests requests;
  WorkerEvaluator ev(poolOf({honouring(requests, [](const json &) { return 2.0; })}));
  auto t = task("fp1");
  auto first = ev.evaluate(t, candidate());
  auto second = ev.evaluate(t, candidate());
  auto seen = requests.all();
  ASSERT_EQ(seen.size(), 2u);
  // The first request is exactly what it always was (no field: an old worker's text).
  EXPECT_FALSE(seen[0]["timing"].contains("reference")) << seen[0]["timing"].dump();
  EXPECT_EQ(seen[1]["timing"]["reference"], false);
  EXPECT_EQ(first.status, EvalStatus::Ok);
  EXPECT_DOUBLE_EQ(first.referenceMs, 2.0);
  EXPECT_FALSE(first.details["timing"]["reference"].contains("reused"));
  EXPECT_EQ(second.status, EvalStatus::Ok);
  EXPECT_DOUBLE_EQ(second.referenceMs, 2.0);
  EXPECT_DOUBLE_EQ(second.speedup(), 4.0);
  // The result says where its reference time came from.
  const json &ref = second.details["timing"]["reference"];
  EXPECT_EQ(ref["reused"], true);
  EXPECT_EQ(ref["measured_with_candidate"], pike::search::candidateId("fp1", candidate()));
  EXPECT_EQ(ref["measured_on"], "scripted GPU");
  EXPECT_EQ(ref["reps"], 40);
  EXPECT_DOUBLE_EQ(second.details["timing"]["candidate"]["median_ms"].get<double>(), 0.5);
}

TEST(ReferenceTiming, KeptPerSlotFunction) {
  Requests requests;
  // Each task's reference takes a different time, named by its file.
  WorkerEvaluator ev(poolOf({honouring(requests, [](const json &req) {
    return req["reference"]["torchscript"] == "/tmp/fpA.pt" ? 1.0 : 3.0;
  })}));
  auto a = task("fpA"), b = task("fpB");
  EXPECT_DOUBLE_EQ(ev.evaluate(a, candidate()).referenceMs, 1.0);
  EXPECT_DOUBLE_EQ(ev.evaluate(b, candidate()).referenceMs, 3.0);
  EXPECT_DOUBLE_EQ(ev.evaluate(a, candidate()).referenceMs, 1.0);
  EXPECT_DOUBLE_EQ(ev.evaluate(b, candidate()).referenceMs, 3.0);
  auto seen = requests.all();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_TRUE(asksForReference(seen[0]));
  EXPECT_TRUE(asksForReference(seen[1]));
  EXPECT_FALSE(asksForReference(seen[2]));
  EXPECT_FALSE(asksForReference(seen[3]));
  // A slot without a fingerprint is known by its region name.
  auto r1 = task("", "region_1");
  ev.evaluate(r1, candidate());
  ev.evaluate(r1, candidate());
  seen = requests.all();
  EXPECT_TRUE(asksForReference(seen[4]));
  EXPECT_FALSE(asksForReference(seen[5]));
  // The same fingerprint with another reference file or signature is another reference.
  EXPECT_NE(referenceTimingKey(a), referenceTimingKey(b));
  auto a2 = a;
  a2.referencePath = "/tmp/other.pt";
  EXPECT_NE(referenceTimingKey(a), referenceTimingKey(a2));
  auto a3 = a;
  a3.signature["inputs"][0]["layout"] = "nhwc";
  EXPECT_NE(referenceTimingKey(a), referenceTimingKey(a3));
  a3 = a;
  a3.regionName = "region_9"; // identical slot elsewhere: same reference
  EXPECT_EQ(referenceTimingKey(a), referenceTimingKey(a3));
}

TEST(ReferenceTiming, AReplyWithoutAReferenceTimeAsksAgainNextTime) {
  Requests requests;
  std::atomic<int> calls{0};
  WorkerEvaluator ev(poolOf({[&](const json &req) {
    requests.add(req);
    // First a compile error (nothing timed), then a candidate the worker times.
    if (calls++ == 0)
      return json{{"status", "compile_error"}, {"log", "candidate.cu(1): error"}};
    return honouredReply(req, 2.0);
  }}));
  auto t = task("fp1");
  auto broken = ev.evaluate(t, candidate());
  EXPECT_EQ(broken.status, EvalStatus::CompileError);
  EXPECT_DOUBLE_EQ(broken.referenceMs, 0);
  auto ok = ev.evaluate(t, candidate());
  EXPECT_DOUBLE_EQ(ok.referenceMs, 2.0);
  ev.evaluate(t, candidate());
  auto seen = requests.all();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_TRUE(asksForReference(seen[0]));
  EXPECT_TRUE(asksForReference(seen[1]));
  EXPECT_FALSE(asksForReference(seen[2]));
}

TEST(ReferenceTiming, NoTimingInTheReplyKeepsNoReferenceTime) {
  // An incorrect candidate is not timed: its result has no reference time, as
  // before (the search's decisions are unchanged).
  Requests requests;
  std::atomic<int> calls{0};
  WorkerEvaluator ev(poolOf({[&](const json &req) {
    requests.add(req);
    if (calls++ == 0)
      return honouredReply(req, 2.0);
    return json{{"status", "incorrect"}, {"log", "mismatch"}};
  }}));
  auto t = task("fp1");
  ev.evaluate(t, candidate());
  auto bad = ev.evaluate(t, candidate());
  EXPECT_EQ(bad.status, EvalStatus::Incorrect);
  EXPECT_DOUBLE_EQ(bad.referenceMs, 0);
  EXPECT_FALSE(bad.details.contains("timing"));
  EXPECT_FALSE(asksForReference(requests.all().at(1)));
}

TEST(ReferenceTiming, AnOlderWorkerThatTimesTheReferenceAnywayIsBelieved) {
  // A worker that ignores timing.reference (an unknown field) still times it:
  // the reply's own reference time is used, not the kept one.
  Requests requests;
  std::atomic<int> calls{0};
  WorkerEvaluator ev(poolOf({[&](const json &req) {
    requests.add(req);
    double ref = calls++ == 0 ? 2.0 : 2.5;
    return json{{"status", "ok"},
                {"log", ""},
                {"timing", {{"candidate", {{"median_ms", 0.5}}}, {"reference", {{"median_ms", ref}}}}}};
  }}));
  auto t = task("fp1");
  EXPECT_DOUBLE_EQ(ev.evaluate(t, candidate()).referenceMs, 2.0);
  auto second = ev.evaluate(t, candidate());
  EXPECT_FALSE(asksForReference(requests.all().at(1)));
  EXPECT_DOUBLE_EQ(second.referenceMs, 2.5);
  EXPECT_FALSE(second.details["timing"]["reference"].contains("reused"));
}

TEST(ReferenceTiming, ReferenceOnlyRequestsAlwaysTimeAndAreNotKept) {
  Requests requests;
  WorkerEvaluator ev(poolOf({honouring(requests, [](const json &) { return 2.0; })}));
  auto t = task("fp1");
  pike::search::CandidateCode profile;
  profile.mode = "reference";
  ev.evaluate(t, profile);
  ev.evaluate(t, candidate()); // the profile's cheap timing is not the search's
  ev.evaluate(t, profile);
  auto seen = requests.all();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_TRUE(asksForReference(seen[0]));
  EXPECT_TRUE(asksForReference(seen[1]));
  EXPECT_TRUE(asksForReference(seen[2]));
}

TEST(ReferenceTiming, OffTimesTheReferenceEveryTime) {
  Requests requests;
  EvaluatorOptions o;
  o.reuseReferenceTiming = false;
  WorkerEvaluator ev(poolOf({honouring(requests, [](const json &) { return 2.0; })}), o);
  auto t = task("fp1");
  ev.evaluate(t, candidate());
  ev.evaluate(t, candidate());
  for (const json &r : requests.all())
    EXPECT_FALSE(r["timing"].contains("reference"));
}

TEST(ReferenceTiming, ConcurrentEvaluationsShareOneTimePerSlot) {
  Requests requests;
  auto refOf = [](const json &req) { return req["reference"]["torchscript"] == "/tmp/fpA.pt" ? 1.0 : 3.0; };
  std::vector<ScriptedWorker::Handler> workers(4, honouring(requests, refOf));
  WorkerEvaluator ev(poolOf(workers));
  const int kThreads = 8, kPerThread = 25;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < kPerThread; ++k) {
        bool isA = (i + k) % 2 == 0;
        auto r = ev.evaluate(task(isA ? "fpA" : "fpB"), candidate());
        if (r.status != EvalStatus::Ok || r.referenceMs != (isA ? 1.0 : 3.0))
          ++wrong;
      }
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(wrong.load(), 0);
  auto seen = requests.all();
  ASSERT_EQ(seen.size(), static_cast<size_t>(kThreads * kPerThread));
  // Only requests sent before their task's first reply could time the reference:
  // at most one per thread per task.
  int timed = 0;
  for (const json &r : seen)
    timed += asksForReference(r);
  EXPECT_GE(timed, 2);
  EXPECT_LE(timed, 2 * kThreads);
  // And once known, both stay known.
  ev.evaluate(task("fpA"), candidate());
  ev.evaluate(task("fpB"), candidate());
  seen = requests.all();
  EXPECT_FALSE(asksForReference(seen[seen.size() - 1]));
  EXPECT_FALSE(asksForReference(seen[seen.size() - 2]));
}
