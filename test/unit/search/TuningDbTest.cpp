#include "pike/Search/TuningDb.h"

#include "pike/Search/Serialize.h"
#include "SearchFakes.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace pike::search;

namespace {
std::string tempPath(const std::string &name) {
  std::string p = ::testing::TempDir() + "/pike-tuning-" + std::to_string(::getpid()) + "-" + name;
  std::remove(p.c_str());
  std::remove((p + ".lock").c_str());
  return p;
}

TuningRecord rec(const std::string &fp, const std::string &arch, double speedup, const std::string &src = "k") {
  TuningRecord r;
  r.key = {fp, arch, "13.0", "2.11.0"};
  r.code.source = src;
  r.speedup = speedup;
  r.referenceMs = 2;
  r.candidateMs = 2 / speedup;
  r.provenance = {{"run", "test"}};
  return r;
}

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
} // namespace

TEST(SearchTuningDb, KeepsTheBestAndPersists) {
  std::string path = tempPath("best.jsonl");
  {
    TuningDb db(path);
    EXPECT_FALSE(db.lookup(rec("fp", "sm_90", 1).key));
    EXPECT_TRUE(db.insert(rec("fp", "sm_90", 1.5, "first")));
    EXPECT_FALSE(db.insert(rec("fp", "sm_90", 1.2, "slower")));
    EXPECT_FALSE(db.insert(rec("fp", "sm_90", 1.5, "tie")));
    EXPECT_TRUE(db.insert(rec("fp", "sm_90", 2.0, "faster")));
    EXPECT_EQ(db.lookup(rec("fp", "sm_90", 1).key)->code.source, "faster");
  }
  TuningDb again(path);
  ASSERT_EQ(again.size(), 1u);
  auto best = again.lookup(rec("fp", "sm_90", 1).key);
  ASSERT_TRUE(best);
  EXPECT_EQ(best->code.source, "faster");
  EXPECT_DOUBLE_EQ(best->speedup, 2.0);
  EXPECT_EQ(best->provenance["run"], "test");
  EXPECT_TRUE(again.warnings().empty());
  // Compacted: one line per key.
  std::string text = slurp(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST(SearchTuningDb, KeysSeparateArchToolkitAndTorch) {
  TuningDb db; // in memory
  TuningRecord a = rec("fp", "sm_90", 1.1, "a");
  TuningRecord b = rec("fp", "sm_80", 1.2, "b");
  TuningRecord c = rec("fp", "sm_90", 1.3, "c");
  c.key.toolkit = "12.4";
  TuningRecord d = rec("fp", "sm_90", 1.4, "d");
  d.key.torch = "2.10.0";
  TuningRecord e = rec("fp2", "sm_90", 1.5, "e");
  for (const TuningRecord &r : {a, b, c, d, e})
    EXPECT_TRUE(db.insert(r));
  EXPECT_EQ(db.size(), 5u);
  EXPECT_EQ(db.lookup(a.key)->code.source, "a");
  EXPECT_EQ(db.lookup(b.key)->code.source, "b");
  EXPECT_EQ(db.lookup(c.key)->code.source, "c");
  EXPECT_EQ(db.lookup(d.key)->code.source, "d");
  EXPECT_EQ(db.lookup(e.key)->code.source, "e");
  TuningKey missing = a.key;
  missing.arch = "sm_100";
  EXPECT_FALSE(db.lookup(missing));
}

TEST(SearchTuningDb, IterationOrderIsByKeyNotInsertion) {
  TuningDb x, y;
  std::vector<TuningRecord> rs = {rec("b", "sm_90", 1), rec("a", "sm_90", 1), rec("a", "sm_80", 1), rec("c", "sm_75", 1)};
  for (const auto &r : rs)
    x.insert(r);
  for (auto it = rs.rbegin(); it != rs.rend(); ++it)
    y.insert(*it);
  EXPECT_EQ(x.exportJson(), y.exportJson());
  std::vector<std::string> keys;
  for (const TuningRecord &r : x.records())
    keys.push_back(r.key.toString());
  EXPECT_EQ(keys, (std::vector<std::string>{"a/sm_80/13.0/2.11.0", "a/sm_90/13.0/2.11.0", "b/sm_90/13.0/2.11.0",
                                            "c/sm_75/13.0/2.11.0"}));
}

TEST(SearchTuningDb, ExportImportRoundTripAndMerge) {
  TuningDb a(tempPath("a.jsonl"));
  a.insert(rec("fp1", "sm_90", 1.5, "a1"));
  a.insert(rec("fp2", "sm_90", 3.0, "a2"));
  nlohmann::json exported = a.exportJson();

  TuningDb b(tempPath("b.jsonl"));
  EXPECT_EQ(b.importJson(exported), 2u);
  EXPECT_EQ(b.exportJson(), exported);
  EXPECT_EQ(TuningDb(b.path()).exportJson(), exported) << "import persisted";

  TuningDb c;
  c.insert(rec("fp1", "sm_90", 2.0, "c1")); // beats a1
  c.insert(rec("fp2", "sm_90", 1.0, "c2")); // loses to a2
  c.insert(rec("fp3", "sm_90", 1.1, "c3")); // new
  EXPECT_EQ(c.importJson(exported), 1u);
  EXPECT_EQ(c.lookup(rec("fp1", "sm_90", 1).key)->code.source, "c1");
  EXPECT_EQ(c.lookup(rec("fp2", "sm_90", 1).key)->code.source, "a2");
  EXPECT_EQ(c.lookup(rec("fp3", "sm_90", 1).key)->code.source, "c3");

  EXPECT_THROW(c.importJson({{"records", 3}}), std::runtime_error);
  try {
    c.importJson({{"version", 1}, {"records", {{{"key", {{"fingerprint", "x"}}}}}}});
    FAIL();
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("records[0]"), std::string::npos) << e.what();
  }
}

TEST(SearchTuningDb, SurvivesATornFile) {
  std::string path = tempPath("torn.jsonl");
  {
    TuningDb db(path);
    db.insert(rec("fp1", "sm_90", 1.5, "one"));
    db.insert(rec("fp2", "sm_90", 1.7, "two"));
  }
  std::string text = slurp(path);
  std::string firstLine = text.substr(0, text.find('\n') + 1);
  std::string second = text.substr(firstLine.size());
  {
    // A damaged copy: a garbage line, then the second record cut in half.
    std::ofstream out(path, std::ios::trunc);
    out << firstLine << "not json at all\n" << second.substr(0, second.size() / 2);
  }
  TuningDb db(path);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.lookup(rec("fp1", "sm_90", 1).key)->code.source, "one");
  ASSERT_EQ(db.warnings().size(), 2u);
  EXPECT_NE(db.warnings()[0].find(path + ":2:"), std::string::npos) << db.warnings()[0];
  EXPECT_NE(db.warnings()[1].find(path + ":3: ignoring line: torn last line"), std::string::npos) << db.warnings()[1];
  EXPECT_EQ(db.damagedLines().size(), 2u);
  // Writing rewrites a clean file.
  EXPECT_TRUE(db.insert(rec("fp2", "sm_90", 1.7, "two again")));
  TuningDb clean(path);
  EXPECT_TRUE(clean.warnings().empty());
  EXPECT_EQ(clean.size(), 2u);
}

