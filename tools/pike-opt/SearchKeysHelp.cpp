#include "SearchKeysHelp.h"

#include "pike/Search/Options.h"
#ifdef PIKE_HAVE_LLM
#include "pike/LLM/Options.h"
#endif

#include <map>
#include <sstream>

namespace pike::tools {
namespace {

/// budgetUsd -> budget-usd: the spelling the pass options use (both parse).
std::string kebab(const std::string &key) {
  std::string out;
  for (char c : key) {
    if (c >= 'A' && c <= 'Z') {
      out += '-';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

std::string table(const std::vector<std::string> &keys,
                  const std::map<std::string, std::string> &meaning) {
  std::ostringstream os;
  for (const std::string &key : keys) {
    std::string name = kebab(key);
    os << "      " << name;
    for (size_t i = name.size(); i < 22; ++i)
      os << ' ';
    auto it = meaning.find(key);
    os << (it == meaning.end() ? std::string(kUndocumentedKey) : it->second) << "\n";
  }
  return os.str();
}

} // namespace

std::string searchKeysHelp() {
  // Defaults are SearchOptions' own; the passes' search= default overrides some.
  static const std::map<std::string, std::string> meaning = {
      {"budget", "proposals (queries) per slot, >= 1"},
      {"budgetUsd", "LLM dollars for the whole run; 0 = no cap"},
      {"islands", "independent populations per slot (ring migration between them)"},
      {"eliteK", "parents are drawn from an island's best K"},
      {"parentsPerProposal", "elites shown to one proposal (<= elite-k)"},
      {"generationSize", "proposals drawn from one population snapshot"},
      {"migrationInterval", "proposals per slot between migrations; 0 = never"},
      {"migrants", "best candidates an island sends to the next"},
      {"fixAttempts", "error-fix calls per broken candidate chain (LLM search)"},
      {"parallel", "jobs (proposal + evaluation) in flight"},
      {"seed", "random seed (same seed, same search)"},
      {"wallClockSec", "stop after this many seconds; 0 = no limit"},
      {"checkpointPath", "JSONL job log, resumed when it exists (default <work-dir>/checkpoint.jsonl)"},
      {"dbPath", "tuning database (the pass's db= option sets it)"},
      {"tracePath", "search trace JSON (default <work-dir>/trace.json)"},
      {"objective2", "tie-break between equally fast kernels: none, compile_ms or code_size"},
  };
  return table(search::SearchOptions::keys(), meaning);
}

std::string llmKeysHelp() {
#ifdef PIKE_HAVE_LLM
  static const std::map<std::string, std::string> meaning = {
      {"provider", "openai (or any OpenAI-compatible server), anthropic or gemini"},
      {"model", "model name (required), e.g. gpt-4.1"},
      {"baseUrl", "server URL (default: the provider's)"},
      {"apiKeyEnv", "environment variable holding the key (default OPENAI_API_KEY, ...)"},
      {"timeoutSec", "seconds per request attempt"},
      {"connectTimeoutSec", "seconds to connect"},
      {"retries", "extra attempts after 429/408/5xx/timeouts"},
      {"backoffSec", "first retry delay, doubled per retry"},
      {"maxBackoffSec", "longest retry delay"},
      {"maxRetryAfterSec", "a longer Retry-After fails the request at once"},
      {"concurrency", "requests in flight"},
      {"maxTokens", "output tokens per answer"},
      {"temperature", "sampling temperature; < 0: not sent"},
      {"maxTokensField", "max_tokens, or max_completion_tokens for reasoning models"},
      {"budgetUsd", "stop at this many dollars; 0 = no cap"},
      {"maxQueries", "stop after this many requests; 0 = no cap"},
      {"pricesPath", "price table (default share/pike/llm_prices.json)"},
      {"priceIn", "USD per 1M input tokens (overrides the table)"},
      {"priceOut", "USD per 1M output tokens (overrides the table)"},
      {"cacheDir", "content-addressed response cache"},
      {"recordDir", "record every exchange here (the pass's llm-record=, pike-opt --llm-record)"},
      {"replayDir", "serve every exchange from here, offline (llm-replay=, pike-opt --llm-replay)"},
      {"logPath", "JSONL line per request attempt (no prompts, no secrets)"},
      {"promptDir", "prompt templates (default share/pike/prompts)"},
      {"promptVersion", "template version: <name>.<version>.md"},
      {"maxPriorAttempts", "best prior attempts shown to the proposer"},
      {"maxLogChars", "compiler log / mismatch characters shown to the fixer"},
  };
  return table(llm::LLMOptions::keys(), meaning);
#else
  return "";
#endif
}

} // namespace pike::tools
