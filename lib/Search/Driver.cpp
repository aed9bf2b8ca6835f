#include "pike/Search/Driver.h"

#include "pike/Search/JsonlLog.h"
#include "pike/Search/Population.h"
#include "pike/Search/Random.h"
#include "pike/Search/Serialize.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace pike::search {

bool isFixable(EvalStatus s) {
  return s == EvalStatus::CompileError || s == EvalStatus::RuntimeError ||
         s == EvalStatus::Incorrect || s == EvalStatus::Rejected;
}

namespace {

using Clock = std::chrono::steady_clock;
enum class JobKind { Seed, Propose, Fix };

const char *kindName(JobKind k) {
  switch (k) {
  case JobKind::Seed: return "seed";
  case JobKind::Propose: return "propose";
  case JobKind::Fix: return "fix";
  }
  return "?";
}

int64_t countedQueries(const Spend &s) { return std::max<int64_t>(1, s.queries); }

void addSpend(Spend &into, const Spend &s) {
  into.queries += s.queries;
  into.promptTokens += s.promptTokens;
  into.completionTokens += s.completionTokens;
  into.usd += s.usd;
}

struct PendingFix {
  Candidate broken;
  int attempt = 0; // fixer calls already spent on this chain
};

// One query (or seed) plus its evaluation. Planned on the main thread from the
// population snapshot at the start of its generation; run on a pool thread;
// applied on the main thread in `seq` order.
struct Job {
  int64_t seq = 0;
  std::string key; // "t<task>:g<gen>:s<slot>", stable across resume
  int task = 0;
  int64_t gen = 0;
  JobKind kind = JobKind::Propose;
  int island = 0;
  uint64_t callSeed = 0;
  int64_t proposalIndex = 0;      // propose jobs: the task's proposal number
  std::vector<Candidate> parents; // copies: the population may change meanwhile
  PendingFix fix;
  SeedCode seed;

  // Replay from the checkpoint.
  const JsonlRecord *loggedProposal = nullptr;
  const JsonlRecord *loggedEval = nullptr;

