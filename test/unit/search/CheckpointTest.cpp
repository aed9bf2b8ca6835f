#include "SearchFakes.h"

#include "pike/Search/Driver.h"
#include "pike/Search/JsonlLog.h"
#include "pike/Search/Serialize.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace pike::search;
using namespace pike::search::testing;

namespace {

std::string tempPath(const std::string &name) {
  std::string p = ::testing::TempDir() + "/pike-search-" + std::to_string(::getpid()) + "-" + name;
  std::remove(p.c_str());
  return p;
}

struct Reference {
  nlohmann::json state;
  int64_t proposerCalls = 0;
  int64_t fixerCalls = 0;
  std::multiset<uint64_t> proposerSeeds;
};

Reference uninterrupted(SearchOptions o) {
  o.checkpointPath.clear();
  FakeProposer p;
  FakeFixer f;
  FakeEvaluator e;
  SearchReport r = SearchDriver(o, p, &f, e).run(fakeTasks(2));
  Reference ref{r.stateJson(), p.callCount(), f.callCount(), {}};
  for (const ProposerCall &c : p.calls())
    ref.proposerSeeds.insert(c.seed);
  EXPECT_EQ(r.stopReason, "budget");
  return ref;
}

std::vector<std::string> readLines(const std::string &path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  return lines;
}

void writeRaw(const std::string &path, const std::string &content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

} // namespace

TEST(SearchCheckpoint, StopAndResumeEqualsUninterruptedRun) {
  std::string path = tempPath("resume.jsonl");
  SearchOptions o = crashTestOptions(path);
  Reference ref = uninterrupted(o);

  FakeProposer p1;
  FakeFixer f1;
  FakeEvaluator e;
  SearchDriver d1(o, p1, &f1, e);
  d1.setJobLimit(17);
  SearchReport r1 = d1.run(fakeTasks(2));
  EXPECT_EQ(r1.stopReason, "job_limit");
  EXPECT_EQ(p1.callCount() + f1.callCount(), 17);

  FakeProposer p2;
  FakeFixer f2;
  SearchDriver d2(o, p2, &f2, e);
  SearchReport r2 = d2.run(fakeTasks(2));
  EXPECT_EQ(r2.stopReason, "budget");
  EXPECT_EQ(r2.stateJson(), ref.state);
  EXPECT_EQ(r2.replayedJobs, 17);
  EXPECT_TRUE(r2.warnings.empty());
  // No query was asked twice: the two halves together are the reference's calls.
  EXPECT_EQ(p1.callCount() + p2.callCount(), ref.proposerCalls);
  EXPECT_EQ(f1.callCount() + f2.callCount(), ref.fixerCalls);
  std::multiset<uint64_t> seeds;
  for (const FakeProposer *p : {&p1, &p2})
    for (const ProposerCall &c : p->calls())
      seeds.insert(c.seed);
  EXPECT_EQ(seeds, ref.proposerSeeds);

  // Resuming a finished run replays everything and asks nothing.
  FakeProposer p3;
  FakeFixer f3;
  SearchReport r3 = SearchDriver(o, p3, &f3, e).run(fakeTasks(2));
  EXPECT_EQ(r3.stateJson(), ref.state);
  EXPECT_EQ(p3.callCount() + f3.callCount(), 0);
  EXPECT_EQ(r3.newQueries, 0);
}

// A proposer like the built-in one: it walks an ordered list of "knob settings"
// by the plan's proposal index, then mutates its first parent with the seed.
// Stateless, as ProposalContext asks; it records the indices it was asked for.
class KnobWalkProposer : public Proposer {
public:
  Proposal propose(const TaskSpec &task, const std::vector<const Candidate *> &parents,
                   uint64_t seed) override {
    return propose(task, parents, ProposalContext{seed, 0});
  }
  Proposal propose(const TaskSpec &task, const std::vector<const Candidate *> &parents,
                   const ProposalContext &ctx) override {
    {
      std::lock_guard<std::mutex> l(mu);
      indices.insert({task.regionName, ctx.index});
    }
    Proposal p;
    p.origin = "knob-walk";
    CandidateCode code;
    if (ctx.index < 6 || parents.empty())
      code.source = "kernel x=" + std::to_string(11 + (ctx.index % 6) * 3) + " knob=" +
                    std::to_string(ctx.index % 6);
    else
      code.source = "kernel x=" + std::to_string(tokenValue(parents.front()->code.source, "x") +
                                                  static_cast<long>(ctx.seed % 5)) +
                    " mutation=" + std::to_string(ctx.seed % 97);
    p.code = code;
    return p;
  }
  std::mutex mu;
  std::multiset<std::pair<std::string, int64_t>> indices;
};

TEST(SearchCheckpoint, PositionalProposerResumesAtItsPlannedIndex) {
  // The built-in proposer once counted its own calls; a resume (replayed jobs are
  // not asked again) restarted its knob walk at 0 and the runs diverged.
  std::string path = tempPath("knobwalk.jsonl");
  SearchOptions o = crashTestOptions(path);
  SearchOptions plain = o;
  plain.checkpointPath.clear();
  FakeEvaluator e;
  KnobWalkProposer ref;
  SearchReport whole = SearchDriver(plain, ref, nullptr, e).run(fakeTasks(2));
  ASSERT_EQ(whole.stopReason, "budget");

  KnobWalkProposer first, second;
  SearchDriver d1(o, first, nullptr, e);
  d1.setJobLimit(7);
  EXPECT_EQ(d1.run(fakeTasks(2)).stopReason, "job_limit");
  SearchReport resumed = SearchDriver(o, second, nullptr, e).run(fakeTasks(2));
  EXPECT_EQ(resumed.stateJson(), whole.stateJson());
  // Every index was asked exactly once over the two runs, as in the uninterrupted run.
  std::multiset<std::pair<std::string, int64_t>> both = first.indices;
  both.insert(second.indices.begin(), second.indices.end());
  EXPECT_EQ(both, ref.indices);
  EXPECT_EQ(first.indices.size(), 7u);
  EXPECT_EQ(ref.indices.count({"region_0", 0}), 1u);
  EXPECT_EQ(second.indices.count({"region_0", 0}), 0u) << "the resumed run restarted the walk";
}

TEST(SearchCheckpoint, ResumeCallbackGetsTheReplayedSpendBeforeAnyQuery) {
  // Proposers with spend caps of their own (the LLM client's ledger) learn what
  // was paid before the interruption, before they are asked anything.
  std::string path = tempPath("resumespend.jsonl");
  SearchOptions o = crashTestOptions(path);
  FakeEvaluator e;
  FakeProposer p1;
  FakeFixer f1;
  SearchDriver d1(o, p1, &f1, e);
  d1.setJobLimit(9);
  SearchReport first = d1.run(fakeTasks(2));
  ASSERT_EQ(first.stopReason, "job_limit");
  ASSERT_GT(first.spend.usd, 0);

  FakeProposer p2;
  FakeFixer f2;
  SearchDriver d2(o, p2, &f2, e);
  std::vector<Spend> seen;
  int64_t callsBefore = -1;
  d2.setResumeCallback([&](const Spend &s) {
    seen.push_back(s);
    callsBefore = p2.callCount() + f2.callCount();
  });
  d2.run(fakeTasks(2));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(callsBefore, 0);
  EXPECT_EQ(toJson(seen[0]), toJson(first.spend));

  // A fresh run reports nothing paid.
  std::string fresh = tempPath("freshspend.jsonl");
  FakeProposer p3;
  FakeFixer f3;
  SearchDriver d3(crashTestOptions(fresh), p3, &f3, e);
  std::vector<Spend> none;
  d3.setResumeCallback([&](const Spend &s) { none.push_back(s); });
  d3.setJobLimit(1);
  d3.run(fakeTasks(2));
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(toJson(none[0]), toJson(Spend{}));
}

TEST(SearchCheckpoint, ResumeWithLargerBudgetContinues) {
  std::string path = tempPath("grow.jsonl");
  SearchOptions o = crashTestOptions(path);
  o.budget = 20;
  FakeProposer p1;
  FakeFixer f1;
  FakeEvaluator e;
  SearchDriver(o, p1, &f1, e).run(fakeTasks(2));
  o.budget = 40;
  Reference ref = uninterrupted(o);
  FakeProposer p2;
  FakeFixer f2;
  SearchReport r = SearchDriver(o, p2, &f2, e).run(fakeTasks(2));
  EXPECT_EQ(r.stateJson(), ref.state);
  EXPECT_EQ(p1.callCount() + p2.callCount(), ref.proposerCalls);
}

TEST(SearchCheckpoint, TornLastLineIsIgnoredAndItsJobReEvaluatedNotReRequested) {
  std::string path = tempPath("torn.jsonl");
  SearchOptions o = crashTestOptions(path);
  o.parallel = 1;
  Reference ref = uninterrupted(o);

  FakeProposer p1;
  FakeFixer f1;
  FakeEvaluator e1;
  SearchDriver d1(o, p1, &f1, e1);
  d1.setJobLimit(9);
  d1.run(fakeTasks(2));
  // Cut the last record (an evaluation) in half, as a kill during write() would.
  std::vector<std::string> lines = readLines(path);
  ASSERT_NE(lines.back().find("\"type\":\"eval\""), std::string::npos);
  std::string content;
  for (size_t i = 0; i + 1 < lines.size(); ++i)
    content += lines[i] + "\n";
  content += lines.back().substr(0, lines.back().size() / 2);
  writeRaw(path, content);

  FakeProposer p2;
  FakeFixer f2;
  FakeEvaluator e2;
  SearchReport r = SearchDriver(o, p2, &f2, e2).run(fakeTasks(2));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find(path + ":" + std::to_string(lines.size()) + ": ignoring torn last line"),
            std::string::npos)
      << r.warnings[0];
  EXPECT_EQ(r.stateJson(), ref.state);
  EXPECT_EQ(p1.callCount() + p2.callCount(), ref.proposerCalls);
  EXPECT_EQ(f1.callCount() + f2.callCount(), ref.fixerCalls);
  // The log was repaired before appending: it reads back without warnings.
  EXPECT_TRUE(readJsonl(path).warnings.empty());
}

