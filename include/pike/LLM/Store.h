// Content-addressed exchange files: the response cache and the record/replay
// directories share one format, <dir>/<key>.json, key = SHA-256 of the
// provider, the model and the normalized request body (no URL, no secrets).
#ifndef PIKE_LLM_STORE_H
#define PIKE_LLM_STORE_H

#include "pike/LLM/Types.h"
#include "pike/Support/Sha256.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace pike::llm {

using ::pike::sha256Hex;

/// Key of a request: the canonical (sorted-key) body plus the seed, which not
/// every API takes. The base URL is left out on purpose: a recording made
/// against one server replays against any other (or none).
std::string exchangeKey(Provider p, const std::string &model, const nlohmann::json &body,
                        std::optional<uint64_t> seed);

/// One exchange as stored: {"version":1,"key","provider","model","request",
/// "response":{"text","finishReason"},"usage":{"promptTokens","completionTokens"},"usd"}.
nlohmann::json exchangeJson(const std::string &key, Provider p, const std::string &model,
                            const nlohmann::json &body, const ChatResponse &resp);

class ExchangeStore {
public:
  explicit ExchangeStore(std::string dir) : dir_(std::move(dir)) {}
  const std::string &dir() const { return dir_; }
  std::string pathOf(const std::string &key) const;
  /// nullopt when absent; throws LLMError(Io) when present but unreadable or corrupt.
  std::optional<nlohmann::json> load(const std::string &key) const;
  /// Atomic (temp file + rename), creates the directory. Throws LLMError(Io).
  void save(const std::string &key, const nlohmann::json &exchange) const;

private:
  std::string dir_;
};

} // namespace pike::llm

#endif
