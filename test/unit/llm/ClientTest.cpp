// LLMClient against the scripted server: wire shapes per provider, retries and
// Retry-After, timeouts, garbage replies, budgets, costs, cache, record/replay,
// concurrency limit, and that the API key is never written anywhere.
#include "LlmTestUtil.h"

#include "pike/LLM/Client.h"
#include "pike/LLM/Wire.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace pike::llm;
using namespace pike::llm::test;
using nlohmann::json;

namespace {

class LLMClientTest : public ::testing::Test {
protected:
  void SetUp() override { setenv(kKeyEnv, kKey, 1); }
  void TearDown() override { unsetenv(kKeyEnv); }
};

ChatRequest req(const std::string &user, uint64_t seed = 7) {
  ChatRequest r;
  r.system = "You write CUDA.";
  r.messages = {{"user", user}};
  r.maxTokens = 256;
  r.temperature = 0.5;
  r.seed = seed;
  return r;
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Expects `fn` to throw LLMError of `kind` whose message contains every `parts`.
template <class F> std::string expectError(F fn, ErrorKind kind, std::vector<std::string> parts) {
  try {
    fn();
  } catch (const LLMError &e) {
    EXPECT_EQ(toString(e.kind()), std::string(toString(kind))) << e.what();
    for (const std::string &p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no LLMError thrown";
  return "";
}

} // namespace

TEST_F(LLMClientTest, OpenAIRequestShapeAndCost) {
  ScriptedServer srv(json::array({{{"text", "hello"}, {"usage", {{"prompt", 1000}, {"completion", 500}}}}}));
  LLMClient c(srv.options("openai", "gpt-4o"));
  ChatResponse r = c.complete(req("write a kernel"));
  EXPECT_EQ(r.text, "hello");
  EXPECT_EQ(r.finishReason, "stop");
  EXPECT_EQ(r.usage.promptTokens, 1000);
  EXPECT_EQ(r.usage.completionTokens, 500);
  EXPECT_NEAR(r.usd, (1000 * 2.5 + 500 * 10.0) / 1e6, 1e-12) << "gpt-4o from data/llm_prices.json";
  EXPECT_EQ(r.source, ReplySource::Network);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.key.size(), 64u);

  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["path"], "/v1/chat/completions");
  EXPECT_EQ(reqs[0]["headers"]["Authorization"], std::string("Bearer ") + kKey);
  json body = json::parse(reqs[0]["body"].get<std::string>());
  EXPECT_EQ(body["model"], "gpt-4o");
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][1]["content"], "write a kernel");
  EXPECT_EQ(body["max_tokens"], 256);
  EXPECT_EQ(body["temperature"], 0.5);
  EXPECT_EQ(body["seed"], 7);
  EXPECT_EQ(reqs[0]["body"].get<std::string>().find(kKey), std::string::npos) << "key only in headers";
}

TEST_F(LLMClientTest, AnthropicRequestShape) {
  ScriptedServer srv(json::array({{{"text", "a reply"}, {"usage", {{"prompt", 10}, {"completion", 20}}}}}));
  LLMClient c(srv.options("anthropic", "claude-sonnet-4-5-20250929"));
  ChatResponse r = c.complete(req("hi"));
  EXPECT_EQ(r.text, "a reply");
  EXPECT_EQ(r.finishReason, "end_turn");
  EXPECT_NEAR(r.usd, (10 * 3.0 + 20 * 15.0) / 1e6, 1e-12) << "dated model matches claude-sonnet-4-5";
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["path"], "/v1/messages");
  EXPECT_EQ(reqs[0]["headers"]["x-api-key"], kKey);
  EXPECT_EQ(reqs[0]["headers"]["anthropic-version"], "2023-06-01");
  EXPECT_FALSE(reqs[0]["headers"].contains("Authorization"));
  json body = json::parse(reqs[0]["body"].get<std::string>());
  EXPECT_EQ(body["system"], "You write CUDA.");
  EXPECT_EQ(body["messages"], json::parse(R"([{"role":"user","content":"hi"}])"));
  EXPECT_EQ(body["max_tokens"], 256);
  EXPECT_EQ(reqs[0]["body"].get<std::string>().find(kKey), std::string::npos);
}

