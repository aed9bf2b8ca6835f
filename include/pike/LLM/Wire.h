// The three providers' wire formats: request bodies, URLs, auth headers, and
// reply parsing. Pure functions; the HTTP transport lives in Http.h.
#ifndef PIKE_LLM_WIRE_H
#define PIKE_LLM_WIRE_H

#include "pike/LLM/Types.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace pike::llm::wire {

std::string defaultBaseUrl(Provider p);
std::string defaultKeyEnv(Provider p);

/// `s` with every byte sequence that is not valid UTF-8 replaced by U+FFFD.
/// Compiler logs and clipped text may hold such bytes; JSON may not.
std::string toValidUtf8(const std::string &s);

/// The request body: never contains the API key (keys travel in headers only);
/// text is made valid UTF-8. (keys travel in headers only).
/// `maxTokensField` is the OpenAI field name for the output cap.
nlohmann::json requestBody(Provider p, const std::string &model, const ChatRequest &req,
                           const std::string &maxTokensField = "max_tokens");

/// Full URL for a base URL ("" = default), without trailing slash issues.
std::string endpointUrl(Provider p, const std::string &baseUrl, const std::string &model);

/// Auth and protocol headers. An empty key sends no auth header (local servers).
std::vector<std::pair<std::string, std::string>> headers(Provider p, const std::string &apiKey);

/// Parses a 200 reply body. Throws LLMError(Parse) naming the provider and the
/// body's head when it is not the provider's JSON or has no text.
ChatResponse parseReply(Provider p, const std::string &body);

/// The provider's error message in a non-200 body ("" when there is none).
std::string errorMessage(const std::string &body);

} // namespace pike::llm::wire

#endif