TEST(SearchCheckpoint, MalformedLineWarnsWithFileAndLine) {
  std::string path = tempPath("malformed.jsonl");
  SearchOptions o = crashTestOptions(path);
  Reference ref = uninterrupted(o);
  FakeProposer p1;
  FakeFixer f1;
  FakeEvaluator e;
  SearchDriver d1(o, p1, &f1, e);
  d1.setJobLimit(6);
  d1.run(fakeTasks(2));
  std::vector<std::string> lines = readLines(path);
  std::string content;
  for (size_t i = 0; i < lines.size(); ++i) {
    content += lines[i] + "\n";
    if (i == 2)
      content += "{\"type\": \"proposal\", garbage\n"; // becomes line 4
  }
  writeRaw(path, content);
  FakeProposer p2;
  FakeFixer f2;
  SearchReport r = SearchDriver(o, p2, &f2, e).run(fakeTasks(2));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find(path + ":4: ignoring malformed record"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(r.stateJson(), ref.state);
  EXPECT_EQ(p1.callCount() + p2.callCount(), ref.proposerCalls);
}

TEST(SearchCheckpoint, CheckpointOfAnotherSearchIsRefused) {
  std::string path = tempPath("other.jsonl");
  SearchOptions o = crashTestOptions(path);
  FakeProposer p;
  FakeFixer f;
  FakeEvaluator e;
  SearchDriver d(o, p, &f, e);
  d.setJobLimit(3);
  d.run(fakeTasks(2));
  o.seed += 1;
  try {
    SearchDriver(o, p, &f, e).run(fakeTasks(2));
    FAIL() << "resuming with another seed must fail";
  } catch (const std::runtime_error &ex) {
    std::string msg = ex.what();
    EXPECT_NE(msg.find(path + ":1:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"seed\""), std::string::npos) << msg;
  }
  o.seed -= 1;
  EXPECT_THROW(SearchDriver(o, p, &f, e).run(fakeTasks(3)), std::runtime_error);
}

TEST(SearchCheckpoint, ResumeAfterEvaluatorFailure) {
  std::string path = tempPath("evalfail.jsonl");
  SearchOptions o = crashTestOptions(path);
  Reference ref = uninterrupted(o);
  FakeProposer p1;
  FakeFixer f1;
  FakeEvaluator bad;
  bad.throwAfter = 10;
  SearchReport r1 = SearchDriver(o, p1, &f1, bad).run(fakeTasks(2));
  EXPECT_EQ(r1.stopReason, "evaluator_error");
  FakeProposer p2;
  FakeFixer f2;
  FakeEvaluator good;
  SearchReport r2 = SearchDriver(o, p2, &f2, good).run(fakeTasks(2));
  EXPECT_EQ(r2.stateJson(), ref.state);
  EXPECT_EQ(p1.callCount() + p2.callCount(), ref.proposerCalls);
  EXPECT_EQ(f1.callCount() + f2.callCount(), ref.fixerCalls);
}

// A real crash: the helper process is SIGKILLed mid-run, then resumed here.
TEST(SearchCheckpoint, SurvivesSigkill) {
  std::string path = tempPath("crash.jsonl");
  SearchOptions o = crashTestOptions(path);
  Reference ref = uninterrupted(o);

  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl(PIKE_SEARCH_CRASH_HELPER, PIKE_SEARCH_CRASH_HELPER, path.c_str(), "15", static_cast<char *>(nullptr));
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  size_t seen = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    seen = readJsonl(path).records.size();
    if (seen >= 15)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_GE(seen, 15u) << "helper wrote too little before the deadline";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the helper finished before it was killed; make it slower";

  JsonlContents log = readJsonl(path);
  int64_t loggedProposals = 0, loggedFixes = 0, loggedEvals = 0;
  std::set<std::string> jobs;
  for (const JsonlRecord &r : log.records) {
    std::string type = r.value.value("type", "");
    if (type == "proposal") {
      EXPECT_TRUE(jobs.insert(r.value["job"].get<std::string>()).second) << "job proposed twice";
      (r.value["kind"] == "fix" ? loggedFixes : loggedProposals) += 1;
    } else if (type == "eval" && !r.value.value("cached", false)) {
      ++loggedEvals;
    }
  }
  ASSERT_LT(loggedProposals + loggedFixes, ref.proposerCalls + ref.fixerCalls);

  FakeProposer p2;
  FakeFixer f2;
  FakeEvaluator e2;
  SearchReport r = SearchDriver(o, p2, &f2, e2).run(fakeTasks(2));
  EXPECT_EQ(r.stateJson(), ref.state) << "nothing lost";
  EXPECT_EQ(loggedProposals + p2.callCount(), ref.proposerCalls) << "nothing re-requested";
  EXPECT_EQ(loggedFixes + f2.callCount(), ref.fixerCalls) << "nothing re-requested";
  EXPECT_EQ(r.replayedJobs, loggedProposals + loggedFixes);
  // Every logged evaluation was reused: only unlogged jobs were evaluated again.
  int64_t evaluations = 0;
  nlohmann::json state = r.stateJson();
  for (const auto &t : state["tasks"])
    evaluations += t["evaluations"].get<int64_t>();
  EXPECT_EQ(e2.count(), evaluations - loggedEvals) << "logged evaluations " << loggedEvals << ", records " << log.records.size();

  // The finished log replays to the same state once more (no duplicate records).
  FakeProposer p3;
  FakeFixer f3;
  SearchReport again = SearchDriver(o, p3, &f3, e2).run(fakeTasks(2));
  EXPECT_EQ(again.stateJson(), ref.state);
  EXPECT_EQ(p3.callCount() + f3.callCount(), 0);
}

TEST(SearchCheckpoint, UnwritableCheckpointIsAClearError) {
  SearchOptions o = crashTestOptions("/nonexistent-dir-pike/ckpt.jsonl");
  FakeProposer p;
  FakeEvaluator e;
  try {
    SearchDriver(o, p, nullptr, e).run(fakeTasks(1));
    FAIL() << "expected an error";
  } catch (const std::runtime_error &ex) {
    EXPECT_NE(std::string(ex.what()).find("/nonexistent-dir-pike/ckpt.jsonl"), std::string::npos) << ex.what();
  }
  EXPECT_EQ(p.callCount(), 0);
}

TEST(SearchCheckpoint, TwoRunsCannotShareACheckpoint) {
  std::string path = tempPath("shared.jsonl");
  JsonlWriter other;
  other.open(path, -1, /*exclusive=*/true);
  SearchOptions o = crashTestOptions(path);
  FakeProposer p;
  FakeEvaluator e;
  try {
    SearchDriver(o, p, nullptr, e).run(fakeTasks(1));
    FAIL() << "expected an error";
  } catch (const std::runtime_error &ex) {
    EXPECT_NE(std::string(ex.what()).find("in use by another process"), std::string::npos) << ex.what();
  }
  EXPECT_EQ(p.callCount(), 0);
  other.close();
  SearchReport r = SearchDriver(o, p, nullptr, e).run(fakeTasks(1));
  EXPECT_EQ(r.stopReason, "budget");
}

TEST(SearchCheckpoint, ResumeUsesTheSeedsOfTheOriginalRun) {
  std::string path = tempPath("seeds.jsonl");
  SearchOptions o = crashTestOptions(path);
  SeedCode s1;
  s1.code.source = "kernel x=30 bug=0 salt=1";
  s1.origin = "tuning-db";
  std::vector<std::vector<SeedCode>> seeds = {{s1}, {}};

  SearchOptions plain = o;
  plain.checkpointPath.clear();
  FakeProposer pr;
  FakeFixer fr;
  FakeEvaluator e;
  nlohmann::json ref = SearchDriver(plain, pr, &fr, e).run(fakeTasks(2), seeds).stateJson();

  FakeProposer p1;
  FakeFixer f1;
  SearchDriver d1(o, p1, &f1, e);
  d1.setJobLimit(10);
  d1.run(fakeTasks(2), seeds);

  // Meanwhile the database learned a better kernel; the resume must not use it.
  SeedCode s2 = s1;
  s2.code.source = "kernel x=35 bug=0 salt=2";
  FakeProposer p2;
  FakeFixer f2;
  SearchReport r = SearchDriver(o, p2, &f2, e).run(fakeTasks(2), {{s2}, {s2}});
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find(path + ":1: resuming with the seeds recorded"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(r.stateJson(), ref);
  EXPECT_EQ(p1.callCount() + p2.callCount(), pr.callCount());
}
