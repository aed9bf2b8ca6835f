#include <cctype>
#include "pike/LLM/Options.h"
#include "pike/LLM/Types.h"

#include <cerrno>
#include <climits>
#include <limits>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>
#include <unistd.h>

namespace pike::llm {

const char *toString(Provider p) {
  switch (p) {
  case Provider::OpenAI: return "openai";
  case Provider::Anthropic: return "anthropic";
  case Provider::Gemini: return "gemini";
  }
  return "?";
}

std::optional<Provider> parseProvider(const std::string &s) {
  if (s == "openai") return Provider::OpenAI;
  if (s == "anthropic") return Provider::Anthropic;
  if (s == "gemini") return Provider::Gemini;
  return std::nullopt;
}

const char *toString(ReplySource s) {
  switch (s) {
  case ReplySource::Network: return "network";
  case ReplySource::Cache: return "cache";
  case ReplySource::Replay: return "replay";
  }
  return "?";
}

const char *toString(ErrorKind k) {
  switch (k) {
  case ErrorKind::Config: return "config";
  case ErrorKind::Http: return "http";
  case ErrorKind::Timeout: return "timeout";
  case ErrorKind::Parse: return "parse";
  case ErrorKind::Budget: return "budget";
  case ErrorKind::Replay: return "replay";
  case ErrorKind::Io: return "io";
  }
  return "?";
}

namespace {

// One table drives parse, toString and toJson so they cannot drift apart.
struct Field {
  const char *key;
  std::function<std::string(LLMOptions &, const std::string &)> set; // "" or error
  std::function<nlohmann::json(const LLMOptions &)> get;
};

std::string setDouble(double &dst, const std::string &v) {
  char *end = nullptr;
  errno = 0;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end || errno || !std::isfinite(d))
    return "expects a number, got '" + v + "'";
  dst = d;
  return "";
}

template <typename I> std::string setInt(I &dst, const std::string &v) {
  char *end = nullptr;
  errno = 0;
  long long x = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end || errno || x < (long long)std::numeric_limits<I>::min() ||
      x > (long long)std::numeric_limits<I>::max())
    return "expects an integer, got '" + v + "'";
  dst = (I)x;
  return "";
}

#define STR(name) \
  Field{#name, [](LLMOptions &o, const std::string &v) { o.name = v; return std::string(); }, \
        [](const LLMOptions &o) { return nlohmann::json(o.name); }}
#define DBL(name) \
  Field{#name, [](LLMOptions &o, const std::string &v) { return setDouble(o.name, v); }, \
        [](const LLMOptions &o) { return nlohmann::json(o.name); }}
#define INT(name) \
  Field{#name, [](LLMOptions &o, const std::string &v) { return setInt(o.name, v); }, \
        [](const LLMOptions &o) { return nlohmann::json(o.name); }}

const std::vector<Field> &fields() {
  static const std::vector<Field> f = {
      STR(provider), STR(model), STR(baseUrl), STR(apiKeyEnv),
      DBL(timeoutSec), DBL(connectTimeoutSec), INT(retries), DBL(backoffSec), DBL(maxBackoffSec),
      DBL(maxRetryAfterSec), INT(concurrency),
      INT(maxTokens), DBL(temperature), STR(maxTokensField),
      DBL(budgetUsd), INT(maxQueries), STR(pricesPath), DBL(priceIn), DBL(priceOut),
      STR(cacheDir), STR(recordDir), STR(replayDir), STR(logPath),
      STR(promptDir), STR(promptVersion), INT(maxPriorAttempts), INT(maxLogChars),
  };
  return f;
}

