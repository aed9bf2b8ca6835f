#include "pike/LLM/Wire.h"

namespace pike::llm::wire {

using nlohmann::json;

std::string defaultBaseUrl(Provider p) {
  switch (p) {
  case Provider::OpenAI: return "https://api.openai.com/v1";
  case Provider::Anthropic: return "https://api.anthropic.com";
  case Provider::Gemini: return "https://generativelanguage.googleapis.com";
  }
  return "";
}

std::string defaultKeyEnv(Provider p) {
  switch (p) {
  case Provider::OpenAI: return "OPENAI_API_KEY";
  case Provider::Anthropic: return "ANTHROPIC_API_KEY";
  case Provider::Gemini: return "GEMINI_API_KEY";
  }
  return "";
}

std::string toValidUtf8(const std::string &s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) ok = ((unsigned char)s[i + k] >> 6) == 0x2;
    if (ok && len > 1) {
      // Reject overlong forms, surrogates and code points above U+10FFFF.
      uint32_t cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3f);
      ok = !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) && !(len == 4 && cp < 0x10000) &&
           !(cp >= 0xd800 && cp <= 0xdfff) && cp <= 0x10ffff;
    }
    if (ok) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

json requestBody(Provider p, const std::string &model, const ChatRequest &rawReq, const std::string &maxTokensField) {
  ChatRequest req = rawReq;
  req.system = toValidUtf8(req.system);
  for (Message &m : req.messages) m.content = toValidUtf8(m.content);
  json body;
  switch (p) {
  case Provider::OpenAI: {
    json msgs = json::array();
    if (!req.system.empty()) msgs.push_back({{"role", "system"}, {"content", req.system}});
    for (const Message &m : req.messages) msgs.push_back({{"role", m.role}, {"content", m.content}});
    body = {{"model", model}, {"messages", msgs}, {maxTokensField, req.maxTokens}};
    if (req.temperature >= 0) body["temperature"] = req.temperature;
    // 31 bits: the search's 64-bit seeds overflow OpenAI's int64 and llama.cpp's
    // uint32 fields; the cache key still uses the full seed.
    if (req.seed) body["seed"] = (int64_t)(*req.seed & 0x7fffffff);
    break;
  }
  case Provider::Anthropic: {
    json msgs = json::array();
    for (const Message &m : req.messages) msgs.push_back({{"role", m.role}, {"content", m.content}});
    body = {{"model", model}, {"messages", msgs}, {"max_tokens", req.maxTokens}};
    if (!req.system.empty()) body["system"] = req.system;
    if (req.temperature >= 0) body["temperature"] = req.temperature;
    // The Messages API has no seed; exchangeKey() still keys on it, so different
    // seeds are different exchanges for every provider.
    break;
  }
  case Provider::Gemini: {
    json contents = json::array();
    for (const Message &m : req.messages)
      contents.push_back({{"role", m.role == "assistant" ? "model" : "user"}, {"parts", {{{"text", m.content}}}}});
    json gen = {{"maxOutputTokens", req.maxTokens}};
    if (req.temperature >= 0) gen["temperature"] = req.temperature;
    if (req.seed) gen["seed"] = (int64_t)(*req.seed & 0x7fffffff); // the API takes an int32
    body = {{"contents", contents}, {"generationConfig", gen}};
    if (!req.system.empty()) body["systemInstruction"] = {{"parts", {{{"text", req.system}}}}};
    break;
  }
  }
  return body;
}

std::string endpointUrl(Provider p, const std::string &baseUrl, const std::string &model) {
  std::string base = baseUrl.empty() ? defaultBaseUrl(p) : baseUrl;
  while (!base.empty() && base.back() == '/') base.pop_back();
  switch (p) {
  case Provider::OpenAI: return base + "/chat/completions";
  case Provider::Anthropic: return base + "/v1/messages";
  case Provider::Gemini: return base + "/v1beta/models/" + model + ":generateContent";
  }
  return base;
}