TEST_F(LLMClientTest, GeminiRequestShape) {
  ScriptedServer srv(json::array({{{"text", "g reply"}, {"usage", {{"prompt", 4}, {"completion", 2}}}}}));
  LLMClient c(srv.options("gemini", "gemini-2.5-pro"));
  ChatResponse r = c.complete(req("hi", 9));
  EXPECT_EQ(r.text, "g reply");
  EXPECT_EQ(r.finishReason, "STOP");
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["path"], "/v1beta/models/gemini-2.5-pro:generateContent")
      << "the key must not travel in the URL";
  EXPECT_EQ(reqs[0]["headers"]["x-goog-api-key"], kKey);
  json body = json::parse(reqs[0]["body"].get<std::string>());
  EXPECT_EQ(body["systemInstruction"]["parts"][0]["text"], "You write CUDA.");
  EXPECT_EQ(body["contents"][0]["role"], "user");
  EXPECT_EQ(body["generationConfig"]["seed"], 9);
  EXPECT_EQ(reqs[0]["body"].get<std::string>().find(kKey), std::string::npos);
}

TEST_F(LLMClientTest, RetryAfterIsHonoured) {
  ScriptedServer srv(json::array({{{"status", 429}, {"headers", {{"Retry-After", "1"}}}, {"text", "slow down"}},
                                  {{"text", "ok"}}}));
  LLMClient c(srv.options("openai", "gpt-4o")); // backoffSec = 0.01: only Retry-After can make it wait 1 s
  auto t0 = std::chrono::steady_clock::now();
  ChatResponse r = c.complete(req("x"));
  double s = secondsSince(t0);
  EXPECT_EQ(r.text, "ok");
  EXPECT_EQ(r.attempts, 2);
  EXPECT_GE(s, 0.95);
  EXPECT_LT(s, 5);
  EXPECT_EQ(srv.requests().size(), 2u);
  EXPECT_EQ(c.ledger().total().queries, 1) << "retries are one query";
}

TEST_F(LLMClientTest, ExponentialBackoffOn5xx) {
  ScriptedServer srv(json::array({{{"status", 500}}, {{"status", 503}}, {{"text", "ok"}}}));
  LLMOptions o = srv.options("anthropic", "claude-haiku-4-5");
  o.backoffSec = 0.2; // waits 0.2 then 0.4
  LLMClient c(o);
  auto t0 = std::chrono::steady_clock::now();
  ChatResponse r = c.complete(req("x"));
  EXPECT_EQ(r.attempts, 3);
  EXPECT_GE(secondsSince(t0), 0.55);
}

TEST_F(LLMClientTest, RetriesExhausted) {
  ScriptedServer srv(json::array({{{"status", 502}, {"text", "bad gateway"}, {"repeat", -1}}}));
  LLMOptions o = srv.options("gemini", "gemini-2.5-flash");
  o.retries = 2;
  LLMClient c(o);
  expectError([&] { c.complete(req("x")); }, ErrorKind::Http, {"gave up after 3 attempt(s)", "HTTP 502", "bad gateway"});
  EXPECT_EQ(srv.requests().size(), 3u);
}

TEST_F(LLMClientTest, RetryAfterLongerThanAllowedFailsAtOnce) {
  ScriptedServer srv(json::array({{{"status", 429}, {"headers", {{"Retry-After", "3600"}}}}, {{"text", "ok"}}}));
  LLMOptions o = srv.options("openai", "gpt-4o");
  o.maxRetryAfterSec = 5;
  LLMClient c(o);
  auto t0 = std::chrono::steady_clock::now();
  expectError([&] { c.complete(req("x")); }, ErrorKind::Http, {"HTTP 429", "retry after 3600 s", "maxRetryAfterSec"});
  EXPECT_LT(secondsSince(t0), 2);
}

TEST_F(LLMClientTest, ClientErrorsAreNotRetriedAndKeyIsRedacted) {
  // Some services echo the key they rejected.
  ScriptedServer srv(json::array({{{"status", 401}, {"text", std::string("Incorrect API key provided: ") + kKey}}}));
  LLMClient c(srv.options("openai", "gpt-4o"));
  std::string msg = expectError([&] { c.complete(req("x")); }, ErrorKind::Http, {"HTTP 401", "[REDACTED]"});
  EXPECT_EQ(msg.find(kKey), std::string::npos);
  EXPECT_EQ(srv.requests().size(), 1u);
}

