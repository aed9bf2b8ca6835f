#include "pike/LLM/Client.h"
#include "pike/Support/DataDir.h"
#include "pike/LLM/Http.h"
#include "pike/LLM/Wire.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

namespace pike::llm {

using nlohmann::json;

// ---------------------------------------------------------------- Ledger

void Ledger::reserve(const std::string &model) {
  std::lock_guard<std::mutex> lk(mu_);
  if (budgetUsd_ > 0 && total_.usd >= budgetUsd_) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "LLM budget spent: $%.4f of $%.4f used; request to %s not sent", total_.usd,
                  budgetUsd_, model.c_str());
    throw LLMError(ErrorKind::Budget, buf);
  }
  if (maxQueries_ > 0 && total_.queries >= maxQueries_)
    throw LLMError(ErrorKind::Budget, "LLM query limit reached: " + std::to_string(total_.queries) + " of " +
                                          std::to_string(maxQueries_) + " queries used; request to " + model +
                                          " not sent");
  // Counted at start so concurrent requests cannot overshoot maxQueries.
  ++total_.queries;
  ++models_[model].queries;
}

void Ledger::charge(const std::string &model, const Usage &u, double usd) {
  std::lock_guard<std::mutex> lk(mu_);
  for (Totals *t : {&total_, &models_[model]}) {
    t->promptTokens += u.promptTokens;
    t->completionTokens += u.completionTokens;
    t->usd += usd;
  }
}

void Ledger::cacheHit(const std::string &model) {
  std::lock_guard<std::mutex> lk(mu_);
  ++total_.cacheHits;
  ++models_[model].cacheHits;
}

bool Ledger::exhausted() const {
  std::lock_guard<std::mutex> lk(mu_);
  return (budgetUsd_ > 0 && total_.usd >= budgetUsd_) || (maxQueries_ > 0 && total_.queries >= maxQueries_);
}

Ledger::Totals Ledger::total() const {
  std::lock_guard<std::mutex> lk(mu_);
  return total_;
}

std::map<std::string, Ledger::Totals> Ledger::perModel() const {
  std::lock_guard<std::mutex> lk(mu_);
  return models_;
}

static json totalsJson(const Ledger::Totals &t) {
  return {{"queries", t.queries},
          {"cacheHits", t.cacheHits},
          {"promptTokens", t.promptTokens},
          {"completionTokens", t.completionTokens},
          {"usd", t.usd}};
}

json Ledger::toJson() const {
  std::lock_guard<std::mutex> lk(mu_);
  json m = json::object();
  for (const auto &[k, v] : models_) m[k] = totalsJson(v);
  return {{"total", totalsJson(total_)}, {"models", m}, {"budgetUsd", budgetUsd_}, {"maxQueries", maxQueries_}};
}

// ---------------------------------------------------------------- LLMClient

namespace {

std::string promptHead(const json &body, size_t n = 160) {
  // The last user message is what differs between requests; show its start.
  std::string text;
  if (body.contains("messages") && body["messages"].is_array() && !body["messages"].empty()) {
    const json &m = body["messages"].back();
    if (m.contains("content") && m["content"].is_string()) text = m["content"];
  } else if (body.contains("contents") && body["contents"].is_array() && !body["contents"].empty()) {
    const json &c = body["contents"].back();
    if (c.contains("parts") && c["parts"].is_array() && !c["parts"].empty()) text = c["parts"][0].value("text", "");
  }
  std::string h;
  for (char c : text.substr(0, n)) h += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return text.size() > n ? h + "..." : h;
}

std::string nowIso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

} // namespace