TEST(SearchTuningDb, TwoHandlesOnOneFileMerge) {
  std::string path = tempPath("shared.jsonl");
  TuningDb a(path), b(path);
  a.insert(rec("fp1", "sm_90", 1.5));
  b.insert(rec("fp2", "sm_90", 1.6)); // b re-reads under the lock: fp1 survives
  TuningDb c(path);
  EXPECT_EQ(c.size(), 2u);
}

TEST(SearchTuningDb, RecordFromCandidate) {
  Candidate cand;
  cand.id = "abc";
  cand.origin = "llm-fix";
  cand.parents = {"p"};
  cand.fixDepth = 1;
  cand.code.source = "src";
  cand.result.status = EvalStatus::Ok;
  cand.result.referenceMs = 3;
  cand.result.candidateMs = 1.5;
  TuningRecord r = makeTuningRecord({"fp", "sm_90", "13.0", "2.11.0"}, cand, {{"run", "r1"}});
  EXPECT_DOUBLE_EQ(r.speedup, 2.0);
  EXPECT_EQ(r.provenance["candidateId"], "abc");
  EXPECT_EQ(r.provenance["run"], "r1");
  EXPECT_EQ(toJson(tuningRecordFromJson(toJson(r))), toJson(r));
  EXPECT_FALSE(r.provenance.contains("gpu"));
  cand.result.details = {{"device", {{"name", "NVIDIA H200"}, {"arch", "sm_90a"}}}};
  TuningRecord measured = makeTuningRecord({"fp", "sm_90", "13.0", "2.11.0"}, cand);
  EXPECT_EQ(measured.provenance["gpu"], "NVIDIA H200");
  EXPECT_EQ(measured.provenance["gpuArch"], "sm_90a");
  cand.result.status = EvalStatus::Incorrect;
  EXPECT_THROW(makeTuningRecord({}, cand), std::invalid_argument);
}