TEST_F(LLMClientTest, TimeoutIsAnError) {
  ScriptedServer srv(json::array({{{"text", "too late"}, {"delay", 3}}}));
  LLMOptions o = srv.options("openai", "gpt-4o");
  o.timeoutSec = 0.5;
  o.retries = 0;
  LLMClient c(o);
  auto t0 = std::chrono::steady_clock::now();
  expectError([&] { c.complete(req("x")); }, ErrorKind::Timeout, {"timed out after 0.5 s", "gave up after 1 attempt"});
  EXPECT_LT(secondsSince(t0), 2.5);
}

TEST_F(LLMClientTest, TimeoutIsRetried) {
  ScriptedServer srv(json::array({{{"text", "too late"}, {"delay", 3}}, {{"text", "in time"}}}));
  LLMOptions o = srv.options("anthropic", "claude-sonnet-4-5");
  o.timeoutSec = 0.5;
  o.retries = 1;
  LLMClient c(o);
  ChatResponse r = c.complete(req("x"));
  EXPECT_EQ(r.text, "in time");
  EXPECT_EQ(r.attempts, 2);
}

TEST_F(LLMClientTest, GarbageReplyIsAParseError) {
  ScriptedServer srv(json::array({{{"raw", "<html><body>upstream crashed</body></html>"}}, {{"raw", "{\"id\": 1}"}}}));
  TempDir tmp;
  LLMOptions o = srv.options("openai", "gpt-4o");
  o.logPath = tmp / "llm.jsonl"; // error texts quoting the body go to the log too
  LLMClient c(o);
  expectError([&] { c.complete(req("a")); }, ErrorKind::Parse, {"openai reply is not JSON", "upstream crashed"});
  expectError([&] { c.complete(req("b")); }, ErrorKind::Parse, {"openai reply has no choices"});
  EXPECT_EQ(srv.requests().size(), 2u) << "garbage is not retried";
  EXPECT_NE(readFile(tmp / "llm.jsonl").find("upstream crashed"), std::string::npos);
}

TEST_F(LLMClientTest, NonUtf8GarbageIsAnErrorNotACrash) {
  TempDir tmp;
  // "\xff\xfe<html>" as a 200 reply, then as a 500 error body.
  ScriptedServer srv(json::array({{{"raw_hex", "fffe3c68746d6c3e"}}, {{"raw_hex", "fffe3c68746d6c3e"}, {"status", 500}}}));
  LLMOptions o = srv.options("gemini", "gemini-2.5-flash");
  o.logPath = tmp / "llm.jsonl";
  o.retries = 0;
  LLMClient c(o);
  std::string m1 = expectError([&] { c.complete(req("a")); }, ErrorKind::Parse, {"gemini reply is not JSON", "<html>"});
  std::string m2 = expectError([&] { c.complete(req("b")); }, ErrorKind::Http, {"HTTP 500", "<html>"});
  // Messages go into JSON checkpoints: they must be valid UTF-8.
  EXPECT_NO_THROW(json({m1, m2}).dump());
  EXPECT_NE(readFile(tmp / "llm.jsonl").find("\"status\":500"), std::string::npos);
}

TEST_F(LLMClientTest, ConnectionRefusedNamesTheCause) {
  LLMOptions o;
  o.provider = "openai";
  o.model = "local";
  o.baseUrl = "http://127.0.0.1:1/v1"; // nothing listens on port 1
  o.retries = 1;
  o.backoffSec = 0.01;
  LLMClient c(o); // a local OpenAI-compatible server needs no key
  expectError([&] { c.complete(req("x")); }, ErrorKind::Http, {"connection error", "gave up after 2 attempt(s)"});
}

TEST_F(LLMClientTest, DollarBudgetStopsTheNextRequest) {
  ScriptedServer srv(json::array({{{"text", "one"}, {"usage", {{"prompt", 3}, {"completion", 3}}}, {"repeat", -1}}}));
  LLMOptions o = srv.options("openai", "my-model");
  o.priceIn = 1e6; // $1 per token
  o.priceOut = 1e6;
  o.budgetUsd = 10;
  LLMClient c(o);
  EXPECT_NEAR(c.complete(req("a")).usd, 6, 1e-9);
  EXPECT_FALSE(c.ledger().exhausted());
  EXPECT_NEAR(c.complete(req("b")).usd, 6, 1e-9) << "started below the budget, so it runs and ends above it";
  EXPECT_TRUE(c.ledger().exhausted());
  expectError([&] { c.complete(req("c")); }, ErrorKind::Budget, {"budget spent", "$12.0000 of $10.0000", "not sent"});
  EXPECT_EQ(srv.requests().size(), 2u);
  EXPECT_EQ(c.ledger().total().queries, 2);
}

