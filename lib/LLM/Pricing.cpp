#include "pike/LLM/Pricing.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pike::llm {

PriceTable PriceTable::load(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read LLM price table " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return fromJsonText(ss.str(), path);
}

PriceTable PriceTable::fromJsonText(const std::string &text, const std::string &name) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false, /*ignore_comments=*/true);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error(name + ": not a JSON object");
  if (!j.contains("models") || !j["models"].is_object()) throw std::runtime_error(name + ": no \"models\" object");
  PriceTable t;
  t.asOf_ = j.value("as_of", "");
  for (auto it = j["models"].begin(); it != j["models"].end(); ++it) {
    const nlohmann::json &e = it.value();
    if (!e.is_object() || !e.contains("input") || !e.contains("output") || !e["input"].is_number() ||
        !e["output"].is_number() || e["input"].get<double>() < 0 || e["output"].get<double>() < 0)
      throw std::runtime_error(name + ": model '" + it.key() +
                               "' needs non-negative numbers \"input\" and \"output\" (USD per 1M tokens)");
    t.prices_[it.key()] = Price{e["input"].get<double>(), e["output"].get<double>()};
  }
  return t;
}

std::optional<Price> PriceTable::find(const std::string &model) const {
  if (auto it = prices_.find(model); it != prices_.end()) return it->second;
  // Longest prefix: "gpt-4o-mini-2024-07-18" must match "gpt-4o-mini", not "gpt-4o".
  const std::string *best = nullptr;
  for (const auto &[k, v] : prices_)
    if (model.compare(0, k.size(), k) == 0 && (!best || k.size() > best->size())) best = &k;
  if (best) return prices_.at(*best);
  return std::nullopt;
}

} // namespace pike::llm