TEST(SearchTuningDb, SeedsASearchAndRecordsItsBest) {
  using namespace pike::search::testing;
  std::string path = tempPath("search.jsonl");
  TuningEnv env{"sm_90", "13.0", "2.11.0"};
  std::vector<TaskSpec> tasks = fakeTasks(2);
  SearchOptions o;
  o.budget = 16;
  o.dbPath = path;
  {
    TuningDb db(o.dbPath);
    std::vector<std::vector<SeedCode>> seeds = seedsFromTuningDb(db, tasks, env);
    EXPECT_TRUE(seeds[0].empty() && seeds[1].empty());
    FakeProposer p;
    FakeEvaluator e;
    SearchReport r = SearchDriver(o, p, nullptr, e).run(tasks, seeds);
    EXPECT_EQ(recordInTuningDb(db, r, env, {{"run", "first"}}), 2u);
    EXPECT_EQ(recordInTuningDb(db, r, env), 0u) << "same speedups are not improvements";
  }
  TuningDb db(path);
  ASSERT_EQ(db.size(), 2u);
  auto rec = db.lookup(env.keyFor(tasks[1]));
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->provenance["region"], "region_1");
  EXPECT_EQ(rec->provenance["run"], "first");
  // The next search starts from the stored kernel.
  std::vector<std::vector<SeedCode>> seeds = seedsFromTuningDb(db, tasks, env);
  ASSERT_EQ(seeds[1].size(), 1u);
  EXPECT_EQ(seeds[1][0].code.source, rec->code.source);
  EXPECT_EQ(seeds[1][0].origin, "tuning-db");
  TuningEnv other = env;
  other.arch = "sm_80";
  EXPECT_TRUE(seedsFromTuningDb(db, tasks, other)[1].empty());
}