LLMClient::LLMClient(LLMOptions options, std::shared_ptr<Ledger> ledger) : opts_(std::move(options)) {
  if (std::string err = opts_.validate(); !err.empty()) throw LLMError(ErrorKind::Config, err);
  provider_ = *parseProvider(opts_.provider);
  url_ = wire::endpointUrl(provider_, opts_.baseUrl, opts_.model);

  // A replay never touches the network, so it reads no key at all.
  if (opts_.replayDir.empty()) {
    std::string env = opts_.apiKeyEnv.empty() ? wire::defaultKeyEnv(provider_) : opts_.apiKeyEnv;
    const char *v = std::getenv(env.c_str());
    apiKey_ = v ? v : "";
    bool localOpenAI = provider_ == Provider::OpenAI && !opts_.baseUrl.empty() &&
                       opts_.baseUrl.find("api.openai.com") == std::string::npos;
    if (apiKey_.empty() && !localOpenAI)
      throw LLMError(ErrorKind::Config, "environment variable " + env + " is not set or empty: it must hold the " +
                                            toString(provider_) + " API key (apiKeyEnv=NAME picks another variable)");
  }

  if (opts_.priceIn >= 0) {
    price_ = Price{opts_.priceIn, opts_.priceOut};
  } else {
    std::string path = opts_.pricesPath;
    try {
      if (path.empty()) path = (std::filesystem::path(dataDir()) / "llm_prices.json").string();
      price_ = PriceTable::load(path).find(opts_.model);
    } catch (const std::exception &e) {
      throw LLMError(ErrorKind::Config, std::string("LLM price table: ") + e.what());
    }
    if (!price_ && opts_.budgetUsd > 0)
      throw LLMError(ErrorKind::Config, "no price for model '" + opts_.model + "' in " + path +
                                            ": a dollar budget needs one (add it there or set priceIn/priceOut)");
  }

  ledger_ = ledger ? std::move(ledger) : std::make_shared<Ledger>(opts_.budgetUsd, opts_.maxQueries);
  if (!opts_.cacheDir.empty()) cache_.emplace(opts_.cacheDir);
  if (!opts_.recordDir.empty()) record_.emplace(opts_.recordDir);
  if (!opts_.replayDir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(opts_.replayDir, ec))
      throw LLMError(ErrorKind::Config, "replay directory " + opts_.replayDir + " does not exist");
    replay_.emplace(opts_.replayDir);
  }
}

LLMClient::~LLMClient() = default;

std::string LLMClient::describe() const {
  return std::string(toString(provider_)) + " " + opts_.model + " at " +
         (opts_.baseUrl.empty() ? wire::defaultBaseUrl(provider_) : opts_.baseUrl);
}

std::string LLMClient::redact(std::string text) const {
  if (apiKey_.size() < 4) return text; // a 1-3 char "key" would shred ordinary text
  for (size_t p = text.find(apiKey_); p != std::string::npos; p = text.find(apiKey_, p + 10))
    text.replace(p, apiKey_.size(), "[REDACTED]");
  return text;
}

void LLMClient::acquire() {
  std::unique_lock<std::mutex> lk(semMu_);
  semCv_.wait(lk, [&] { return inFlight_ < opts_.concurrency; });
  ++inFlight_;
}

void LLMClient::release() {
  {
    std::lock_guard<std::mutex> lk(semMu_);
    --inFlight_;
  }
  semCv_.notify_one();
}

void LLMClient::logLine(json line) {
  if (opts_.logPath.empty()) return;
  line["time"] = nowIso();
  line["provider"] = toString(provider_);
  line["model"] = opts_.model;
  // replace: error texts quote server bodies, which may not be UTF-8.
  std::string text = redact(line.dump(-1, ' ', false, json::error_handler_t::replace)) + "\n";
  std::lock_guard<std::mutex> lk(logMu_);
  std::ofstream out(opts_.logPath, std::ios::app);
  out << text;
  // A log that cannot be written must not fail a paid request: it is diagnostics only.
}

