#include "pike/LLM/Store.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace pike::llm {

namespace fs = std::filesystem;


std::string exchangeKey(Provider p, const std::string &model, const nlohmann::json &body,
                        std::optional<uint64_t> seed) {
  // nlohmann::json objects are std::map-backed, so dump() is canonical (sorted keys).
  std::string canon = std::string("pike-llm-exchange-v1\n") + toString(p) + "\n" + model + "\n" +
                      (seed ? std::to_string(*seed) : std::string("-")) + "\n" + body.dump();
  return sha256Hex(canon);
}

nlohmann::json exchangeJson(const std::string &key, Provider p, const std::string &model,
                            const nlohmann::json &body, const ChatResponse &resp) {
  return {{"version", 1},
          {"key", key},
          {"provider", toString(p)},
          {"model", model},
          {"request", body},
          {"response", {{"text", resp.text}, {"finishReason", resp.finishReason}}},
          {"usage", {{"promptTokens", resp.usage.promptTokens}, {"completionTokens", resp.usage.completionTokens}}},
          {"usd", resp.usd}};
}

std::string ExchangeStore::pathOf(const std::string &key) const { return (fs::path(dir_) / (key + ".json")).string(); }

std::optional<nlohmann::json> ExchangeStore::load(const std::string &key) const {
  std::string path = pathOf(key);
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::nullopt;
    throw LLMError(ErrorKind::Io, "cannot read " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("response") || !j["response"].is_object() ||
      !j["response"].contains("text") || !j["response"]["text"].is_string() || !j.contains("usage"))
    throw LLMError(ErrorKind::Io, "corrupt exchange file " + path + " (delete it to ask again)");
  return j;
}

void ExchangeStore::save(const std::string &key, const nlohmann::json &exchange) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw LLMError(ErrorKind::Io, "cannot create " + dir_ + ": " + ec.message());
  std::string path = pathOf(key);
  // Unique temp name per process and thread; rename() makes concurrent writers of
  // the same key safe (both write identical content).
  std::ostringstream tmp;
  tmp << path << ".tmp." << ::getpid() << "." << std::hash<std::thread::id>{}(std::this_thread::get_id());
  {
    std::ofstream out(tmp.str(), std::ios::trunc);
    out << exchange.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    out.flush();
    if (!out) throw LLMError(ErrorKind::Io, "cannot write " + tmp.str());
  }
  fs::rename(tmp.str(), path, ec);
  if (ec) {
    fs::remove(tmp.str(), ec);
    throw LLMError(ErrorKind::Io, "cannot rename into " + path);
  }
}

} // namespace pike::llm