// A database is untrusted input: records are checked before anyone can use them.
TEST(SearchTuningDb, ChecksRecordConsistency) {
  EXPECT_EQ(checkTuningRecord(rec("fp", "sm_90", 1.5)), "");
  auto why = [](TuningRecord r) { return checkTuningRecord(r); };
  TuningRecord r = rec("fp", "sm_90", 1.5);
  r.speedup = 1e9;
  EXPECT_NE(why(r).find("speedup 1e+09 contradicts its own times"), std::string::npos) << why(r);
  r = rec("fp", "sm_90", 1.5);
  r.speedup = 1.5004; // within 0.1%
  EXPECT_EQ(why(r), "");
  r = rec("fp", "sm_90", 1.5);
  r.candidateMs = std::nan("");
  EXPECT_NE(why(r).find("candidateMs"), std::string::npos);
  r = rec("fp", "sm_90", 1.5);
  r.referenceMs = -1;
  EXPECT_NE(why(r).find("referenceMs"), std::string::npos);
  r = rec("fp", "sm_90", 1.5);
  r.compileMs = std::numeric_limits<double>::infinity();
  EXPECT_NE(why(r).find("compileMs"), std::string::npos);
  r = rec("fp", "sm_90", 1.5, "");
  EXPECT_EQ(why(r), "no kernel source");
  r = rec("fp", "sm_90", 1.5, std::string(kMaxRecordSourceBytes + 1, 'x'));
  EXPECT_NE(why(r).find("exceeds the limit"), std::string::npos);
  r = rec("fp", "sm_90", 1.5, std::string("a\0b", 3));
  EXPECT_EQ(why(r), "kernel source contains a NUL byte");
  r = rec("", "sm_90", 1.5);
  EXPECT_NE(why(r).find("key field"), std::string::npos);
  r = rec("fp\n", "sm_90", 1.5);
  EXPECT_NE(why(r).find("not printable"), std::string::npos);
  r = rec("fp", "sm_90", 1.5);
  r.code.mode = "python";
  EXPECT_EQ(why(r), "unknown mode 'python' (expected nvrtc or nvcc)");
  r = rec("fp", "sm_90", 1.5);
  r.code.entry = "pike_entry(); system";
  EXPECT_NE(why(r).find("is not a C identifier"), std::string::npos);
}

TEST(SearchTuningDb, ChecksLaunchLists) {
  auto nvrtc = [](nlohmann::json launch) {
    TuningRecord r = rec("fp", "sm_90", 1.5);
    r.code.mode = "nvrtc";
    r.code.entry = "k";
    r.code.launches = nlohmann::json::array({launch});
    return checkTuningRecord(r);
  };
  nlohmann::json good = {{"kernel", "k"}, {"grid", {4, 1, 1}}, {"block", {256, 1, 1}}, {"smem", 0},
                         {"args", {"in0", "out0"}}};
  EXPECT_EQ(nvrtc(good), "");
  auto with = [&](const char *field, nlohmann::json v) {
    nlohmann::json l = good;
    l[field] = v;
    return nvrtc(l);
  };
  EXPECT_NE(with("block", {2048, 1, 1}).find("'block[0]' = 2048"), std::string::npos);
  EXPECT_NE(with("block", {32, 32, 2}).find("more than 1024 threads"), std::string::npos);
  EXPECT_NE(with("grid", {0, 1, 1}).find("'grid[0]' = 0"), std::string::npos);
  EXPECT_NE(with("grid", {1.5, 1, 1}).find("not an array of 3 integers"), std::string::npos);
  EXPECT_NE(with("grid", "big").find("not an array of 3 integers"), std::string::npos);
  EXPECT_NE(with("smem", -1).find("'smem'"), std::string::npos);
  EXPECT_NE(with("args", {"in0", "/etc/passwd"}).find("is not inN or outN"), std::string::npos);
  EXPECT_NE(with("args", {"in0", 3}).find("is not inN or outN"), std::string::npos);
  EXPECT_NE(with("kernel", "k; rm").find("'kernel' is not a C identifier"), std::string::npos);
  EXPECT_NE(with("extra", 1).find("unknown field 'extra'"), std::string::npos);
  EXPECT_NE(nvrtc("not an object").find("not an object"), std::string::npos);
  TuningRecord none = rec("fp", "sm_90", 1.5);
  none.code.mode = "nvrtc";
  EXPECT_EQ(checkTuningRecord(none), "an nvrtc record has no launches");
  TuningRecord nvccWithLaunches = rec("fp", "sm_90", 1.5);
  nvccWithLaunches.code.launches = nlohmann::json::array({good});
  EXPECT_EQ(checkTuningRecord(nvccWithLaunches), "an nvcc record has a launch list");
}