static ChatResponse fromExchange(const json &ex) {
  ChatResponse r;
  r.text = ex["response"]["text"];
  r.finishReason = ex["response"].value("finishReason", "");
  r.usage.promptTokens = ex["usage"].value("promptTokens", (int64_t)0);
  r.usage.completionTokens = ex["usage"].value("completionTokens", (int64_t)0);
  r.usd = ex.value("usd", 0.0);
  return r;
}

ChatResponse LLMClient::complete(const ChatRequest &req) {
  json body = wire::requestBody(provider_, opts_.model, req, opts_.maxTokensField);
  std::string key = exchangeKey(provider_, opts_.model, body, req.seed);

  // Writes the exchange where asked; `cached` marks a reply that cost nothing,
  // so a replay of this recording charges exactly what this run did. A request
  // repeated within the run (a cache hit, or a second paid ask without cache)
  // is appended to "repeats" so the replay serves each occurrence as it was.
  auto keep = [&](const ChatResponse &r, const Usage &trueUsage, double trueUsd, bool cached, bool toCache) {
    ChatResponse full = r;
    full.usage = trueUsage;
    full.usd = trueUsd;
    json ex = exchangeJson(key, provider_, opts_.model, body, full);
    if (toCache && cache_) cache_->save(key, ex);
    if (record_) {
      ex["cached"] = cached;
      std::lock_guard<std::mutex> lk(recordMu_);
      if (recordedKeys_.insert(key).second) {
        record_->save(key, ex);
      } else {
        std::optional<json> prev = record_->load(key);
        if (!prev) throw LLMError(ErrorKind::Io, "recorded exchange " + record_->pathOf(key) + " disappeared");
        json occ = {{"response", ex["response"]}, {"usage", ex["usage"]}, {"usd", ex["usd"]}, {"cached", cached}};
        (*prev)["repeats"].push_back(occ);
        record_->save(key, *prev);
      }
    }
  };

  if (replay_) {
    std::optional<json> ex = replay_->load(key);
    if (!ex)
      throw LLMError(ErrorKind::Replay,
                     "replay: no recorded exchange " + key + ".json in " + replay_->dir() + " for " +
                         toString(provider_) + " " + opts_.model + (req.seed ? " seed " + std::to_string(*req.seed) : "") +
                         ", prompt starts \"" + promptHead(body) +
                         "\" (the prompt, templates, model or sampling options differ from the recorded run)");
    // The n-th ask of a request in this run gets the n-th recorded occurrence.
    size_t n;
    {
      std::lock_guard<std::mutex> lk(recordMu_);
      n = replayCount_[key]++;
    }
    const json *occ = &*ex;
    if (n > 0) {
      size_t repeats = ex->contains("repeats") && (*ex)["repeats"].is_array() ? (*ex)["repeats"].size() : 0;
      if (n - 1 >= repeats)
        throw LLMError(ErrorKind::Replay, "replay: exchange " + replay_->pathOf(key) + " was recorded " +
                                              std::to_string(repeats + 1) + " time(s); this run asks it again" +
                                              ", prompt starts \"" + promptHead(body) + "\"");
      occ = &(*ex)["repeats"][n - 1];
    }
    ChatResponse r = fromExchange(*occ);
    Usage trueUsage = r.usage;
    double trueUsd = r.usd;
    bool cached = occ->value("cached", false);
    if (cached) {
      ledger_->cacheHit(opts_.model);
      r.usage = {};
      r.usd = 0;
      r.cached = true;
    } else {
      ledger_->reserve(opts_.model); // budgets stop a replay where they stopped the recording
      ledger_->charge(opts_.model, r.usage, r.usd);
    }
    r.source = ReplySource::Replay;
    r.key = key;
    keep(r, trueUsage, trueUsd, cached, false);
    logLine({{"key", key}, {"source", "replay"}, {"usd", r.usd}});
    return r;
  }

  if (cache_) {
    if (std::optional<json> ex = cache_->load(key)) {
      ChatResponse r = fromExchange(*ex);
      Usage trueUsage = r.usage;
      double trueUsd = r.usd;
      r.usage = {};
      r.usd = 0;
      r.source = ReplySource::Cache;
      r.cached = true;
      r.key = key;
      ledger_->cacheHit(opts_.model);
      keep(r, trueUsage, trueUsd, true, false);
      logLine({{"key", key}, {"source", "cache"}});
      return r;
    }
  }

  ledger_->reserve(opts_.model);
  ChatResponse r = sendWithRetries(key, body);
  r.usd = price_ ? price_->cost(r.usage.promptTokens, r.usage.completionTokens) : 0;
  r.source = ReplySource::Network;
  r.key = key;
  ledger_->charge(opts_.model, r.usage, r.usd);
  keep(r, r.usage, r.usd, false, true);
  logLine({{"key", key},
           {"source", "network"},
           {"attempts", r.attempts},
           {"promptTokens", r.usage.promptTokens},
           {"completionTokens", r.usage.completionTokens},
           {"usd", r.usd},
           {"finishReason", r.finishReason}});
  return r;
}