  // Results.
  bool queried = false; // a proposer/fixer call happened (now or in the log)
  Proposal proposal;
  std::optional<Candidate> candidate;
  bool cached = false;
  bool replayed = false;
  std::string fatal;        // stops the run: evaluator exception or checkpoint I/O error
  std::string fatalReason;  // stopReason for it
  bool skipped = false;     // not launched: its task had used its time allotment
  bool done = false;
};

struct CacheEntry {
  EvalResult result;
  int64_t gen = 0;
};

struct TaskState {
  const TaskSpec *spec = nullptr;
  std::vector<Island> islands;
  std::vector<Candidate> failures;
  std::deque<PendingFix> pendingFixes;
  std::set<std::string> fixRequested;
  std::map<std::string, CacheEntry> cache; // guarded by Run::cacheMu
  int64_t nextProposal = 0;     // proposal index, planned
  int64_t proposalsApplied = 0;
  int64_t nextFixOrdinal = 0;
  double best = 0;
  double usedSec = 0;     // job-seconds so far; guarded by Run::doneMu
  bool exhausted = false; // planned nothing: query budget used, no fixes pending
  TaskOutcome out;
};

class ThreadPool {
public:
  explicit ThreadPool(int n) {
    for (int i = 0; i < n; ++i)
      threads_.emplace_back([this] { loop(); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> l(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    for (auto &t : threads_)
      t.join();
  }
  void submit(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> l(mu_);
      q_.push_back(std::move(f));
    }
    cv_.notify_one();
  }

private:
  void loop() {
    for (;;) {
      std::function<void()> f;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [this] { return quit_ || !q_.empty(); });
        if (q_.empty())
          return;
        f = std::move(q_.front());
        q_.pop_front();
      }
      f();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> q_;
  std::vector<std::thread> threads_;
  bool quit_ = false;
};

nlohmann::json searchIdentity(const SearchOptions &o) {
  // Options that shape the search; budgets, parallelism and paths may change
  // between a run and its resume.
  return {{"seed", o.seed},
          {"islands", o.islands},
          {"eliteK", o.eliteK},
          {"parentsPerProposal", o.parentsPerProposal},
          {"generationSize", o.generationSize},
          {"migrationInterval", o.migrationInterval},
          {"migrants", o.migrants},
          {"fixAttempts", o.fixAttempts}};
}

std::vector<std::string> idsOf(const std::vector<Candidate> &cs) {
  std::vector<std::string> ids;
  for (const Candidate &c : cs)
    ids.push_back(c.id);
  return ids;
}

class Run {
public:
  Run(const SearchOptions &o, Proposer &p, Fixer *f, Evaluator &e,
      const std::function<void(const ProgressInfo &)> &progress,
      const std::function<void(const Spend &)> &resume, int64_t jobLimit, std::atomic<bool> &stop,
      const std::vector<double> &allotments, const std::function<double()> &clock)
      : opts(o), proposer(p), fixer(f), evaluator(e), progress(progress), resume(resume),
        jobLimit(jobLimit), stop(stop), allotments(allotments), clock(clock), start(now()) {}

  SearchReport execute(const std::vector<TaskSpec> &specs, const std::vector<std::vector<SeedCode>> &seeds);

private:
  void openCheckpoint(const std::vector<TaskSpec> &specs, std::vector<std::vector<SeedCode>> &seeds);
  std::vector<std::unique_ptr<Job>> plan(int64_t gen, const std::vector<std::vector<SeedCode>> &seeds);
  void bindLog(Job &job);
  void work(Job &job);
  void doWork(Job &job);
  void apply(Job &job);
  bool mayLaunchNew(std::string &why);
  bool outOfTime(size_t task);
  double now() const {
    return clock ? clock() : std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
  }
  void report(bool final);
  void traceEvent(nlohmann::json ev);
  void writeTrace();
  std::string where(const JsonlRecord *r) const {
    return opts.checkpointPath + ":" + std::to_string(r ? r->line : 0);
  }

  const SearchOptions &opts;
  Proposer &proposer;
  Fixer *fixer;
  Evaluator &evaluator;
  const std::function<void(const ProgressInfo &)> &progress;
  const std::function<void(const Spend &)> &resume;
  int64_t jobLimit;
  std::atomic<bool> &stop;
  const std::vector<double> &allotments;
  const std::function<double()> &clock;

  std::vector<TaskState> tasks;
  SearchReport rep;
  JsonlWriter log;
  JsonlContents logged;
  std::map<std::string, const JsonlRecord *> loggedProposals, loggedEvals;
  std::mutex cacheMu;
  std::mutex doneMu;
  std::condition_variable doneCv;
  std::atomic<double> liveUsd{0};
  int64_t launchedNew = 0;
  int running = 0; // jobs on the pool; guarded by doneMu
  int64_t memberOrder = 0;
  int64_t seq = 0;
  int64_t generation = 0;
  double start = 0; // now() when the run began
  Clock::time_point lastTraceWrite = Clock::now();
  nlohmann::json trace = nlohmann::json::array();
};

// Reads the log (if any) and opens it for appending. A resumed run uses the
// seeds recorded in the header, not the ones passed in: the tuning database
// may have changed since, and replay must see the seeds the original run saw.
void Run::openCheckpoint(const std::vector<TaskSpec> &specs, std::vector<std::vector<SeedCode>> &seeds) {
  if (opts.checkpointPath.empty())
    return;
  logged = readJsonl(opts.checkpointPath);
  for (const std::string &w : logged.warnings) {
    std::cerr << "warning: " << w << "\n";
    rep.warnings.push_back(w);
  }
  nlohmann::json taskIds = nlohmann::json::array();
  for (const TaskSpec &t : specs)
    taskIds.push_back({{"region", t.regionName}, {"fingerprint", t.fingerprint}});
  nlohmann::json seedsJ = nlohmann::json::array();
  for (size_t t = 0; t < specs.size(); ++t) {
    nlohmann::json list = nlohmann::json::array();
    if (t < seeds.size())
      for (const SeedCode &sc : seeds[t])
        list.push_back({{"code", toJson(sc.code)}, {"origin", sc.origin}});
    seedsJ.push_back(list);
  }
  nlohmann::json header = {{"type", "header"}, {"version", 1}, {"search", searchIdentity(opts)},
                           {"tasks", taskIds}, {"seeds", seedsJ}};

  bool haveHeader = false;
  for (const JsonlRecord &r : logged.records) {
    const nlohmann::json &v = r.value;
    std::string type = v.is_object() ? v.value("type", "") : "";
    auto warn = [&](const std::string &why) {
      std::string w = where(&r) + ": ignoring record: " + why;
      std::cerr << "warning: " << w << "\n";
      rep.warnings.push_back(w);
    };
    if (type == "header") {
      if (v.value("version", 0) != 1)
        throw std::runtime_error(where(&r) + ": unsupported checkpoint version");
      if (v.value("search", nlohmann::json()) != header["search"])
        throw std::runtime_error(where(&r) + ": checkpoint was written by a search with " +
                                 v.value("search", nlohmann::json()).dump() + " but this run has " +
                                 header["search"].dump() + "; use another checkpointPath");
      if (v.value("tasks", nlohmann::json()) != taskIds)
        throw std::runtime_error(where(&r) + ": checkpoint was written for tasks " +
                                 v.value("tasks", nlohmann::json()).dump() + " but this run has " +
                                 taskIds.dump() + "; use another checkpointPath");
      nlohmann::json logged = v.value("seeds", nlohmann::json::array());
      if (logged != seedsJ) {
        try {
          std::vector<std::vector<SeedCode>> replayed;
          for (const auto &list : logged) {
            replayed.emplace_back();
            for (const auto &sc : list)
              replayed.back().push_back(SeedCode{codeFromJson(sc.at("code")), sc.value("origin", "seed")});
          }
          seeds = std::move(replayed);
        } catch (const std::exception &ex) {
          throw std::runtime_error(where(&r) + ": bad seeds in the checkpoint header: " + ex.what());
        }
        std::string w = where(&r) + ": resuming with the seeds recorded in the checkpoint, not the ones given";
        std::cerr << "warning: " << w << "\n";
        rep.warnings.push_back(w);
      }
      haveHeader = true;
    } else if (type == "proposal" || type == "eval") {
      if (!v.contains("job") || !v["job"].is_string()) {
        warn("no string 'job'");
        continue;
      }
      if (!haveHeader)
        throw std::runtime_error(where(&r) + ": job record before the checkpoint header");
      (type == "proposal" ? loggedProposals : loggedEvals)[v["job"].get<std::string>()] = &r;
    } else {
      warn("unknown record type '" + type + "'");
    }
  }
  log.open(opts.checkpointPath, static_cast<int64_t>(logged.validBytes), /*exclusive=*/true);
  if (!haveHeader)
    log.append(header);
}

std::vector<std::unique_ptr<Job>> Run::plan(int64_t gen, const std::vector<std::vector<SeedCode>> &seeds) {
  std::vector<std::unique_ptr<Job>> jobs;
  // Seeds get a generation of their own so the first proposals can build on them.
  bool seedGeneration = false;
  if (gen == 0)
    for (const auto &s : seeds)
      seedGeneration |= !s.empty();
  for (size_t t = 0; t < tasks.size(); ++t) {
    TaskState &ts = tasks[t];
    int slot = 0;
    auto make = [&](JobKind kind) {
      auto j = std::make_unique<Job>();
      j->task = static_cast<int>(t);
      j->gen = gen;
      j->kind = kind;
      j->key = "t" + std::to_string(t) + ":g" + std::to_string(gen) + ":s" + std::to_string(slot++);
      return j;
    };
    if (gen == 0 && t < seeds.size()) {
      for (size_t k = 0; k < seeds[t].size(); ++k) {
        auto j = make(JobKind::Seed);
        j->seed = seeds[t][k];
        j->island = static_cast<int>(k % static_cast<size_t>(opts.islands));
        jobs.push_back(std::move(j));
      }
    }
    if (seedGeneration)
      continue;
    // Checked every generation: time left unused by tasks out of queries may
    // bring a task that ran out back in.
    ts.out.outOfTime = outOfTime(t);
    if (ts.out.outOfTime)
      continue;
    int64_t slots = std::min<int64_t>(opts.generationSize, opts.budget - ts.out.queries);
    if (slots <= 0)
      ts.exhausted = true; // its query budget is used up
    while (slots > 0 && !ts.pendingFixes.empty()) {
      auto j = make(JobKind::Fix);
      j->fix = std::move(ts.pendingFixes.front());
      ts.pendingFixes.pop_front();
      j->island = j->fix.broken.island;
      j->callSeed = deriveSeed(opts.seed, {uint64_t(RngPurpose::FixerSeed), t, uint64_t(ts.nextFixOrdinal++)});
      jobs.push_back(std::move(j));
      --slots;
    }
    while (slots > 0) {
      auto j = make(JobKind::Propose);
      int64_t p = ts.nextProposal++;
      j->proposalIndex = p;
      j->island = static_cast<int>(p % opts.islands);
      std::mt19937_64 rng = deriveRng(opts.seed, {uint64_t(RngPurpose::SelectParents), t, uint64_t(p)});
      const Island &isl = ts.islands[j->island];
      for (size_t idx : selectParents(isl, opts.eliteK, opts.parentsPerProposal, rng))
        j->parents.push_back(isl[idx].candidate);
      j->callSeed = deriveSeed(opts.seed, {uint64_t(RngPurpose::ProposerSeed), t, uint64_t(p)});
      jobs.push_back(std::move(j));
      --slots;
    }
  }
  // Under a time budget every task's first job goes before any task's second. In
  // task order, a generation of up to generation-size multi-second candidates per
  // slot let the first slots use the wall clock up while the later ones never got
  // a candidate (ResNet-20 on an H100: 12 of 21 slots). The order stays a pure
  // function of the plan, so runs stay reproducible.
  if (!allotments.empty()) {
    std::vector<int64_t> ordinal(tasks.size(), 0);
    std::vector<std::pair<int64_t, std::unique_ptr<Job>>> ranked;
    for (auto &j : jobs) {
      int64_t k = ordinal[static_cast<size_t>(j->task)]++;
      ranked.emplace_back(k, std::move(j));
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (size_t i = 0; i < ranked.size(); ++i)
      jobs[i] = std::move(ranked[i].second);
  }
  for (auto &j : jobs)
    j->seq = seq++;
  return jobs;
}

// Attaches checkpoint records to a planned job and checks they describe the
// same decision; a mismatch means the log came from a different search.
void Run::bindLog(Job &job) {
  auto p = loggedProposals.find(job.key);
  auto e = loggedEvals.find(job.key);
  if (p != loggedProposals.end()) {
    const nlohmann::json &v = p->second->value;
    if (v.value("kind", "") != kindName(job.kind))
      throw std::runtime_error(where(p->second) + ": job " + job.key + " was a " + v.value("kind", "") +
                               " in the checkpoint but this run plans a " + kindName(job.kind) +
                               "; options or tasks differ from the original run");
    std::vector<std::string> want =
        job.kind == JobKind::Fix ? std::vector<std::string>{job.fix.broken.id} : idsOf(job.parents);
    if (v.value("parents", std::vector<std::string>{}) != want)
      throw std::runtime_error(where(p->second) + ": job " + job.key + " was proposed from parents " +
                               v.value("parents", nlohmann::json::array()).dump() +
                               " but this run selects " + nlohmann::json(want).dump() +
                               "; options or tasks differ from the original run");
    try {
      job.proposal.spend = spendFromJson(v.at("spend"));
      job.proposal.origin = v.value("origin", "");
      job.proposal.failure = v.value("failure", "");
      if (v.contains("code") && !v["code"].is_null())
        job.proposal.code = codeFromJson(v["code"]);
    } catch (const std::exception &ex) {
      throw std::runtime_error(where(p->second) + ": bad proposal record: " + ex.what());
    }
    job.loggedProposal = p->second;
    job.queried = true;
    job.replayed = true;
  }
  if (e != loggedEvals.end()) {
    if (job.kind != JobKind::Seed && !job.loggedProposal) {
      std::string w = where(e->second) + ": evaluation of " + job.key +
                      " has no proposal record; re-running the job";
      std::cerr << "warning: " << w << "\n";
      rep.warnings.push_back(w);
      return;
    }
    try {
      job.candidate = candidateFromJson(e->second->value.at("candidate"));
      job.cached = e->second->value.value("cached", false);
    } catch (const std::exception &ex) {
      throw std::runtime_error(where(e->second) + ": bad evaluation record: " + ex.what());
    }
    job.loggedEval = e->second;
    job.replayed = true;
  }
}

// Pool thread: the query (unless replayed) and the evaluation (unless replayed
// or cached). Touches only the job, the cache (locked) and the log (locked).
void Run::work(Job &job) {
  const double t0 = now();
  try {
    doWork(job);
  } catch (const std::exception &ex) {
    // Checkpoint I/O failed: a result we cannot record must not be used.
    job.candidate.reset();
    job.fatal = ex.what();
    job.fatalReason = "checkpoint_error";
  } catch (...) {
    job.candidate.reset();
    job.fatal = "unknown exception while running job " + job.key;
    job.fatalReason = "error";
  }
  {
    std::lock_guard<std::mutex> l(doneMu);
    tasks[job.task].usedSec += now() - t0;
    job.done = true;
    --running;
  }
  doneCv.notify_all();
}

void Run::doWork(Job &job) {
  const TaskState &ts = tasks[job.task];
  const TaskSpec &spec = *ts.spec;
  if (!job.loggedEval) {
    std::optional<CandidateCode> code;
    if (job.kind == JobKind::Seed) {
      code = job.seed.code;
    } else {
      if (!job.loggedProposal) {
        try {
          if (job.kind == JobKind::Propose) {
            std::vector<const Candidate *> ptrs;
            for (const Candidate &c : job.parents)
              ptrs.push_back(&c);
            job.proposal = proposer.propose(spec, ptrs, ProposalContext{job.callSeed, job.proposalIndex});
          } else {
            job.proposal = fixer->fix(spec, job.fix.broken, job.callSeed);
          }
        } catch (const std::exception &ex) {
          // Treated like an answer without code: it counts as a query (the
          // service may well have billed it) and the search goes on.
          job.proposal = Proposal{};
          job.proposal.failure = std::string(job.kind == JobKind::Fix ? "fixer" : "proposer") + " threw: " + ex.what();
        }
        job.queried = true;
        double cur = liveUsd.load();
        while (!liveUsd.compare_exchange_weak(cur, cur + job.proposal.spend.usd)) {
        }
        if (log.isOpen()) {
          std::vector<std::string> parents =
              job.kind == JobKind::Fix ? std::vector<std::string>{job.fix.broken.id} : idsOf(job.parents);
          log.append({{"type", "proposal"},
                      {"job", job.key},
                      {"kind", kindName(job.kind)},
                      {"task", job.task},
                      {"parents", parents},
                      {"origin", job.proposal.origin},
                      {"spend", toJson(job.proposal.spend)},
                      {"code", job.proposal.code ? toJson(*job.proposal.code) : nlohmann::json()},
                      {"failure", job.proposal.failure}});
        }
      }
      code = job.proposal.code;
    }
    if (code) {
      Candidate c;
      c.id = candidateId(spec.fingerprint, *code);
      c.code = *code;
      c.island = job.island;
      if (job.kind == JobKind::Seed) {
        c.origin = job.seed.origin;
      } else if (job.kind == JobKind::Propose) {
        c.origin = job.proposal.origin.empty() ? "propose" : job.proposal.origin;
        c.parents = idsOf(job.parents);
      } else {
        c.origin = job.proposal.origin.empty() ? "fix" : job.proposal.origin;
        c.parents = {job.fix.broken.id};
        c.fixDepth = job.fix.attempt + 1;
      }
      {
        // Only results of earlier generations count, so whether a job hits the
        // cache never depends on thread timing.
        std::lock_guard<std::mutex> l(cacheMu);
        auto it = ts.cache.find(c.id);
        if (it != ts.cache.end() && it->second.gen < job.gen) {
          c.result = it->second.result;
          job.cached = true;
        }
      }
      if (!job.cached) {
        try {
          c.result = evaluator.evaluate(spec, c.code);
        } catch (const std::exception &ex) {
          job.fatal = std::string("evaluator threw: ") + ex.what();
          job.fatalReason = "evaluator_error";
        }
      }
      if (job.fatal.empty()) {
        job.candidate = c;
        if (log.isOpen())
          log.append({{"type", "eval"}, {"job", job.key}, {"kind", kindName(job.kind)},
                      {"task", job.task}, {"cached", job.cached}, {"candidate", toJson(c)}});
      }
    }
  }
}

void Run::apply(Job &job) {
  if (job.skipped)
    return;
  TaskState &ts = tasks[job.task];
  TaskOutcome &out = ts.out;
  if (job.kind != JobKind::Seed) {
    addSpend(out.spend, job.proposal.spend);
    addSpend(rep.spend, job.proposal.spend);
    out.queries += countedQueries(job.proposal.spend);
    (job.kind == JobKind::Propose ? out.proposals : out.fixes) += 1;
    if (job.replayed)
      ++rep.replayedJobs;
    else
      ++rep.newQueries;
  } else if (job.replayed) {
    ++rep.replayedJobs;
  }

  nlohmann::json ev = {{"job", job.key}, {"task", job.task}, {"region", ts.spec->regionName},
                       {"kind", kindName(job.kind)}, {"replayed", job.replayed}};
  if (job.candidate) {
    Candidate &c = *job.candidate;
    c.island = job.island;
    if (job.cached)
      ++out.cacheHits;
    else
      ++out.evaluations;
    {
      std::lock_guard<std::mutex> l(cacheMu);
      ts.cache.emplace(c.id, CacheEntry{c.result, job.gen});
    }
    ev["candidate"] = c.id;
    ev["status"] = toString(c.result.status);
    ev["speedup"] = c.result.speedup();
    if (c.result.ok()) {
      if (job.kind == JobKind::Fix)
        ++out.fixed;
      Island &isl = ts.islands[job.island];
      bool present = std::any_of(isl.begin(), isl.end(), [&](const Member &m) { return m.candidate.id == c.id; });
      if (present) {
        ++out.duplicates;
      } else {
        isl.push_back(Member{c, memberOrder++});
        if (c.result.speedup() > ts.best) {
          ts.best = c.result.speedup();
          out.best = c;
        }
      }
    } else {
      out.failures.push_back(c);
      int attempt = job.kind == JobKind::Fix ? job.fix.attempt + 1 : 0;
      if (fixer && isFixable(c.result.status) && attempt < opts.fixAttempts &&
          ts.fixRequested.insert(c.id).second)
        ts.pendingFixes.push_back(PendingFix{c, attempt});
    }
  } else {
    ev["status"] = "no_code";
    ev["failure"] = job.proposal.failure;
    // A fixer that produced nothing used up one attempt on the same candidate.
    if (job.kind == JobKind::Fix && job.fix.attempt + 1 < opts.fixAttempts)
      ts.pendingFixes.push_back(PendingFix{job.fix.broken, job.fix.attempt + 1});
  }
  ev["queries"] = out.queries;
  ev["proposals"] = out.proposals;
  ev["best"] = ts.best;
  ev["usd"] = rep.spend.usd;
  traceEvent(std::move(ev));

  if (job.kind == JobKind::Propose) {
    ++ts.proposalsApplied;
    if (opts.migrationInterval > 0 && ts.proposalsApplied % opts.migrationInterval == 0) {
      for (const Migration &m : migrateRing(ts.islands, opts.migrants, memberOrder)) {
        ++out.migrations;
        traceEvent({{"kind", "migrate"}, {"task", job.task}, {"region", ts.spec->regionName},
                    {"from", m.from}, {"to", m.to}, {"candidate", m.candidateId},
                    {"queries", out.queries}, {"proposals", out.proposals}, {"best", ts.best},
                    {"usd", rep.spend.usd}});
      }
    }
  }
}

bool Run::mayLaunchNew(std::string &why) {
  if (stop) {
    why = "stopped";
    return false;
  }
  if (jobLimit >= 0 && launchedNew >= jobLimit) {
    why = "job_limit";
    return false;
  }
  if (opts.wallClockSec > 0 && now() - start >= opts.wallClockSec) {
    why = "wall_clock";
    return false;
  }
  if (opts.budgetUsd > 0 && liveUsd.load() >= opts.budgetUsd) {
    why = "usd_budget";
    return false;
  }
  return true;
}

// Allotment plus a share of what tasks that ran out of queries left unused,
// in proportion to the allotments of the tasks still searching.
bool Run::outOfTime(size_t t) {
  if (allotments.empty())
    return false;
  std::lock_guard<std::mutex> l(doneMu);
  double leftover = 0, active = 0;
  for (size_t j = 0; j < tasks.size(); ++j) {
    if (tasks[j].exhausted)
      leftover += std::max(0.0, allotments[j] - tasks[j].usedSec);
    else
      active += allotments[j];
  }
  double allowed = allotments[t] + (active > 0 ? leftover * allotments[t] / active : 0);
  return tasks[t].usedSec >= allowed;
}

void Run::report(bool final) {
  if (!progress)
    return;
  ProgressInfo p;
  p.queryBudget = opts.budget * static_cast<int64_t>(tasks.size());
  p.usd = rep.spend.usd;
  p.usdBudget = opts.budgetUsd;
  {
    std::lock_guard<std::mutex> l(doneMu);
    p.busy = running;
  }
  p.parallel = opts.parallel;
  p.generation = generation;
  p.elapsedSec = now() - start;
  p.final = final;
  for (const TaskState &ts : tasks) {
    p.queries += ts.out.queries;
    p.tasks.push_back({ts.spec->regionName, ts.out.queries, ts.out.evaluations, ts.best});
  }
  progress(p);
}

void Run::traceEvent(nlohmann::json ev) {
  ev["index"] = trace.size();
  ev["t"] = now() - start;
  trace.push_back(std::move(ev));
}

void Run::writeTrace() {
  if (opts.tracePath.empty())
    return;
  nlohmann::json tasksJ = nlohmann::json::array();
  for (const TaskState &ts : tasks)
    tasksJ.push_back({{"region", ts.spec->regionName}, {"fingerprint", ts.spec->fingerprint}, {"best", ts.best}});
  nlohmann::json doc = {{"version", 1}, {"options", opts.toJson()}, {"tasks", tasksJ},
                        {"events", trace}, {"stopReason", rep.stopReason}};
  try {
    writeFileAtomically(opts.tracePath, doc.dump(1) + "\n");
  } catch (const std::exception &e) {
    std::string w = std::string("cannot write trace: ") + e.what();
    std::cerr << "warning: " << w << "\n";
    rep.warnings.push_back(w);
  }
}

SearchReport Run::execute(const std::vector<TaskSpec> &specs, const std::vector<std::vector<SeedCode>> &seedsIn) {
  if (seedsIn.size() > specs.size())
    throw std::invalid_argument("search: more seed lists than tasks");
  std::vector<std::vector<SeedCode>> seeds = seedsIn;
  if (!allotments.empty() && allotments.size() != specs.size())
    throw std::invalid_argument("search: " + std::to_string(allotments.size()) +
                                " time allotments for " + std::to_string(specs.size()) + " tasks");
  tasks.resize(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    tasks[i].spec = &specs[i];
    tasks[i].islands.resize(opts.islands);
    tasks[i].out.regionName = specs[i].regionName;
    tasks[i].out.fingerprint = specs[i].fingerprint;
  }
  openCheckpoint(specs, seeds);
  // Replayed spend is known before launching, so the dollar check sees it, and
  // so do proposers with caps of their own (resume callback).
  Spend replayed;
  for (const auto &[key, rec] : loggedProposals) {
    try {
      if (rec->value.contains("spend"))
        addSpend(replayed, spendFromJson(rec->value["spend"]));
    } catch (const std::exception &) {
      // A malformed spend is reported, naming the line, when its job is bound.
    }
  }
  liveUsd = replayed.usd;
  if (resume)
    resume(replayed);

  ThreadPool pool(opts.parallel);
  std::string why;
  for (generation = 0;; ++generation) {
    std::vector<std::unique_ptr<Job>> jobs = plan(generation, seeds);
    if (jobs.empty()) {
      bool timedOut = std::any_of(tasks.begin(), tasks.end(), [](const TaskState &ts) { return ts.out.outOfTime; });
      rep.stopReason = timedOut ? "slot_time" : "budget";
      break;
    }
    for (auto &j : jobs)
      bindLog(*j);
    // If anything below throws (a progress callback, say), pool threads must be
    // done with this generation's jobs before `jobs` is destroyed.
    struct WaitIdle {
      Run &r;
      ~WaitIdle() {
        std::unique_lock<std::mutex> l(r.doneMu);
        r.doneCv.wait(l, [&] { return r.running == 0; });
      }
    } waitIdle{*this};
    auto isFree = [](const Job &j) { return j.loggedEval || (j.loggedProposal && !j.proposal.code); };
    size_t launched = 0, applied = 0;
    bool cut = false;
    while (applied < jobs.size()) {
      while (!cut && launched < jobs.size()) {
        Job &j = *jobs[launched];
        if (!isFree(j) && outOfTime(static_cast<size_t>(j.task))) {
          tasks[j.task].out.outOfTime = true;
          j.skipped = true;
          j.done = true;
        } else if (!isFree(j)) {
          {
            std::lock_guard<std::mutex> l(doneMu);
            if (running >= opts.parallel)
              break;
          }
          // Re-evaluating a logged proposal costs no dollars, so only the other
          // stops (user stop, wall clock, job limit) block it.
          if (!mayLaunchNew(why) && !(j.loggedProposal && why == "usd_budget")) {
            cut = true;
            break;
          }
          ++launchedNew;
          {
            std::lock_guard<std::mutex> l(doneMu);
            ++running;
          }
          pool.submit([this, &j] { work(j); });
        } else {
          j.done = true;
        }
        ++launched;
        report(false);
      }
      if (applied == launched)
        break; // cut with everything launched already applied
      Job &next = *jobs[applied];
      {
        // Wake when the next job in order is done, or a slot frees up for launching.
        std::unique_lock<std::mutex> l(doneMu);
        doneCv.wait(l, [&] {
          return next.done || (!cut && launched < jobs.size() && running < opts.parallel);
        });
        if (!next.done)
          continue;
      }
      if (!next.fatal.empty()) {
        rep.error = next.fatal;
        rep.stopReason = next.fatalReason;
        cut = true;
        // Jobs after it are logged (a resume re-evaluates them); wait for them
        // before their storage goes away.
        std::unique_lock<std::mutex> l(doneMu);
        doneCv.wait(l, [&] {
          for (size_t k = applied; k < launched; ++k)
            if (!jobs[k]->done)
              return false;
          return true;
        });
        break;
      }
      apply(next);
      ++applied;
      report(false);
    }
    rep.generations = generation + 1;
    // Rewriting the whole trace is O(events): keep it to every few seconds.
    if (std::chrono::duration<double>(Clock::now() - lastTraceWrite).count() >= 5) {
      writeTrace();
      lastTraceWrite = Clock::now();
    }
    if (cut) {
      if (rep.stopReason.empty())
        rep.stopReason = why;
      break;
    }
  }

  for (size_t t = 0; t < tasks.size(); ++t) {
    TaskState &ts = tasks[t];
    TaskOutcome &out = ts.out;
    out.timeAllottedSec = allotments.empty() ? 0 : allotments[t];
    out.timeUsedSec = ts.usedSec;
    std::vector<Candidate> all;
    for (const Island &isl : ts.islands) {
      std::vector<Candidate> members;
      for (const Member &m : isl) {
        members.push_back(m.candidate);
        all.push_back(m.candidate);
      }
      out.islands.push_back(std::move(members));
    }
    if (opts.objective2 != "none")
      out.pareto = paretoFront(all, opts.objective2);
    rep.tasks.push_back(std::move(out));
  }
  writeTrace();
  report(true);
  log.close();
  return rep;
}

nlohmann::json candidateSummary(const Candidate &c) {
  return {{"id", c.id},
          {"origin", c.origin},
          {"parents", c.parents},
          {"island", c.island},
          {"fixDepth", c.fixDepth},
          {"status", toString(c.result.status)},
          {"speedup", c.result.speedup()}};
}

} // namespace

nlohmann::json SearchReport::stateJson() const {
  nlohmann::json ts = nlohmann::json::array();
  for (const TaskOutcome &t : tasks) {
    nlohmann::json islandsJ = nlohmann::json::array();
    for (const auto &isl : t.islands) {
      nlohmann::json members = nlohmann::json::array();
      for (const Candidate &c : isl)
        members.push_back(candidateSummary(c));
      islandsJ.push_back(members);
    }
    nlohmann::json failuresJ = nlohmann::json::array();
    for (const Candidate &c : t.failures)
      failuresJ.push_back(candidateSummary(c));
    ts.push_back({{"region", t.regionName},
                  {"fingerprint", t.fingerprint},
                  {"best", t.best ? candidateSummary(*t.best) : nlohmann::json()},
                  {"islands", islandsJ},
                  {"failures", failuresJ},
                  {"pareto", idsOf(t.pareto)},
                  {"spend", pike::search::toJson(t.spend)},
                  {"queries", t.queries},
                  {"proposals", t.proposals},
                  {"fixes", t.fixes},
                  {"fixed", t.fixed},
                  {"evaluations", t.evaluations},
                  {"cacheHits", t.cacheHits},
                  {"duplicates", t.duplicates},
                  {"migrations", t.migrations}});
  }
  return {{"tasks", ts}, {"spend", pike::search::toJson(spend)}};
}

nlohmann::json SearchReport::toJson() const {
  nlohmann::json j = stateJson();
  j["generations"] = generations;
  j["replayedJobs"] = replayedJobs;
  j["newQueries"] = newQueries;
  j["stopReason"] = stopReason;
  j["error"] = error;
  j["warnings"] = warnings;
  nlohmann::json time = nlohmann::json::array();
  for (const TaskOutcome &t : tasks)
    time.push_back({{"region", t.regionName},
                    {"allottedSec", t.timeAllottedSec},
                    {"usedSec", t.timeUsedSec},
                    {"outOfTime", t.outOfTime}});
  j["time"] = time;
  return j;
}

SearchDriver::SearchDriver(SearchOptions options, Proposer &proposer, Fixer *fixer, Evaluator &evaluator)
    : opts_(std::move(options)), proposer_(proposer), fixer_(fixer), evaluator_(evaluator) {
  std::string err = opts_.validate();
  if (!err.empty())
    throw std::invalid_argument(err);
}

SearchReport SearchDriver::run(const std::vector<TaskSpec> &tasks, const std::vector<std::vector<SeedCode>> &seeds) {
  Run r(opts_, proposer_, fixer_, evaluator_, progress_, resume_, jobLimit_, stop_, allotments_, clock_);
  return r.execute(tasks, seeds);
}

} // namespace pike::search