TEST(SearchTuningDb, ChecksTheSlotSignature) {
  nlohmann::json sig = {{"inputs", {{{"shape", {4, 16}}, {"dtype", "float32"}, {"init", "normal"}}}},
                        {"outputs", {{{"shape", {4, 32}}, {"dtype", "float32"}}}}};
  TuningRecord r = rec("fp", "sm_90", 1.5);
  r.code.mode = "nvrtc";
  r.code.launches = {{{"kernel", "k"}, {"grid", {1, 1, 1}}, {"block", {32, 1, 1}}, {"args", {"in0", "out0"}}}};
  EXPECT_EQ(checkRecordSignature(r, sig), "");
  r.code.launches[0]["args"] = {"in0", "in1", "out0"};
  EXPECT_EQ(checkRecordSignature(r, sig), "launch 0 passes 'in1', the slot has 1 inputs and 1 outputs");
  r.code.launches[0]["args"] = {"in0", "out1"};
  EXPECT_NE(checkRecordSignature(r, sig).find("passes 'out1'"), std::string::npos);
  r.code.launches[0]["args"] = {"in0", "out0"};
  // The record's own signature must match (init hints do not count).
  r.signature = {{"inputs", {{{"shape", {4, 16}}, {"dtype", "float32"}}}},
                 {"outputs", {{{"shape", {4, 32}}, {"dtype", "float32"}}}}};
  EXPECT_EQ(checkRecordSignature(r, sig), "");
  r.signature["inputs"][0]["dtype"] = "float16";
  EXPECT_NE(checkRecordSignature(r, sig).find("the record was measured on signature"), std::string::npos);
}

TEST(SearchTuningDb, LoadRefusesHostileLinesAndKeepsTheRest) {
  std::string path = tempPath("hostile.jsonl");
  TuningRecord good = rec("fp1", "sm_90", 1.5, "good");
  TuningRecord claim = rec("fp2", "sm_90", 1.5, "claim");
  claim.speedup = 1e9;
  TuningRecord shadow = rec("fp1", "sm_90", 1.5, "shadow");
  shadow.speedup = 1e9; // would beat `good` if it were believed
  {
    std::ofstream out(path);
    out << toJson(good).dump() << "\n"
        << toJson(claim).dump() << "\n"
        << toJson(shadow).dump() << "\n"
        << std::string(100000, '[') << std::string(100000, ']') << "\n"
        << "{\"key\": {\"fingerprint\": 1}}\n";
  }
  TuningDb db(path);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.lookup(good.key)->code.source, "good") << "an inconsistent record cannot shadow a good one";
  EXPECT_FALSE(db.lookup(claim.key));
  ASSERT_TRUE(db.rejection(claim.key));
  EXPECT_NE(db.rejection(claim.key)->find("contradicts its own times"), std::string::npos);
  EXPECT_FALSE(db.rejection(good.key)) << "a good record under the key wins over a rejection";
  ASSERT_EQ(db.damagedLines().size(), 1u);
  EXPECT_NE(db.damagedLines()[0].find(path + ":4: ignoring line: JSON nested deeper than 32 levels"),
            std::string::npos)
      << db.damagedLines()[0];
  ASSERT_EQ(db.warnings().size(), 4u);
  EXPECT_NE(db.warnings()[0].find(path + ":2: ignoring record fp2/sm_90/13.0/2.11.0: speedup"), std::string::npos)
      << db.warnings()[0];
  EXPECT_NE(db.warnings()[3].find(path + ":5: ignoring record: tuning record: key lacks string"),
            std::string::npos)
      << db.warnings()[3];
}

TEST(SearchTuningDb, InsertAndImportRefuseInconsistentRecords) {
  TuningDb db;
  TuningRecord claim = rec("fp", "sm_90", 1.5);
  claim.speedup = 1e9;
  EXPECT_THROW(db.insert(claim), std::invalid_argument);
  nlohmann::json doc = {{"version", 1}, {"records", {toJson(claim), toJson(rec("fp2", "sm_90", 1.2))}}};
  EXPECT_EQ(db.importJson(doc), 1u);
  EXPECT_FALSE(db.lookup(claim.key));
  ASSERT_EQ(db.warnings().size(), 1u);
  EXPECT_NE(db.warnings()[0].find("records[0] fp/sm_90/13.0/2.11.0: not merged: speedup"), std::string::npos)
      << db.warnings()[0];
}

