#include "pike/LLM/Agents.h"
#include "pike/Support/DataDir.h"
#include "pike/Support/DType.h"
#include "pike/LLM/Extract.h"
#include "pike/LLM/Wire.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace pike::llm {

using search::Candidate;
using search::Proposal;
using search::Spend;
using search::TaskSpec;

namespace {

std::string promptDirOf(const AgentOptions &o) {
  return o.promptDir.empty() ? dataDir() + "/prompts" : o.promptDir;
}

// A fence longer than any backtick run inside the code, so code cannot close it.
std::string fenced(const std::string &code, const std::string &lang) {
  size_t longest = 0, run = 0;
  for (char c : code) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<size_t>(3, longest + 1), '`');
  std::string body = code;
  if (body.empty() || body.back() != '\n') body += '\n';
  return fence + lang + "\n" + body + fence;
}

std::string fmtMs(double ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g ms", ms);
  return buf;
}

const char *abiDtype(const std::string &dt) {
  const DTypeInfo *d = dtypeFromAlias(dt);
  return d ? d->abiName : nullptr;
}

std::string renderSignature(const nlohmann::json &sig) {
  if (!sig.is_object() || (!sig.contains("inputs") && !sig.contains("outputs")))
    return sig.is_null() ? "(not given)" : sig.dump(2);
  std::ostringstream os;
  for (const char *side : {"inputs", "outputs"}) {
    if (!sig.contains(side) || !sig[side].is_array()) continue;
    int i = 0;
    for (const nlohmann::json &t : sig[side]) {
      os << "- " << side << "[" << i++ << "]: ";
      std::string dt = t.is_object() && t.contains("dtype") && t["dtype"].is_string() ? t["dtype"].get<std::string>() : "?";
      os << dt;
      if (t.is_object() && t.contains("shape")) os << " " << t["shape"].dump();
      if (const char *e = abiDtype(dt)) os << " (dtype " << e << ")";
      if (t.is_object() && t.contains("name") && t["name"].is_string()) os << ", " << t["name"].get<std::string>();
      os << "\n";
    }
  }
  return os.str();
}

std::string renderGpu(const nlohmann::json &gpu) {
  if (gpu.is_null() || gpu.empty()) return "Unknown; assume a recent NVIDIA data-centre GPU (sm_80 or newer).";
  if (!gpu.is_object()) return gpu.dump();
  std::ostringstream os;
  for (auto it = gpu.begin(); it != gpu.end(); ++it)
    os << "- " << it.key() << ": " << (it.value().is_string() ? it.value().get<std::string>() : it.value().dump())
       << "\n";
  return os.str();
}

std::string renderCandidate(const Candidate &c, const std::string &title) {
  std::ostringstream os;
  os << "### " << title << " `" << c.id << "`";
  if (!c.origin.empty()) os << " (" << c.origin << ")";
  os << "\n\n";
  if (c.result.ok()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2fx", c.result.speedup());
    os << "Correct. " << fmtMs(c.result.candidateMs) << " vs PyTorch " << fmtMs(c.result.referenceMs)
       << " (speedup " << buf << ").\n\n";
  } else {
    os << "Status: " << search::toString(c.result.status) << ".\n\n";
  }
  os << fenced(c.code.source, "cuda") << "\n";
  return os.str();
}

} // namespace

std::string clipMiddle(const std::string &text, size_t maxChars) {
  if (text.size() <= maxChars) return text;
  // Compiler logs put the first error at the top and the summary at the bottom.
  size_t keep = maxChars / 2;
  return text.substr(0, keep) + "\n[... " + std::to_string(text.size() - 2 * keep) + " characters cut ...]\n" +
         text.substr(text.size() - keep);
}

// ---------------------------------------------------------------- AgentBase

AgentBase::AgentBase(std::shared_ptr<LLMClient> client, AgentOptions opts, const std::string &templateName)
    : client_(std::move(client)), opts_(std::move(opts)) {
  if (!client_) throw std::invalid_argument("LLM agent needs a client");
  std::string dir = promptDirOf(opts_);
  system_ = PromptTemplate::load(promptPath(dir, "system", opts_.promptVersion));
  user_ = PromptTemplate::load(promptPath(dir, templateName, opts_.promptVersion));
  abiText_ = PromptTemplate::load(promptPath(dir, "abi", opts_.promptVersion)).render({{"entry", opts_.entry}});
}

Spend AgentBase::totalSpend() const {
  std::lock_guard<std::mutex> lk(mu_);
  return total_;
}

std::map<std::string, std::string> AgentBase::taskValues(const TaskSpec &task) const {
  return {{"region_name", task.regionName},
          {"pytorch_code", task.pytorchCode.empty() ? "# (not given)" : task.pytorchCode},
          {"ir_text", task.irText.empty() ? "// (not given)" : task.irText},
          {"signature", renderSignature(task.signature)},
          {"gpu", renderGpu(task.gpu)},
          {"abi", abiText_},
          {"entry", opts_.entry}};
}

