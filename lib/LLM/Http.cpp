#include "pike/LLM/Http.h"

#include <curl/curl.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <mutex>

namespace pike::llm {

namespace {

size_t onBody(char *ptr, size_t size, size_t nmemb, void *ud) {
  static_cast<std::string *>(ud)->append(ptr, size * nmemb);
  return size * nmemb;
}

std::string lower(std::string s) {
  for (char &c : s) c = (char)std::tolower((unsigned char)c);
  return s;
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

size_t onHeader(char *ptr, size_t size, size_t nmemb, void *ud) {
  auto *res = static_cast<HttpResult *>(ud);
  std::string line(ptr, size * nmemb);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = lower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    if (name == "retry-after") {
      if (auto s = parseRetryAfter(value)) res->retryAfterSec = *s;
    } else if (name == "retry-after-ms" && !res->retryAfterSec) {
      if (auto ms = parseRetryAfter(value)) res->retryAfterSec = *ms / 1000.0;
    }
  } else if (line.rfind("HTTP/", 0) == 0) {
    res->retryAfterSec.reset(); // a new response (after 100-continue): forget earlier headers
  }
  return size * nmemb;
}

} // namespace

std::optional<double> parseRetryAfter(const std::string &value) {
  std::string v = trim(value);
  if (v.empty()) return std::nullopt;
  char *end = nullptr;
  errno = 0;
  double d = std::strtod(v.c_str(), &end);
  if (*end || errno || !std::isfinite(d) || d < 0) return std::nullopt;
  return d;
}

HttpResult httpPost(const std::string &url, const std::vector<std::pair<std::string, std::string>> &headers,
                    const std::string &body, double timeoutSec, double connectTimeoutSec) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  HttpResult res;
  CURL *curl = curl_easy_init();
  if (!curl) {
    res.error = "curl_easy_init failed";
    return res;
  }
  curl_slist *hl = nullptr;
  for (const auto &[k, v] : headers) hl = curl_slist_append(hl, (k + ": " + v).c_str());
  hl = curl_slist_append(hl, "Expect:"); // no 100-continue round trip for large prompts
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.size());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &res);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)std::llround(timeoutSec * 1000));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)std::llround(connectTimeoutSec * 1000));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // required with threads
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, ""); // whatever curl supports
  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res.status);
  } else {
    res.timedOut = rc == CURLE_OPERATION_TIMEDOUT;
    res.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    res.status = 0;
  }
  curl_slist_free_all(hl);
  curl_easy_cleanup(curl);
  return res;
}

} // namespace pike::llm