TEST(SearchTuningDb, VerifiedMarkRoundTripsAndReplaceAllRewrites) {
  std::string path = tempPath("verified.jsonl");
  TuningDb db(path);
  db.insert(rec("fp1", "sm_90", 1.5, "one"));
  db.insert(rec("fp2", "sm_90", 1.7, "two"));
  std::vector<TuningRecord> keep = {db.records()[0]};
  keep[0].verifiedOn = {{"gpu", "NVIDIA H100 80GB HBM3"}, {"arch", "sm_90a"}, {"date", "2026-12-06T17:00:00Z"}};
  keep[0].signature = {{"inputs", nlohmann::json::array()}, {"outputs", nlohmann::json::array()}};
  db.replaceAll(keep);
  TuningDb again(path);
  ASSERT_EQ(again.size(), 1u);
  TuningRecord r = again.records()[0];
  EXPECT_EQ(r.verifiedOn["gpu"], "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(r.signature, keep[0].signature);
  EXPECT_EQ(toJson(tuningRecordFromJson(toJson(r))), toJson(r));
  nlohmann::json bad = toJson(r);
  bad["verified_on"] = "yes";
  EXPECT_THROW(tuningRecordFromJson(bad), std::runtime_error);
  bad = toJson(r);
  bad["provenance"] = "x";
  EXPECT_THROW(tuningRecordFromJson(bad), std::runtime_error);
}

// The precision policy is part of the key: a kernel found under bf16 never
// serves an fp32 run; a stricter policy's record serves a relaxed run.
TEST(SearchTuningDb, PrecisionPolicyKeysRecords) {
  TuningDb db;
  TuningRecord strict = rec("fp", "sm_90", 1.2, "fp32-kernel");
  TuningRecord tf32 = rec("fp", "sm_90", 1.6, "tf32-kernel");
  tf32.key.precision = "tf32";
  TuningRecord bf16 = rec("fp", "sm_90", 1.4, "bf16-kernel");
  bf16.key.precision = "bf16";
  for (const TuningRecord &r : {strict, tf32, bf16})
    EXPECT_TRUE(db.insert(r));
  EXPECT_EQ(db.size(), 3u) << "one record per policy";
  EXPECT_EQ(bf16.key.toString(), "fp/sm_90/13.0/2.11.0/bf16");
  EXPECT_EQ(strict.key.toString(), "fp/sm_90/13.0/2.11.0") << "fp32 keys keep their old text";

  auto sources = [&](const std::string &policy) {
    TuningKey k = strict.key;
    k.precision = policy;
    std::vector<std::string> out;
    for (const TuningRecord &r : db.lookupAllowed(k))
      out.push_back(r.code.source);
    return out;
  };
  EXPECT_EQ(sources("fp32"), std::vector<std::string>{"fp32-kernel"});
  EXPECT_EQ(sources("tf32"), (std::vector<std::string>{"tf32-kernel", "fp32-kernel"}));
  // The policy's own record first, then the stricter ones fastest first.
  EXPECT_EQ(sources("bf16"), (std::vector<std::string>{"bf16-kernel", "tf32-kernel", "fp32-kernel"}));
  EXPECT_EQ(sources("fp16"), (std::vector<std::string>{"tf32-kernel", "fp32-kernel"}))
      << "a bf16 kernel does not serve fp16 (nor the other way round)";
  EXPECT_TRUE(sources("fp8").empty());

  // Seeds follow the same rule.
  TaskSpec task;
  task.fingerprint = "fp";
  TuningEnv env{"sm_90", "13.0", "2.11.0"};
  ASSERT_EQ(seedsFromTuningDb(db, {task}, env)[0].size(), 1u);
  EXPECT_EQ(seedsFromTuningDb(db, {task}, env)[0][0].code.source, "fp32-kernel");
  env.precision = "bf16";
  EXPECT_EQ(env.keyFor(task).precision, "bf16");
  EXPECT_EQ(seedsFromTuningDb(db, {task}, env)[0].size(), 3u);
}

TEST(SearchTuningDb, PrecisionTravelsInJsonOnlyWhenRelaxed) {
  TuningRecord strict = rec("fp", "sm_90", 1.2);
  EXPECT_FALSE(toJson(strict)["key"].contains("precision")) << "fp32 records keep their text";
  TuningRecord half = rec("fp", "sm_90", 1.2);
  half.key.precision = "fp16";
  nlohmann::json j = toJson(half);
  EXPECT_EQ(j["key"]["precision"], "fp16");
  EXPECT_EQ(tuningRecordFromJson(j).key.precision, "fp16");
  j["key"].erase("precision");
  EXPECT_EQ(tuningRecordFromJson(j).key.precision, "fp32") << "old records are fp32";
  j["key"]["precision"] = 16;
  EXPECT_THROW(tuningRecordFromJson(j), std::runtime_error);
  half.key.precision = "fp8";
  EXPECT_NE(checkTuningRecord(half).find("key precision 'fp8' is not fp32, tf32, bf16 or fp16"),
            std::string::npos)
      << checkTuningRecord(half);
}

TEST(SearchTuningDb, RecordsKeepTheWorkersToleranceAndErrors) {
  Candidate c;
  c.id = "c1";
  c.result.status = EvalStatus::Ok;
  c.result.candidateMs = 1;
  c.result.referenceMs = 2;
  c.result.details = {{"verify", {{"atol", 0.05}, {"rtol", 0.04}}},
                      {"max_abs_err_per_output", {0.001, "nan"}}};
  TuningKey key{"fp", "sm_90", "13.0", "2.11.0", "bf16"};
  TuningRecord r = makeTuningRecord(key, c);
  EXPECT_EQ(r.key.precision, "bf16");
  EXPECT_DOUBLE_EQ(r.provenance["tolerance"]["atol"].get<double>(), 0.05);
  EXPECT_DOUBLE_EQ(r.provenance["tolerance"]["rtol"].get<double>(), 0.04);
  EXPECT_EQ(r.provenance["maxAbsErrPerOutput"], nlohmann::json({0.001, "nan"}));
}

TEST(SearchTuningDb, RecordsKeepTheTf32NoiseOfATf32Reference) {
  Candidate c;
  c.id = "c1";
  c.result.status = EvalStatus::Ok;
  c.result.details = {{"verify",
                       {{"atol", 0.01},
                        {"rtol", 0.01},
                        {"reference_tf32", true},
                        {"tf32_noise_per_output", {0.02}},
                        {"atol_per_output", {0.06}}}}};
  TuningKey key{"fp", "sm_90", "13.0", "2.11.0", "fp32"};
  TuningRecord r = makeTuningRecord(key, c);
  EXPECT_EQ(r.provenance["referenceTf32"], true);
  EXPECT_EQ(r.provenance["tf32NoisePerOutput"], nlohmann::json({0.02}));
  EXPECT_EQ(r.provenance["atolPerOutput"], nlohmann::json({0.06}));
  EXPECT_DOUBLE_EQ(r.provenance["tolerance"]["atol"].get<double>(), 0.01) << "the request's atol stays the tolerance";
  // A strict reference adds nothing.
  c.result.details["verify"] = {{"atol", 0.01},
                                {"rtol", 0.01},
                                {"reference_tf32", false},
                                {"tf32_noise_per_output", {0.0}},
                                {"atol_per_output", {0.01}}};
  TuningRecord strict = makeTuningRecord(key, c);
  EXPECT_FALSE(strict.provenance.contains("referenceTf32"));
  EXPECT_FALSE(strict.provenance.contains("tf32NoisePerOutput"));
  EXPECT_FALSE(strict.provenance.contains("atolPerOutput"));
}
