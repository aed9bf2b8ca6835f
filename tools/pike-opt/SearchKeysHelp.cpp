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
  // Each key is also an option of both search passes, described there (Passes.td,
  // SlotSearchPassOptions), so the names are all this list repeats.
  std::ostringstream os;
  size_t column = 0;
  for (const std::string &key : search::SearchOptions::keys()) {
    std::string name = kebab(key) == "db-path" ? "db-path (the passes' db=)" : kebab(key);
    if (column == 0) {
      os << "      " << name;
      column = 6 + name.size();
    } else if (column + name.size() + 2 > 80) {
      os << ",\n      " << name;
      column = 6 + name.size();
    } else {
      os << ", " << name;
      column += name.size() + 2;
    }
  }
  os << "\n";
  return os.str();
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