TEST_F(LLMClientTest, MaxQueriesStops) {
  ScriptedServer srv(json::array({{{"text", "r"}, {"repeat", -1}}}));
  LLMOptions o = srv.options("gemini", "gemini-2.5-flash");
  o.maxQueries = 2;
  LLMClient c(o);
  c.complete(req("a"));
  c.complete(req("b"));
  expectError([&] { c.complete(req("c")); }, ErrorKind::Budget, {"query limit reached", "2 of 2"});
  EXPECT_EQ(srv.requests().size(), 2u);
}

TEST_F(LLMClientTest, UnknownPriceUnderDollarBudgetIsAConfigError) {
  ScriptedServer srv(json::array());
  LLMOptions o = srv.options("openai", "totally-unknown-model");
  EXPECT_NO_THROW(LLMClient{o}) << "no budget: an unpriced (local) model costs 0";
  o.budgetUsd = 1;
  expectError([&] { LLMClient c(o); }, ErrorKind::Config, {"no price for model 'totally-unknown-model'"});
}

TEST_F(LLMClientTest, MissingKeyNamesTheVariable) {
  LLMOptions o;
  o.provider = "anthropic";
  o.model = "claude-sonnet-4-5";
  o.apiKeyEnv = "PIKE_TEST_UNSET_KEY_VAR";
  unsetenv("PIKE_TEST_UNSET_KEY_VAR");
  expectError([&] { LLMClient c(o); }, ErrorKind::Config, {"PIKE_TEST_UNSET_KEY_VAR", "anthropic API key"});
}

TEST_F(LLMClientTest, SharedLedgerAccountsPerModel) {
  ScriptedServer srv(json::array({{{"text", "x"}, {"usage", {{"prompt", 100}, {"completion", 10}}}, {"repeat", -1}}}));
  auto ledger = std::make_shared<Ledger>();
  LLMClient a(srv.options("openai", "gpt-4o-mini"), ledger);
  LLMClient b(srv.options("anthropic", "claude-haiku-4-5"), ledger);
  a.complete(req("1"));
  a.complete(req("2"));
  b.complete(req("3"));
  auto m = ledger->perModel();
  EXPECT_EQ(m["gpt-4o-mini"].queries, 2);
  EXPECT_EQ(m["gpt-4o-mini"].promptTokens, 200);
  EXPECT_NEAR(m["gpt-4o-mini"].usd, 2 * (100 * 0.15 + 10 * 0.6) / 1e6, 1e-12);
  EXPECT_NEAR(m["claude-haiku-4-5"].usd, (100 * 1.0 + 10 * 5.0) / 1e6, 1e-12);
  EXPECT_EQ(ledger->total().queries, 3);
  EXPECT_NEAR(ledger->total().usd, m["gpt-4o-mini"].usd + m["claude-haiku-4-5"].usd, 1e-15);
  EXPECT_EQ(ledger->toJson()["models"].size(), 2u);
}

TEST_F(LLMClientTest, CacheHitCostsNothing) {
  TempDir tmp;
  ScriptedServer srv(json::array({{{"text", "first"}}, {{"text", "second"}}}));
  LLMOptions o = srv.options("openai", "gpt-4o");
  o.cacheDir = tmp / "cache";
  {
    LLMClient c(o);
    ChatResponse a = c.complete(req("same"));
    EXPECT_EQ(a.source, ReplySource::Network);
    EXPECT_GT(a.usd, 0);
  }
  LLMClient c(o); // a new process would see the same files
  ChatResponse b = c.complete(req("same"));
  EXPECT_EQ(b.text, "first");
  EXPECT_EQ(b.source, ReplySource::Cache);
  EXPECT_TRUE(b.cached);
  EXPECT_EQ(b.usd, 0);
  EXPECT_EQ(c.ledger().total().queries, 0);
  EXPECT_EQ(c.ledger().total().cacheHits, 1);
  EXPECT_EQ(srv.requests().size(), 1u);
  EXPECT_EQ(c.complete(req("same", /*seed=*/8)).text, "second") << "another seed is another request";
  EXPECT_EQ(srv.requests().size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(o.cacheDir + "/" + b.key + ".json"));
}

