// LLM agents that plug into the search driver: ProposalAgent (a Proposer) writes
// new kernels from the region and the chosen parents; FixAgent (a Fixer) repairs
// a kernel from its compiler log or mismatch report. Both are thread-safe and
// deterministic given the client's replies (the seed goes into the request).
#ifndef PIKE_LLM_AGENTS_H
#define PIKE_LLM_AGENTS_H

#include "pike/LLM/Client.h"
#include "pike/LLM/Template.h"
#include "pike/Search/Interfaces.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pike::llm {

struct AgentOptions {
  std::string promptDir;          // "" = <dataDir>/prompts
  std::string promptVersion = "v1";
  int maxPriorAttempts = 3;
  int maxLogChars = 12000;
  std::string entry = "pike_entry";

  AgentOptions() = default;
  explicit AgentOptions(const LLMOptions &o)
      : promptDir(o.promptDir), promptVersion(o.promptVersion), maxPriorAttempts(o.maxPriorAttempts),
        maxLogChars(o.maxLogChars) {}
};

/// Shared by both agents: loads system/abi templates, renders task sections,
/// asks the client and turns the reply into a Proposal.
class AgentBase {
public:
  AgentBase(std::shared_ptr<LLMClient> client, AgentOptions opts, const std::string &templateName);
  /// Spend of every call so far (thread-safe).
  search::Spend totalSpend() const;
  LLMClient &client() { return *client_; }

protected:
  std::map<std::string, std::string> taskValues(const search::TaskSpec &task) const;
  search::Proposal ask(const std::string &userPrompt, uint64_t seed, const std::string &origin,
                       const std::string &promptName);

  std::shared_ptr<LLMClient> client_;
  AgentOptions opts_;
  PromptTemplate system_;
  PromptTemplate user_;
  std::string abiText_;

private:
  mutable std::mutex mu_;
  search::Spend total_;
};

class ProposalAgent : public AgentBase, public search::Proposer {
public:
  /// Throws TemplateError / std::runtime_error when a template is missing.
  explicit ProposalAgent(std::shared_ptr<LLMClient> client, AgentOptions opts = {});

  search::Proposal propose(const search::TaskSpec &task, const std::vector<const search::Candidate *> &parents,
                           uint64_t seed) override;

  /// Known good kernels for a region fingerprint (tuning database, earlier
  /// runs); the best `maxPriorAttempts` that are not parents go in the prompt.
  /// Fixed before the search so proposals stay deterministic under parallel runs.
  void addPriorAttempts(const std::string &fingerprint, const std::vector<search::Candidate> &attempts);

  /// The user prompt propose() sends (for tests and --dry-run style tooling).
  std::string renderPrompt(const search::TaskSpec &task, const std::vector<const search::Candidate *> &parents) const;

private:
  mutable std::mutex priorMu_;
  std::map<std::string, std::vector<search::Candidate>> prior_;
};

class FixAgent : public AgentBase, public search::Fixer {
public:
  explicit FixAgent(std::shared_ptr<LLMClient> client, AgentOptions opts = {});

  search::Proposal fix(const search::TaskSpec &task, const search::Candidate &broken, uint64_t seed) override;
  std::string renderPrompt(const search::TaskSpec &task, const search::Candidate &broken) const;
};

/// Head and tail of a long log with a "[... N characters cut ...]" marker.
std::string clipMiddle(const std::string &text, size_t maxChars);

} // namespace pike::llm

#endif
