// Provider-neutral request/response types of the LLM clients, and their error.
// MLIR-free and torch-free.
#ifndef PIKE_LLM_TYPES_H
#define PIKE_LLM_TYPES_H

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pike::llm {

/// Wire formats we speak. OpenAI covers every OpenAI-compatible server
/// (vLLM, llama.cpp, Ollama, ...) through a configurable base URL.
enum class Provider { OpenAI, Anthropic, Gemini };
const char *toString(Provider p);
std::optional<Provider> parseProvider(const std::string &s); // "openai" | "anthropic" | "gemini"

struct Message {
  std::string role;    // "user" or "assistant"
  std::string content;
};

struct ChatRequest {
  std::string system;
  std::vector<Message> messages;
  int maxTokens = 8192;
  double temperature = 0.8;          // < 0: not sent (reasoning models refuse it)
  std::optional<uint64_t> seed;      // sent where the API has one; always part of the cache key
};

struct Usage {
  int64_t promptTokens = 0;
  int64_t completionTokens = 0;
};

/// Where a reply came from. A cache hit costs nothing; a replayed reply charges
/// what the recorded run was charged, so budgets and reports replay identically.
enum class ReplySource { Network, Cache, Replay };
const char *toString(ReplySource s);

struct ChatResponse {
  std::string text;
  std::string finishReason;   // provider's word: "stop", "length", "end_turn", "MAX_TOKENS", ...
  Usage usage;                // tokens billed by this call (zero when cached)
  double usd = 0;             // charged by this call (zero when cached)
  bool cached = false;        // from the cache, now or in the recorded run: no query, no cost
  ReplySource source = ReplySource::Network;
  std::string key;            // content hash of the request (cache / recording file name)
  int attempts = 0;           // HTTP attempts (0 for cache and replay)
};

enum class ErrorKind {
  Config,   // bad options, missing key variable, unknown model price under a dollar budget
  Http,     // non-retryable HTTP status, or retries exhausted
  Timeout,  // every attempt timed out
  Parse,    // the reply is not the provider's JSON
  Budget,   // dollar budget or query limit reached: the request was not sent
  Replay,   // the replay directory has no exchange for this request
  Io,       // cache / record / log file could not be read or written
};
const char *toString(ErrorKind k);

class LLMError : public std::runtime_error {
public:
  LLMError(ErrorKind kind, const std::string &msg) : std::runtime_error(msg), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

private:
  ErrorKind kind_;
};

} // namespace pike::llm

#endif