Proposal AgentBase::ask(const std::string &userPrompt, uint64_t seed, const std::string &origin,
                        const std::string &promptName) {
  Proposal p;
  p.origin = origin;
  ChatRequest req;
  req.system = system_.render({{"abi", abiText_}, {"entry", opts_.entry}});
  req.messages.push_back({"user", userPrompt});
  req.maxTokens = client_->options().maxTokens;
  req.temperature = client_->options().temperature;
  req.seed = seed;

  ChatResponse r;
  try {
    r = client_->complete(req);
  } catch (const LLMError &e) {
    // A recorded failure, never a crash: the driver logs it and goes on.
    bool sent = e.kind() == ErrorKind::Http || e.kind() == ErrorKind::Timeout || e.kind() == ErrorKind::Parse;
    p.spend.queries = sent ? 1 : 0;
    p.failure = wire::toValidUtf8(std::string("llm ") + toString(e.kind()) + " error: " + e.what());
    std::lock_guard<std::mutex> lk(mu_);
    total_.queries += p.spend.queries;
    return p;
  }
  p.spend.queries = r.cached ? 0 : 1;
  p.spend.promptTokens = r.usage.promptTokens;
  p.spend.completionTokens = r.usage.completionTokens;
  p.spend.usd = r.usd;
  {
    std::lock_guard<std::mutex> lk(mu_);
    total_.queries += p.spend.queries;
    total_.promptTokens += p.spend.promptTokens;
    total_.completionTokens += p.spend.completionTokens;
    total_.usd += p.spend.usd;
  }

  Extraction ex = extractCode(r.text, opts_.entry);
  if (!ex.code) {
    p.failure = ex.failure;
    return p;
  }
  search::CandidateCode code;
  code.source = *ex.code;
  code.mode = "nvcc";
  code.entry = opts_.entry;
  code.knobs = {{"llm",
                 {{"provider", toString(client_->provider())},
                  {"model", client_->model()},
                  {"prompt", promptName + "." + opts_.promptVersion},
                  {"exchange", r.key},
                  {"extract", ex.how},
                  {"finishReason", r.finishReason}}}};
  p.code = std::move(code);
  return p;
}

// ---------------------------------------------------------------- ProposalAgent

ProposalAgent::ProposalAgent(std::shared_ptr<LLMClient> client, AgentOptions opts)
    : AgentBase(std::move(client), std::move(opts), "propose") {}

void ProposalAgent::addPriorAttempts(const std::string &fingerprint, const std::vector<Candidate> &attempts) {
  std::lock_guard<std::mutex> lk(priorMu_);
  auto &v = prior_[fingerprint];
  v.insert(v.end(), attempts.begin(), attempts.end());
}

std::string ProposalAgent::renderPrompt(const TaskSpec &task, const std::vector<const Candidate *> &parents) const {
  auto values = taskValues(task);
  std::set<std::string> parentIds;
  std::string ps;
  for (size_t i = 0; i < parents.size(); ++i) {
    parentIds.insert(parents[i]->id);
    ps += renderCandidate(*parents[i], "Parent " + std::to_string(i + 1)) + "\n";
  }
  values["parents"] = ps.empty() ? "None yet: this is the first kernel for this region. Write a correct, "
                                   "reasonably fast one.\n"
                                 : ps;
  std::vector<Candidate> prior;
  {
    std::lock_guard<std::mutex> lk(priorMu_);
    if (auto it = prior_.find(task.fingerprint); it != prior_.end())
      for (const Candidate &c : it->second)
        if (c.result.ok() && !parentIds.count(c.id)) prior.push_back(c);
  }
  // Best first; ties by id so the prompt does not depend on insertion order.
  std::sort(prior.begin(), prior.end(), [](const Candidate &a, const Candidate &b) {
    return a.result.speedup() != b.result.speedup() ? a.result.speedup() > b.result.speedup() : a.id < b.id;
  });
  prior.erase(std::unique(prior.begin(), prior.end(), [](const Candidate &a, const Candidate &b) { return a.id == b.id; }),
              prior.end());
  if (prior.size() > (size_t)opts_.maxPriorAttempts) prior.resize(opts_.maxPriorAttempts);
  std::string pr;
  for (size_t i = 0; i < prior.size(); ++i) pr += renderCandidate(prior[i], "Earlier kernel " + std::to_string(i + 1)) + "\n";
  values["prior_attempts"] = pr.empty() ? "None.\n" : pr;
  return user_.render(values);
}

Proposal ProposalAgent::propose(const TaskSpec &task, const std::vector<const Candidate *> &parents, uint64_t seed) {
  std::string prompt;
  try {
    prompt = renderPrompt(task, parents);
  } catch (const TemplateError &e) {
    Proposal p;
    p.origin = "llm-propose";
    p.failure = e.what();
    return p;
  }
  return ask(prompt, seed, "llm-propose", "propose");
}

// ---------------------------------------------------------------- FixAgent

FixAgent::FixAgent(std::shared_ptr<LLMClient> client, AgentOptions opts)
    : AgentBase(std::move(client), std::move(opts), "fix") {}

std::string FixAgent::renderPrompt(const TaskSpec &task, const Candidate &broken) const {
  auto values = taskValues(task);
  values["broken_code"] = fenced(broken.code.source, "cuda");
  values["fix_attempt"] = std::to_string(broken.fixDepth + 1);
  std::string status = search::toString(broken.result.status);
  if (broken.result.status == search::EvalStatus::Incorrect && broken.result.maxAbsErr > 0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " (max abs error %.4g)", broken.result.maxAbsErr);
    status += buf;
  }
  values["status"] = status;
  std::string log = broken.result.log.empty() ? "(the evaluator gave no log)" : broken.result.log;
  values["log"] = clipMiddle(log, (size_t)opts_.maxLogChars);
  return user_.render(values);
}

Proposal FixAgent::fix(const TaskSpec &task, const Candidate &broken, uint64_t seed) {
  std::string prompt;
  try {
    prompt = renderPrompt(task, broken);
  } catch (const TemplateError &e) {
    Proposal p;
    p.origin = "llm-fix";
    p.failure = e.what();
    return p;
  }
  return ask(prompt, seed, "llm-fix", "fix");
}

} // namespace pike::llm
