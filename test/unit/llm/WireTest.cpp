// Pure functions: hashing, options, price table, wire formats (no server).
#include "pike/Support/DataDir.h"
#include "pike/LLM/Http.h"
#include "pike/LLM/Options.h"
#include "pike/LLM/Pricing.h"
#include "pike/LLM/Store.h"
#include "pike/LLM/Wire.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace pike::llm;
using nlohmann::json;

TEST(LLMWire, Sha256KnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // Two blocks (56 bytes forces the length into a second block).
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256Hex(std::string(1000, 'a')), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST(LLMWire, ExchangeKeyDependsOnRequestNotUrl) {
  ChatRequest r;
  r.system = "s";
  r.messages = {{"user", "hello"}};
  json a = wire::requestBody(Provider::Anthropic, "m", r);
  std::string k1 = exchangeKey(Provider::Anthropic, "m", a, 1);
  EXPECT_EQ(k1, exchangeKey(Provider::Anthropic, "m", json::parse(a.dump()), 1)); // canonical
  EXPECT_NE(k1, exchangeKey(Provider::Anthropic, "m", a, 2));      // seed, though not in the body
  EXPECT_NE(k1, exchangeKey(Provider::OpenAI, "m", a, 1));
  EXPECT_NE(k1, exchangeKey(Provider::Anthropic, "m2", a, 1));
  r.messages[0].content = "hello!";
  EXPECT_NE(k1, exchangeKey(Provider::Anthropic, "m", wire::requestBody(Provider::Anthropic, "m", r), 1));
}

TEST(LLMWire, OptionsParseValidateRoundTrip) {
  LLMOptions o;
  EXPECT_EQ(o.parse("provider=anthropic,model=claude-sonnet-4-5,budgetUsd=2.5,maxQueries=10,"
                    "recordDir=\"/tmp/a,b\",concurrency=3"),
            "");
  EXPECT_EQ(o.provider, "anthropic");
  EXPECT_EQ(o.recordDir, "/tmp/a,b");
  EXPECT_EQ(o.maxQueries, 10);
  EXPECT_EQ(o.validate(), "");
  LLMOptions back;
  ASSERT_EQ(back.parse(o.toString()), "");
  EXPECT_EQ(back.toJson(), o.toJson());

  LLMOptions bad = o;
  std::string err = bad.parse("concurrency=2,budgetUsd=cheap");
  EXPECT_NE(err.find("'budgetUsd'"), std::string::npos) << err;
  EXPECT_EQ(bad.concurrency, 3) << "a failed parse leaves the options unchanged";
  EXPECT_NE(bad.parse("colour=blue").find("unknown key 'colour'"), std::string::npos);
  LLMOptions v;
  EXPECT_NE(v.validate().find("'model'"), std::string::npos);
  v.model = "x";
  v.provider = "mistral";
  EXPECT_NE(v.validate().find("'provider'"), std::string::npos);
  v.provider = "openai";
  v.priceIn = 1;
  EXPECT_NE(v.validate().find("priceOut"), std::string::npos);
}

TEST(LLMWire, PriceTableLongestPrefix) {
  PriceTable t = PriceTable::fromJsonText(
      R"({"as_of":"2025-10-01","models":{"gpt-4o":{"input":2.5,"output":10},"gpt-4o-mini":{"input":0.15,"output":0.6}}})",
      "t");
  EXPECT_EQ(t.asOf(), "2025-10-01");
  EXPECT_DOUBLE_EQ(t.find("gpt-4o-mini-2024-07-18")->inputPerM, 0.15);
  EXPECT_DOUBLE_EQ(t.find("gpt-4o-2024-11-20")->outputPerM, 10);
  EXPECT_FALSE(t.find("llama-3-70b"));
  EXPECT_DOUBLE_EQ(t.find("gpt-4o")->cost(1000000, 500000), 2.5 + 5.0);
  EXPECT_THROW(PriceTable::fromJsonText(R"({"models":{"m":{"input":-1,"output":1}}})", "t"), std::runtime_error);
  try {
    PriceTable::fromJsonText(R"({"models":{"m":{"input":1}}})", "prices.json");
    FAIL();
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("'m'"), std::string::npos) << e.what();
  }
}

TEST(LLMWire, ShippedPriceTableLoads) {
  PriceTable t = PriceTable::load(pike::dataDir() + "/llm_prices.json");
  EXPECT_FALSE(t.asOf().empty());
  for (const char *m : {"gpt-4o", "claude-sonnet-4-5", "gemini-2.5-pro", "claude-sonnet-4-5-20250929"})
    EXPECT_TRUE(t.find(m)) << m;
}

