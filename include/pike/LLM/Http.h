// Minimal libcurl POST with timeouts; one easy handle per call, so it is
// thread-safe. Never logs headers (they carry the API key).
#ifndef PIKE_LLM_HTTP_H
#define PIKE_LLM_HTTP_H

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pike::llm {

struct HttpResult {
  long status = 0;                      // 0 when no HTTP reply arrived
  std::string body;
  std::optional<double> retryAfterSec;  // Retry-After (seconds) or retry-after-ms
  std::string error;                    // transport error, "" when a reply arrived
  bool timedOut = false;
};

HttpResult httpPost(const std::string &url, const std::vector<std::pair<std::string, std::string>> &headers,
                    const std::string &body, double timeoutSec, double connectTimeoutSec);

/// Parses a Retry-After value in seconds ("3", "1.5"); HTTP-dates are not
/// supported (nullopt: the caller's backoff applies).
std::optional<double> parseRetryAfter(const std::string &value);

} // namespace pike::llm

#endif