// Splits "a=1,b="x,y"" into pairs; quotes protect commas, \" and \\ escape.
std::string splitPairs(const std::string &text, std::vector<std::pair<std::string, std::string>> &out) {
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && (text[i] == ' ' || text[i] == ',')) ++i;
    if (i >= n) break;
    size_t eq = text.find('=', i);
    size_t comma = text.find(',', i);
    if (eq == std::string::npos || (comma != std::string::npos && comma < eq))
      return "expected key=value at '" + text.substr(i, 40) + "'";
    // Pass-option spelling (base-url, record-dir) and C++ spelling (baseUrl) both work.
    std::string key;
    bool upper = false;
    for (char c : text.substr(i, eq - i)) {
      if (c == '-' || c == '_') { upper = true; continue; }
      key.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      upper = false;
    }
    while (!key.empty() && key.back() == ' ') key.pop_back();
    i = eq + 1;
    std::string val;
    if (i < n && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        char c = text[i++];
        if (c == '\\' && i < n) { val += text[i++]; continue; }
        if (c == '"') { closed = true; break; }
        val += c;
      }
      if (!closed) return "unterminated quote in value of '" + key + "'";
      while (i < n && text[i] == ' ') ++i;
      if (i < n && text[i] != ',') return "unexpected text after quoted value of '" + key + "'";
    } else {
      size_t end = text.find(',', i);
      if (end == std::string::npos) end = n;
      val = text.substr(i, end - i);
      while (!val.empty() && val.back() == ' ') val.pop_back();
      i = end;
    }
    out.emplace_back(key, val);
  }
  return "";
}

} // namespace

const std::vector<std::string> &LLMOptions::keys() {
  static const std::vector<std::string> k = [] {
    std::vector<std::string> r;
    for (const Field &f : fields()) r.push_back(f.key);
    return r;
  }();
  return k;
}

std::string LLMOptions::parse(const std::string &text) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (std::string err = splitPairs(text, pairs); !err.empty()) return "llm options: " + err;
  LLMOptions tmp = *this;
  for (auto &[k, v] : pairs) {
    const Field *f = nullptr;
    for (const Field &x : fields())
      if (k == x.key) f = &x;
    if (!f) return "llm options: unknown key '" + k + "'";
    if (std::string err = f->set(tmp, v); !err.empty()) return "llm options: '" + k + "' " + err;
  }
  *this = tmp;
  return "";
}

std::string LLMOptions::validate() const {
  if (!parseProvider(provider)) return "llm options: 'provider' must be openai, anthropic or gemini, got '" + provider + "'";
  if (model.empty()) return "llm options: 'model' is required";
  if (timeoutSec <= 0) return "llm options: 'timeoutSec' must be > 0";
  if (connectTimeoutSec <= 0) return "llm options: 'connectTimeoutSec' must be > 0";
  if (retries < 0) return "llm options: 'retries' must be >= 0";
  if (backoffSec < 0 || maxBackoffSec < 0 || maxRetryAfterSec < 0) return "llm options: backoff times must be >= 0";
  if (concurrency < 1) return "llm options: 'concurrency' must be >= 1";
  if (maxTokens < 1) return "llm options: 'maxTokens' must be >= 1";
  if (budgetUsd < 0) return "llm options: 'budgetUsd' must be >= 0";
  if (maxQueries < 0) return "llm options: 'maxQueries' must be >= 0";
  if ((priceIn >= 0) != (priceOut >= 0)) return "llm options: set both 'priceIn' and 'priceOut' or neither";
  if (maxTokensField != "max_tokens" && maxTokensField != "max_completion_tokens")
    return "llm options: 'maxTokensField' must be max_tokens or max_completion_tokens";
  if (!replayDir.empty() && !recordDir.empty() && replayDir == recordDir)
    return "llm options: 'recordDir' and 'replayDir' must differ";
  if (promptVersion.empty() || promptVersion.find('/') != std::string::npos)
    return "llm options: 'promptVersion' must be a plain name like v1";
  if (maxPriorAttempts < 0) return "llm options: 'maxPriorAttempts' must be >= 0";
  if (maxLogChars < 200) return "llm options: 'maxLogChars' must be >= 200";
  return "";
}

std::string LLMOptions::toString() const {
  std::ostringstream os;
  bool first = true;
  for (const Field &f : fields()) {
    nlohmann::json v = f.get(*this);
    std::string s;
    if (v.is_string()) {
      s = v.get<std::string>();
      if (s.find_first_of(",\"\\ ") != std::string::npos || s.empty()) {
        std::string q = "\"";
        for (char c : s) {
          if (c == '"' || c == '\\') q += '\\';
          q += c;
        }
        s = q + "\"";
      }
    } else {
      s = v.dump();
    }
    os << (first ? "" : ",") << f.key << "=" << s;
    first = false;
  }
  return os.str();
}

nlohmann::json LLMOptions::toJson() const {
  nlohmann::json j = nlohmann::json::object();
  for (const Field &f : fields()) j[f.key] = f.get(*this);
  return j;
}

} // namespace pike::llm