TEST(LLMWire, RequestBodies) {
  ChatRequest r;
  r.system = "SYS";
  r.messages = {{"user", "U"}};
  r.maxTokens = 100;
  r.temperature = 0.5;
  r.seed = 42;
  json o = wire::requestBody(Provider::OpenAI, "gpt-4o", r);
  EXPECT_EQ(o["model"], "gpt-4o");
  EXPECT_EQ(o["messages"][0], json({{"role", "system"}, {"content", "SYS"}}));
  EXPECT_EQ(o["messages"][1], json({{"role", "user"}, {"content", "U"}}));
  EXPECT_EQ(o["max_tokens"], 100);
  EXPECT_EQ(o["seed"], 42);
  r.seed = 0xfedcba9876543210ull; // driver seeds use all 64 bits
  EXPECT_EQ(wire::requestBody(Provider::OpenAI, "m", r)["seed"], 0x76543210);
  EXPECT_EQ(wire::requestBody(Provider::Gemini, "m", r)["generationConfig"]["seed"], 0x76543210);
  r.seed = 42;
  EXPECT_EQ(wire::requestBody(Provider::OpenAI, "o3", r, "max_completion_tokens")["max_completion_tokens"], 100);
  r.temperature = -1;
  EXPECT_FALSE(wire::requestBody(Provider::OpenAI, "o3", r).contains("temperature"));
  r.temperature = 0.5;
  json a = wire::requestBody(Provider::Anthropic, "claude", r);
  EXPECT_EQ(a["system"], "SYS");
  EXPECT_EQ(a["messages"].size(), 1u);
  EXPECT_FALSE(a.contains("seed"));
  json g = wire::requestBody(Provider::Gemini, "gemini-2.5-pro", r);
  EXPECT_EQ(g["systemInstruction"]["parts"][0]["text"], "SYS");
  EXPECT_EQ(g["contents"][0]["parts"][0]["text"], "U");
  EXPECT_EQ(g["generationConfig"]["maxOutputTokens"], 100);
  EXPECT_EQ(g["generationConfig"]["seed"], 42);
  EXPECT_EQ(wire::endpointUrl(Provider::OpenAI, "http://h:8000/v1/", "m"), "http://h:8000/v1/chat/completions");
  EXPECT_EQ(wire::endpointUrl(Provider::Gemini, "", "gemini-2.5-pro"),
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent");
}

TEST(LLMWire, ParseRepliesAndErrors) {
  ChatResponse o = wire::parseReply(
      Provider::OpenAI,
      R"({"choices":[{"message":{"content":"hi"},"finish_reason":"length"}],"usage":{"prompt_tokens":7,"completion_tokens":3}})");
  EXPECT_EQ(o.text, "hi");
  EXPECT_EQ(o.finishReason, "length");
  EXPECT_EQ(o.usage.promptTokens, 7);
  ChatResponse a = wire::parseReply(
      Provider::Anthropic,
      R"({"content":[{"type":"thinking","thinking":"x"},{"type":"text","text":"a"},{"type":"text","text":"b"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":2}})");
  EXPECT_EQ(a.text, "ab");
  EXPECT_EQ(a.usage.completionTokens, 2);
  ChatResponse g = wire::parseReply(
      Provider::Gemini,
      R"({"candidates":[{"content":{"parts":[{"text":"plan","thought":true},{"text":"code"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":4,"thoughtsTokenCount":6}})");
  EXPECT_EQ(g.text, "code");
  EXPECT_EQ(g.usage.completionTokens, 10) << "thinking tokens are billed as output";

  try {
    wire::parseReply(Provider::Gemini, "<html>502 Bad Gateway</html>");
    FAIL();
  } catch (const LLMError &e) {
    EXPECT_EQ(e.kind(), ErrorKind::Parse);
    EXPECT_NE(std::string(e.what()).find("gemini reply is not JSON"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("502 Bad Gateway"), std::string::npos) << e.what();
  }
  EXPECT_THROW(wire::parseReply(Provider::OpenAI, R"({"choices":[]})"), LLMError);
  EXPECT_EQ(wire::errorMessage(R"({"error":{"message":"Overloaded","type":"overloaded_error"}})"), "Overloaded");
  EXPECT_EQ(wire::errorMessage(R"([{"error":{"code":429,"message":"Quota"}}])"), "Quota");
}

TEST(LLMWire, RetryAfterValues) {
  EXPECT_EQ(parseRetryAfter(" 3 "), 3.0);
  EXPECT_EQ(parseRetryAfter("1.5"), 1.5);
  EXPECT_FALSE(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
  EXPECT_FALSE(parseRetryAfter("-1"));
}

TEST(LLMWire, DataDirFromEnvironment) {
  std::string real = pike::dataDir();
  setenv("PIKE_DATA_DIR", real.c_str(), 1);
  EXPECT_EQ(pike::dataDir(), real);
  setenv("PIKE_DATA_DIR", "/nonexistent/pike-data", 1);
  try {
    pike::dataDir();
    FAIL();
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/pike-data"), std::string::npos);
  }
  unsetenv("PIKE_DATA_DIR");
}

TEST(LLMWire, InvalidUtf8IsReplacedSoTheBodyDumps) {
  EXPECT_EQ(wire::toValidUtf8("ok \xE2\x80\x98q\xE2\x80\x99"), "ok \xE2\x80\x98q\xE2\x80\x99");
  EXPECT_EQ(wire::toValidUtf8("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(wire::toValidUtf8("cut \xE2\x80"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(wire::toValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD") << "overlong '/'";
  ChatRequest r;
  r.messages = {{"user", "log: \xFF\xFE clipped \xE2\x80"}};
  json b = wire::requestBody(Provider::OpenAI, "m", r);
  EXPECT_NO_THROW(b.dump());
  EXPECT_NO_THROW(exchangeKey(Provider::OpenAI, "m", b, 1));
}
