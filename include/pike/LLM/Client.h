// The LLM client: one provider + model behind a thread-safe complete(), with
// replay / cache / record, a concurrency limit, retries with exponential
// backoff honouring Retry-After, and token/dollar accounting with a hard budget.
#ifndef PIKE_LLM_CLIENT_H
#define PIKE_LLM_CLIENT_H

#include "pike/LLM/Options.h"
#include "pike/LLM/Pricing.h"
#include "pike/LLM/Store.h"
#include "pike/LLM/Types.h"

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace pike::llm {

/// Spend of a whole run, per model; may be shared by several clients (say a
/// proposer model and a cheaper fixer model) so one budget covers both.
class Ledger {
public:
  struct Totals {
    int64_t queries = 0;          // requests sent (or replayed), refused ones excluded
    int64_t cacheHits = 0;
    int64_t promptTokens = 0;
    int64_t completionTokens = 0;
    double usd = 0;
  };

  Ledger(double budgetUsd = 0, int64_t maxQueries = 0) : budgetUsd_(budgetUsd), maxQueries_(maxQueries) {}

  /// Counts a query about to start, or throws LLMError(Budget) when the dollar
  /// budget is spent or the query limit reached. Queries already in flight may
  /// still end above the dollar budget (their cost is known only afterwards).
  void reserve(const std::string &model);
  void charge(const std::string &model, const Usage &u, double usd);
  void cacheHit(const std::string &model);

  bool exhausted() const;
  Totals total() const;
  std::map<std::string, Totals> perModel() const;
  nlohmann::json toJson() const; // {"total":{...},"models":{"<model>":{...}},"budgetUsd","maxQueries"}

private:
  mutable std::mutex mu_;
  double budgetUsd_;
  int64_t maxQueries_;
  Totals total_;
  std::map<std::string, Totals> models_;
};

class LLMClient {
public:
  /// Throws LLMError(Config) when the options do not validate, the key variable
  /// is unset or empty (unless replaying, or for an OpenAI-compatible server at
  /// a non-default base URL, which may need no key), or the model has no price
  /// while budgetUsd > 0. `ledger` defaults to a private one built from
  /// options.budgetUsd / maxQueries.
  explicit LLMClient(LLMOptions options, std::shared_ptr<Ledger> ledger = nullptr);
  ~LLMClient();
  LLMClient(const LLMClient &) = delete;
  LLMClient &operator=(const LLMClient &) = delete;

  /// Thread-safe. Order: replay dir (never the network), cache, network. Every
  /// reply is also written to the record dir and the cache when set. Throws
  /// LLMError; messages never contain the API key.
  ChatResponse complete(const ChatRequest &req);

  const LLMOptions &options() const { return opts_; }
  Provider provider() const { return provider_; }
  const std::string &model() const { return opts_.model; }
  Ledger &ledger() { return *ledger_; }
  std::shared_ptr<Ledger> sharedLedger() const { return ledger_; }
  /// The price in use (nullopt: unknown model, costs count as 0).
  std::optional<Price> price() const { return price_; }
  /// "openai gpt-4o at https://api.openai.com/v1" (never the key).
  std::string describe() const;
  /// Replaces every occurrence of the API key in `text`.
  std::string redact(std::string text) const;

private:
  ChatResponse sendWithRetries(const std::string &key, const nlohmann::json &body);
  void logLine(nlohmann::json line);
  void acquire();
  void release();

  LLMOptions opts_;
  Provider provider_;
  std::string apiKey_;
  std::string url_;
  std::optional<Price> price_;
  std::shared_ptr<Ledger> ledger_;
  std::optional<ExchangeStore> cache_, record_, replay_;
  std::mutex semMu_;
  std::condition_variable semCv_;
  int inFlight_ = 0;
  std::mutex logMu_;
  std::mutex recordMu_;
  std::set<std::string> recordedKeys_;       // written to recordDir by this client
  std::map<std::string, size_t> replayCount_; // times each key was replayed
};

} // namespace pike::llm

#endif
