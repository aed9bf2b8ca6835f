// The contracts between the evolutionary search driver and what plugs into it:
// proposers (built-in or LLM agents), fixers (LLM error-fix agent) and evaluators
// (pike-worker pool, or a fake in CPU tests). MLIR-free and torch-free.
#ifndef PIKE_SEARCH_INTERFACES_H
#define PIKE_SEARCH_INTERFACES_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pike::search {

/// What a proposer must know about the region it rewrites. Rendered once by the
/// pass that owns the region; the driver passes it through unchanged.
struct TaskSpec {
  std::string regionName;        // symbol of the kernel slot, e.g. "region_3"
  std::string fingerprint;       // structural hash: ops, shapes, dtypes
  std::string pytorchCode;       // region rendered as PyTorch-like code
  std::string irText;            // region as pike IR
  nlohmann::json signature;      // {"inputs":[{shape,dtype}],"outputs":[...]}
  nlohmann::json gpu;            // device properties, may be empty
  std::string referencePath;     // TorchScript file of the region (worker reference)
};

/// A candidate kernel. `mode` is "nvrtc" (device-only, static launches) or "nvcc"
/// (host launcher with the C ABI of pike/Runtime/KernelABI.h).
struct CandidateCode {
  std::string source;
  std::string mode = "nvcc";
  std::string entry = "pike_entry";
  nlohmann::json launches = nlohmann::json::array(); // nvrtc only
  nlohmann::json knobs = nlohmann::json::object();   // proposer parameters
};

enum class EvalStatus { Ok, CompileError, RuntimeError, Incorrect, Timeout, Rejected };
const char *toString(EvalStatus s);
std::optional<EvalStatus> parseEvalStatus(const std::string &s);

struct EvalResult {
  EvalStatus status = EvalStatus::Rejected;
  std::string log;              // compiler log / mismatch report / rejection reason
  double candidateMs = 0;       // median
  double referenceMs = 0;       // median, same run
  double compileMs = 0;
  double maxAbsErr = 0;
  nlohmann::json details = nlohmann::json::object(); // everything else the worker said
  bool ok() const { return status == EvalStatus::Ok; }
  double speedup() const { return ok() && candidateMs > 0 ? referenceMs / candidateMs : 0; }
};

/// One evaluated member of a population.
struct Candidate {
  std::string id;                       // stable: hash of code + task
  std::vector<std::string> parents;
  std::string origin;                   // "builtin", "llm-propose", "llm-fix", ...
  int island = 0;
  int fixDepth = 0;                     // 0 for a proposal, n for the n-th fix
  CandidateCode code;
  EvalResult result;
};

/// The spend one call to a proposer or fixer cost (LLM tokens and dollars; zero for built-ins).
struct Spend {
  int64_t queries = 0;
  int64_t promptTokens = 0;
  int64_t completionTokens = 0;
  double usd = 0;
};

struct Proposal {
  std::optional<CandidateCode> code;    // nullopt: the proposer produced nothing usable
  std::string failure;                  // why, when code is empty
  std::string origin;
  Spend spend;
};

/// Where a proposal stands in its task's search. Both values come from the
/// driver's plan, so a resumed run passes the same ones for the same job, although
/// it does not ask again for the proposals it replays from the checkpoint.
struct ProposalContext {
  uint64_t seed = 0;  // derived from (search seed, task, index)
  int64_t index = 0;  // the task's proposal number: 0, 1, 2, ...
};

class Proposer {
public:
  virtual ~Proposer() = default;
  /// Propose a new candidate from the chosen parents (may be empty at the start).
  virtual Proposal propose(const TaskSpec &task, const std::vector<const Candidate *> &parents,
                           uint64_t seed) = 0;
  /// What the driver calls. A proposer whose answer depends on its place in the
  /// task's sequence (the built-in one walks its knob space) overrides this and
  /// reads `ctx.index`; counting its own calls instead would restart after a
  /// resume (replayed jobs are not asked again) and depend on thread timing when
  /// parallel > 1. The default is the seed-only form above.
  virtual Proposal propose(const TaskSpec &task, const std::vector<const Candidate *> &parents,
                           const ProposalContext &ctx) {
    return propose(task, parents, ctx.seed);
  }
};

class Fixer {
public:
  virtual ~Fixer() = default;
  /// Repair a candidate that failed to compile, crashed or was incorrect.
  virtual Proposal fix(const TaskSpec &task, const Candidate &broken, uint64_t seed) = 0;
};

class Evaluator {
public:
  virtual ~Evaluator() = default;
  /// Compile, verify and time. Must be thread-safe: the driver calls it from
  /// several threads at once when parallel > 1.
  virtual EvalResult evaluate(const TaskSpec &task, const CandidateCode &code) = 0;
};

} // namespace pike::search

#endif