std::vector<std::pair<std::string, std::string>> headers(Provider p, const std::string &apiKey) {
  std::vector<std::pair<std::string, std::string>> h = {{"Content-Type", "application/json"}};
  switch (p) {
  case Provider::OpenAI:
    if (!apiKey.empty()) h.emplace_back("Authorization", "Bearer " + apiKey);
    break;
  case Provider::Anthropic:
    if (!apiKey.empty()) h.emplace_back("x-api-key", apiKey);
    h.emplace_back("anthropic-version", "2023-06-01");
    break;
  case Provider::Gemini:
    // Header, not the ?key= query parameter: URLs end up in logs and error texts.
    if (!apiKey.empty()) h.emplace_back("x-goog-api-key", apiKey);
    break;
  }
  return h;
}

namespace {

std::string head(const std::string &s, size_t n = 200) {
  std::string h = s.substr(0, n);
  for (char &c : h)
    if (c == '\n' || c == '\r') c = ' ';
  return s.size() > n ? h + "..." : h;
}

[[noreturn]] void bad(Provider p, const std::string &why, const std::string &body) {
  throw LLMError(ErrorKind::Parse,
                 std::string(toString(p)) + " reply " + why + ": '" + head(body) + "'");
}

int64_t intAt(const json &j, const char *k) {
  return j.is_object() && j.contains(k) && j[k].is_number_integer() ? j[k].get<int64_t>() : 0;
}

} // namespace

ChatResponse parseReply(Provider p, const std::string &body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) bad(p, "is not JSON", body);
  if (!j.is_object()) bad(p, "is not a JSON object", body);
  ChatResponse r;
  switch (p) {
  case Provider::OpenAI: {
    if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty())
      bad(p, "has no choices", body);
    const json &c = j["choices"][0];
    const json msg = c.value("message", json::object());
    if (!msg.is_object() || !msg.contains("content")) bad(p, "has no message content", body);
    // A refusal or tool call leaves content null: an empty text, not a parse error.
    r.text = msg["content"].is_string() ? msg["content"].get<std::string>() : "";
    if (c.contains("finish_reason") && c["finish_reason"].is_string()) r.finishReason = c["finish_reason"];
    json u = j.value("usage", json::object());
    r.usage.promptTokens = intAt(u, "prompt_tokens");
    r.usage.completionTokens = intAt(u, "completion_tokens");
    break;
  }
  case Provider::Anthropic: {
    if (!j.contains("content") || !j["content"].is_array()) bad(p, "has no content array", body);
    for (const json &part : j["content"])
      if (part.is_object() && part.value("type", "") == "text" && part.contains("text") && part["text"].is_string())
        r.text += part["text"].get<std::string>();
    if (j.contains("stop_reason") && j["stop_reason"].is_string()) r.finishReason = j["stop_reason"];
    json u = j.value("usage", json::object());
    r.usage.promptTokens = intAt(u, "input_tokens") + intAt(u, "cache_read_input_tokens") +
                           intAt(u, "cache_creation_input_tokens");
    r.usage.completionTokens = intAt(u, "output_tokens");
    break;
  }
  case Provider::Gemini: {
    if (!j.contains("candidates") || !j["candidates"].is_array() || j["candidates"].empty())
      bad(p, "has no candidates", body);
    const json &c = j["candidates"][0];
    if (c.contains("content") && c["content"].is_object() && c["content"].contains("parts") &&
        c["content"]["parts"].is_array())
      for (const json &part : c["content"]["parts"])
        if (part.is_object() && part.contains("text") && part["text"].is_string() && !part.value("thought", false))
          r.text += part["text"].get<std::string>();
    if (c.contains("finishReason") && c["finishReason"].is_string()) r.finishReason = c["finishReason"];
    json u = j.value("usageMetadata", json::object());
    r.usage.promptTokens = intAt(u, "promptTokenCount");
    // Thinking tokens are billed as output.
    r.usage.completionTokens = intAt(u, "candidatesTokenCount") + intAt(u, "thoughtsTokenCount");
    break;
  }
  }
  return r;
}

std::string errorMessage(const std::string &body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error")) {
    const json &e = j["error"];
    if (e.is_string()) return e;
    if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"];
  }
  if (j.is_array() && !j.empty() && j[0].is_object() && j[0].contains("error")) // Gemini sometimes wraps in a list
    return errorMessage(j[0].dump());
  return head(body, 300);
}

} // namespace pike::llm::wire