TEST_F(LLMClientTest, ReplayIsIdenticalToTheRecording) {
  TempDir tmp;
  std::vector<ChatResponse> recorded;
  json recordedLedger;
  {
    ScriptedServer srv(json::array({{{"text", "reply A"}, {"usage", {{"prompt", 11}, {"completion", 5}}}},
                                    {{"text", "reply B ```cuda\nint x;\n```"}, {"finish", "length"}},
                                    {{"text", "reply C"}}}));
    LLMOptions o = srv.options("anthropic", "claude-sonnet-4-5");
    o.recordDir = tmp / "rec";
    o.cacheDir = tmp / "cache";
    LLMClient c(o);
    recorded.push_back(c.complete(req("a")));
    recorded.push_back(c.complete(req("b")));
    recorded.push_back(c.complete(req("c")));
    recorded.push_back(c.complete(req("a"))); // cache hit: recorded as free
    recordedLedger = c.ledger().toJson();
  }
  unsetenv(kKeyEnv); // replay needs no key and no server
  LLMOptions o;
  o.provider = "anthropic";
  o.model = "claude-sonnet-4-5";
  o.apiKeyEnv = kKeyEnv;
  o.baseUrl = "http://127.0.0.1:1";
  o.replayDir = tmp / "rec";
  LLMClient c(o);
  std::vector<std::string> prompts = {"a", "b", "c", "a"};
  for (size_t i = 0; i < prompts.size(); ++i) {
    ChatResponse r = c.complete(req(prompts[i]));
    EXPECT_EQ(r.source, ReplySource::Replay);
    EXPECT_EQ(r.text, recorded[i].text) << i;
    EXPECT_EQ(r.finishReason, recorded[i].finishReason) << i;
    EXPECT_EQ(r.usage.promptTokens, recorded[i].usage.promptTokens) << i;
    EXPECT_EQ(r.usage.completionTokens, recorded[i].usage.completionTokens) << i;
    EXPECT_EQ(r.usd, recorded[i].usd) << i; // bitwise: stored as JSON double round trip
    EXPECT_EQ(r.cached, recorded[i].cached) << i;
    EXPECT_EQ(r.key, recorded[i].key) << i;
  }
  EXPECT_EQ(c.ledger().toJson(), recordedLedger);

  std::string msg = expectError([&] { c.complete(req("never asked in the recording")); }, ErrorKind::Replay,
                                {"no recorded exchange", tmp / "rec", "never asked in the recording", "claude-sonnet-4-5"});
  // The message names the file the request would have been recorded as.
  ChatRequest missing = req("never asked in the recording");
  std::string key = exchangeKey(Provider::Anthropic, "claude-sonnet-4-5",
                                wire::requestBody(Provider::Anthropic, "claude-sonnet-4-5", missing), missing.seed);
  EXPECT_NE(msg.find(key + ".json"), std::string::npos) << msg;
}

TEST_F(LLMClientTest, RepeatedRequestsReplayInOrder) {
  TempDir tmp;
  {
    ScriptedServer srv(json::array({{{"text", "first answer"}}, {{"text", "second answer"}}}));
    LLMOptions o = srv.options("openai", "gpt-4o"); // no cache: both asks are paid
    o.recordDir = tmp / "rec";
    LLMClient c(o);
    EXPECT_EQ(c.complete(req("same")).text, "first answer");
    EXPECT_EQ(c.complete(req("same")).text, "second answer");
  }
  LLMOptions o;
  o.provider = "openai";
  o.model = "gpt-4o";
  o.baseUrl = "http://127.0.0.1:1/v1";
  o.replayDir = tmp / "rec";
  LLMClient c(o);
  EXPECT_EQ(c.complete(req("same")).text, "first answer");
  ChatResponse second = c.complete(req("same"));
  EXPECT_EQ(second.text, "second answer");
  EXPECT_FALSE(second.cached);
  EXPECT_EQ(c.ledger().total().queries, 2);
  expectError([&] { c.complete(req("same")); }, ErrorKind::Replay, {"recorded 2 time(s)", "asks it again"});
}

