// Options of the LLM clients and agents, parsed from "key=value,key=value" so a
// pass can forward one string option unchanged (like SearchOptions).
#ifndef PIKE_LLM_OPTIONS_H
#define PIKE_LLM_OPTIONS_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pike::llm {

struct LLMOptions {
  // Endpoint.
  std::string provider = "openai";   // openai | anthropic | gemini
  std::string model;                 // required
  std::string baseUrl;               // "" = provider default (OpenAI-compatible: ".../v1")
  std::string apiKeyEnv;             // "" = OPENAI_API_KEY / ANTHROPIC_API_KEY / GEMINI_API_KEY
  // Transport.
  double timeoutSec = 600;           // whole request, per attempt
  double connectTimeoutSec = 20;
  int retries = 4;                   // extra attempts after 429 / 408 / 5xx / timeout / connection error
  double backoffSec = 2;             // first retry delay; doubles per retry
  double maxBackoffSec = 60;
  double maxRetryAfterSec = 300;     // a longer Retry-After fails the request at once
  int concurrency = 4;               // requests in flight per client
  // Sampling.
  int maxTokens = 8192;
  double temperature = 0.8;          // < 0: not sent
  std::string maxTokensField = "max_tokens"; // OpenAI only; "max_completion_tokens" for reasoning models
  // Spend.
  double budgetUsd = 0;              // 0 = no dollar cap
  int64_t maxQueries = 0;            // 0 = no cap on requests sent (cache hits are free)
  std::string pricesPath;            // "" = <dataDir>/llm_prices.json
  double priceIn = -1;               // USD per 1M input tokens; >= 0 overrides the table
  double priceOut = -1;              // USD per 1M output tokens
  // Files.
  std::string cacheDir;              // content-addressed response cache
  std::string recordDir;             // write every exchange here (--llm-record)
  std::string replayDir;             // serve every exchange from here, never the network (--llm-replay)
  std::string logPath;               // JSONL line per attempt (no secrets, no prompts)
  // Agents.
  std::string promptDir;             // "" = <dataDir>/prompts
  std::string promptVersion = "v1";  // templates <name>.<version>.md
  int maxPriorAttempts = 3;          // best prior attempts shown to the proposer
  int maxLogChars = 12000;           // compiler log / mismatch report shown to the fixer

  static const std::vector<std::string> &keys();

  /// Parses "key=value,..." on top of the current values; values may be quoted
  /// with "..." to hold commas. Returns "" or an error naming the key; *this is
  /// unchanged on error.
  std::string parse(const std::string &text);
  /// "" when consistent, else an error naming the key.
  std::string validate() const;
  std::string toString() const;
  nlohmann::json toJson() const;
};

} // namespace pike::llm

#endif