ChatResponse LLMClient::sendWithRetries(const std::string &key, const json &body) {
  const std::string payload = body.dump();
  const auto hdrs = wire::headers(provider_, apiKey_);
  const int maxAttempts = opts_.retries + 1;
  std::string last;
  bool allTimeouts = true;
  for (int attempt = 1; attempt <= maxAttempts; ++attempt) {
    acquire();
    auto t0 = std::chrono::steady_clock::now();
    HttpResult h = httpPost(url_, hdrs, payload, opts_.timeoutSec, opts_.connectTimeoutSec);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    release();

    if (h.status == 200) {
      try {
        ChatResponse r = wire::parseReply(provider_, h.body);
        r.attempts = attempt;
        return r;
      } catch (const LLMError &e) {
        // Not retried: a server answering 200 with garbage rarely recovers, and
        // each retry may be billed.
        std::string msg = wire::toValidUtf8(redact(describe() + ": " + e.what()));
        logLine({{"key", key}, {"attempt", attempt}, {"status", 200}, {"ms", ms}, {"error", msg}});
        throw LLMError(ErrorKind::Parse, msg);
      }
    }
    bool retryable;
    if (h.status == 0) {
      retryable = true;
      char buf[64];
      std::snprintf(buf, sizeof buf, "timed out after %.1f s", opts_.timeoutSec);
      last = h.timedOut ? std::string(buf) : "connection error: " + h.error;
    } else {
      retryable = h.status == 408 || h.status == 429 || h.status >= 500;
      last = "HTTP " + std::to_string(h.status) + ": " + wire::errorMessage(h.body);
    }
    if (!h.timedOut) allTimeouts = false;
    last = wire::toValidUtf8(redact(last)); // error texts end up in JSON (logs, checkpoints)
    logLine({{"key", key}, {"attempt", attempt}, {"status", h.status}, {"ms", ms}, {"error", last}});
    if (!retryable) throw LLMError(ErrorKind::Http, describe() + ": " + last);
    if (attempt == maxAttempts) break;

    double delay = std::min(opts_.maxBackoffSec, opts_.backoffSec * std::pow(2.0, attempt - 1));
    if (h.retryAfterSec) {
      if (*h.retryAfterSec > opts_.maxRetryAfterSec) {
        char buf[160];
        std::snprintf(buf, sizeof buf, " (server asked to retry after %.0f s, more than maxRetryAfterSec=%.0f)",
                      *h.retryAfterSec, opts_.maxRetryAfterSec);
        throw LLMError(ErrorKind::Http, describe() + ": " + last + buf);
      }
      delay = *h.retryAfterSec; // the server knows when it will take us again
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
  }
  throw LLMError(allTimeouts ? ErrorKind::Timeout : ErrorKind::Http,
                 describe() + ": gave up after " + std::to_string(maxAttempts) + " attempt(s); last: " + last);
}

} // namespace pike::llm
