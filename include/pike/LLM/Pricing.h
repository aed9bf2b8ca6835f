// Price table: USD per 1M input / output tokens per model (data/llm_prices.json).
#ifndef PIKE_LLM_PRICING_H
#define PIKE_LLM_PRICING_H

#include <map>
#include <optional>
#include <string>

namespace pike::llm {

struct Price {
  double inputPerM = 0;
  double outputPerM = 0;
  double cost(int64_t promptTokens, int64_t completionTokens) const {
    return (promptTokens * inputPerM + completionTokens * outputPerM) / 1e6;
  }
};

class PriceTable {
public:
  /// Loads {"as_of": "...", "models": {"<model>": {"input": x, "output": y}}}.
  /// Throws std::runtime_error naming the file and the bad entry.
  static PriceTable load(const std::string &path);
  static PriceTable fromJsonText(const std::string &text, const std::string &name);

  /// Exact name, else the longest table key that prefixes `model` (dated
  /// snapshots such as "claude-sonnet-4-5-20250929"), else nullopt.
  std::optional<Price> find(const std::string &model) const;
  const std::string &asOf() const { return asOf_; }
  size_t size() const { return prices_.size(); }

private:
  std::string asOf_;
  std::map<std::string, Price> prices_;
};

} // namespace pike::llm

#endif
