#include "SearchFakes.h"

#include <chrono>
#include <random>
#include <thread>

namespace pike::search::testing {

long tokenValue(const std::string &source, const std::string &name) {
  std::string key = " " + name + "=";
  size_t pos = (" " + source).find(key);
  if (pos == std::string::npos)
    return -1;
  return std::stol(source.substr(pos + key.size() - 1));
}

static void sleepMs(int ms) {
  if (ms > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

Proposal FakeProposer::propose(const TaskSpec &task, const std::vector<const Candidate *> &parents,
                               uint64_t seed) {
  sleepMs(delayMs);
  ProposerCall call{seed, {}, {}};
  long best = 0;
  for (const Candidate *p : parents) {
    call.parentIds.push_back(p->id);
    call.parentSpeedups.push_back(p->result.speedup());
    best = std::max(best, tokenValue(p->code.source, "x"));
  }
  Proposal out;
  out.origin = "fake-propose";
  out.spend = {1, 100, 50, usdPerCall};
  if ((seed >> 20) % 16 == 0) {
    out.failure = "fake proposer: no code block in the answer";
    std::lock_guard<std::mutex> l(mu_);
    calls_.push_back(call);
    return out;
  }
  long x = parents.empty() ? static_cast<long>(seed % 10) : best + static_cast<long>(seed % 7) - 2;
  if (x < 0)
    x = 0;
  long bug = alwaysBug ? 2 : static_cast<long>((seed >> 8) % 5);
  CandidateCode code;
  code.source = "kernel x=" + std::to_string(x) + " bug=" + std::to_string(bug) +
                " salt=" + std::to_string((seed >> 12) % 1000) + " task=" + task.regionName;
  code.knobs = {{"x", x}};
  out.code = code;
  call.source = code.source;
  std::lock_guard<std::mutex> l(mu_);
  calls_.push_back(call);
  return out;
}

std::vector<ProposerCall> FakeProposer::calls() const {
  std::lock_guard<std::mutex> l(mu_);
  return calls_;
}

int64_t FakeProposer::callCount() const {
  std::lock_guard<std::mutex> l(mu_);
  return static_cast<int64_t>(calls_.size());
}

Proposal FakeFixer::fix(const TaskSpec &, const Candidate &broken, uint64_t seed) {
  sleepMs(delayMs);
  {
    std::lock_guard<std::mutex> l(mu_);
    brokenIds_.push_back(broken.id);
  }
  Proposal out;
  out.origin = "fake-fix";
  out.spend = {1, 200, 80, usdPerCall};
  CandidateCode code = broken.code;
  if (fixEvery > 0 && seed % static_cast<uint64_t>(fixEvery) == 0) {
    size_t pos = code.source.find(" bug=");
    code.source = code.source.substr(0, pos) + " bug=0" + code.source.substr(code.source.find(' ', pos + 1));
  }
  code.source += " fix=" + std::to_string(seed % 100000);
  out.code = code;
  return out;
}

std::vector<std::string> FakeFixer::brokenIds() const {
  std::lock_guard<std::mutex> l(mu_);
  return brokenIds_;
}

int64_t FakeFixer::callCount() const {
  std::lock_guard<std::mutex> l(mu_);
  return static_cast<int64_t>(brokenIds_.size());
}

EvalResult FakeEvaluator::evaluate(const TaskSpec &, const CandidateCode &code) {
  int64_t n = count_++;
  sleepMs(delayMs);
  if (jitterMs > 0) {
    thread_local std::mt19937 rng(std::random_device{}());
    sleepMs(static_cast<int>(rng() % static_cast<unsigned>(jitterMs + 1)));
  }
  if (throwAfter >= 0 && n >= throwAfter)
    throw std::runtime_error("fake worker pool: all workers are gone");
  EvalResult r;
  long x = tokenValue(code.source, "x");
  long bug = tokenValue(code.source, "bug");
  r.compileMs = 100.0 + static_cast<double>(code.source.size());
  r.referenceMs = 10;
  if (code.source.find("timeout") != std::string::npos) {
    r.status = EvalStatus::Timeout;
    r.log = "killed after the deadline";
  } else if (x < 0 || bug == 2) {
    r.status = EvalStatus::CompileError;
    r.log = "kernel.cu(3): error: identifier \"tile\" is undefined";
  } else if (bug == 3) {
    r.status = EvalStatus::Incorrect;
    r.log = "output 0: max abs error 0.5 > atol 1e-2";
    r.maxAbsErr = 0.5;
  } else if (bug == 4) {
    r.status = EvalStatus::RuntimeError;
    r.log = "CUDA error: an illegal memory access was encountered";
  } else {
    r.status = EvalStatus::Ok;
    r.candidateMs = 10.0 / (1.0 + 0.125 * static_cast<double>(x));
  }
  return r;
}

std::vector<TaskSpec> fakeTasks(int n) {
  std::vector<TaskSpec> tasks;
  for (int i = 0; i < n; ++i) {
    TaskSpec t;
    t.regionName = "region_" + std::to_string(i);
    t.fingerprint = "fp" + std::to_string(1000 + i);
    t.pytorchCode = "def region(x): return torch.relu(x)";
    tasks.push_back(t);
  }
  return tasks;
}

SearchOptions crashTestOptions(const std::string &checkpoint) {
  SearchOptions o;
  o.budget = 40;
  o.islands = 3;
  o.eliteK = 3;
  o.parentsPerProposal = 2;
  o.generationSize = 4;
  o.migrationInterval = 6;
  o.migrants = 1;
  o.fixAttempts = 2;
  o.parallel = 3;
  o.seed = 7;
  o.checkpointPath = checkpoint;
  return o;
}

} // namespace pike::search::testing