TEST_F(LLMClientTest, RecordedExchangeFileFormat) {
  TempDir tmp;
  ScriptedServer srv(json::array({{{"text", "the reply"}, {"usage", {{"prompt", 12}, {"completion", 34}}}}}));
  LLMOptions o = srv.options("gemini", "gemini-2.5-pro");
  o.recordDir = tmp / "rec";
  LLMClient c(o);
  ChatResponse r = c.complete(req("prompt text"));
  json ex = json::parse(readFile(tmp / ("rec/" + r.key + ".json")));
  EXPECT_EQ(ex["version"], 1);
  EXPECT_EQ(ex["key"], r.key);
  EXPECT_EQ(ex["provider"], "gemini");
  EXPECT_EQ(ex["model"], "gemini-2.5-pro");
  EXPECT_EQ(ex["request"]["contents"][0]["parts"][0]["text"], "prompt text");
  EXPECT_EQ(ex["response"]["text"], "the reply");
  EXPECT_EQ(ex["usage"]["promptTokens"], 12);
  EXPECT_EQ(ex["usage"]["completionTokens"], 34);
  EXPECT_EQ(ex["cached"], false);
  EXPECT_EQ(ex["usd"].get<double>(), r.usd);
  EXPECT_EQ(r.key, exchangeKey(Provider::Gemini, "gemini-2.5-pro", ex["request"], 7));
}

TEST_F(LLMClientTest, KeyIsNeverWrittenToFiles) {
  TempDir tmp;
  ScriptedServer srv(json::array({{{"text", "ok 1"}},
                                  {{"status", 500}, {"text", std::string("internal error for key ") + kKey}},
                                  {{"text", "ok 2"}},
                                  {{"status", 403}, {"text", std::string("forbidden: ") + kKey}}}));
  LLMOptions o = srv.options("openai", "gpt-4o");
  o.recordDir = tmp / "rec";
  o.cacheDir = tmp / "cache";
  o.logPath = tmp / "llm.jsonl";
  {
    LLMClient c(o);
    c.complete(req("a"));
    c.complete(req("b")); // 500 then ok
    c.complete(req("a")); // cache hit
    std::string msg;
    try {
      c.complete(req("c"));
    } catch (const LLMError &e) {
      msg = e.what();
    }
    EXPECT_NE(msg.find("HTTP 403"), std::string::npos);
    EXPECT_EQ(msg.find(kKey), std::string::npos);
    EXPECT_EQ(c.describe().find(kKey), std::string::npos);
    EXPECT_EQ(c.options().toString().find(kKey), std::string::npos);
  }
  int files = 0;
  for (const auto &e : std::filesystem::recursive_directory_iterator(tmp.path)) {
    if (!e.is_regular_file()) continue;
    ++files;
    std::string text = readFile(e.path());
    EXPECT_EQ(text.find(kKey), std::string::npos) << e.path();
    EXPECT_EQ(text.find("Bearer"), std::string::npos) << e.path();
  }
  EXPECT_GE(files, 5); // 2 records, 2 cache entries, the log
  std::string log = readFile(tmp / "llm.jsonl");
  EXPECT_NE(log.find("[REDACTED]"), std::string::npos) << "the logged 500/403 texts had the key";
  EXPECT_NE(log.find("\"status\":500"), std::string::npos);
  // ...and it did go out, in the header.
  EXPECT_NE(srv.logText().find(std::string("Bearer ") + kKey), std::string::npos);
}

TEST_F(LLMClientTest, ConcurrencyLimit) {
  ScriptedServer srv(json::array({{{"text", "slow"}, {"delay", 0.3}, {"repeat", -1}}}));
  LLMOptions o = srv.options("openai", "gpt-4o");
  o.concurrency = 2;
  LLMClient c(o);
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i)
    ts.emplace_back([&, i] {
      if (c.complete(req("q" + std::to_string(i))).text == "slow") ++ok;
    });
  for (auto &t : ts) t.join();
  EXPECT_EQ(ok, 6);
  int maxInflight = 0;
  for (const json &r : srv.requests()) maxInflight = std::max(maxInflight, r["inflight"].get<int>());
  EXPECT_EQ(maxInflight, 2);
  EXPECT_EQ(c.ledger().total().queries, 6);
}
