// The verifier's parsing of what pike-runner says: candidate code can write to
// that channel, so every malformed or unexpected message must be a violation.
#include "RunnerProtocol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

namespace {

using namespace pike::worker::runner;
using json = nlohmann::json;

json done(int64_t i) { return {{"msg", "done"}, {"i", i}, {"event_ms", 0.5}, {"wall_ms", 0.6}, {"err", ""}}; }

TEST(RunnerProtocol, DoneIsAcceptedForTheCallAskedFor) {
  Done d;
  EXPECT_FALSE(parseDone(done(4), 4, d));
  EXPECT_EQ(d.i, 4);
  EXPECT_DOUBLE_EQ(d.eventMs, 0.5);
  EXPECT_DOUBLE_EQ(d.wallMs, 0.6);
  EXPECT_TRUE(d.err.empty());
}

TEST(RunnerProtocol, DoneForAnotherCallIsAViolation) {
  Done d;
  auto v = parseDone(done(3), 4, d);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("other than 4"), std::string::npos) << *v;
}

TEST(RunnerProtocol, ImpossibleNumbersAreViolations) {
  Done d;
  for (const char *k : {"event_ms", "wall_ms"}) {
    for (json bad : {json(-1.0), json("0.1"), json(nullptr), json(1e12)}) {
      json m = done(1);
      m[k] = bad;
      EXPECT_TRUE(parseDone(m, 1, d)) << k << " = " << bad.dump();
    }
    json m = done(1);
    m.erase(k);
    EXPECT_TRUE(parseDone(m, 1, d)) << "missing " << k;
  }
  json m = done(1);
  m.erase("err");
  EXPECT_TRUE(parseDone(m, 1, d));
}

TEST(RunnerProtocol, OtherMessagesWhileWaitingForDoneAreViolations) {
  Done d;
  EXPECT_TRUE(parseDone({{"msg", "loaded"}}, 1, d));
  EXPECT_TRUE(parseDone({{"status", "ok"}}, 1, d)); // a forged worker reply
  auto v = parseDone({{"msg", "error"}, {"stage", "run"}, {"detail", "x"}}, 1, d);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("error message"), std::string::npos);
}

TEST(RunnerProtocol, ErrorsAndKernelsAreClippedAndSanitised) {
  Done d;
  json m = done(2);
  m["err"] = std::string(10000, 'e');
  m["rewrote"] = "the launcher rewrote outputs[0]";
  json ks = json::array();
  for (int i = 0; i < 500; ++i)
    ks.push_back({{"name", std::string(1000, 'k')}, {"ms", 0.01}});
  ks.push_back({{"name", 5}, {"ms", 0.01}});
  m["kernels"] = ks;
  ASSERT_FALSE(parseDone(m, 2, d));
  EXPECT_LE(d.err.size(), kMaxErrBytes + 4);
  EXPECT_EQ(d.rewrote, "the launcher rewrote outputs[0]");
  EXPECT_EQ(d.kernels.size(), kMaxKernelRecords);
  EXPECT_LE(d.kernels[0]["name"].get<std::string>().size(), 204u);
}

TEST(RunnerProtocol, ExpectMessageSeparatesRunnerErrorsFromViolations) {
  std::optional<RunnerError> re;
  EXPECT_FALSE(expectMessage({{"msg", "mapped"}}, "mapped", re));
  EXPECT_FALSE(re);
  EXPECT_FALSE(expectMessage({{"msg", "error"}, {"stage", "load"}, {"kind", "missing_entry"}, {"detail", "no sym"}},
                             "loaded", re));
  ASSERT_TRUE(re);
  EXPECT_EQ(re->stage, "load");
  EXPECT_EQ(re->kind, "missing_entry");
  EXPECT_EQ(re->detail, "no sym");
  EXPECT_TRUE(expectMessage({{"msg", "done"}}, "loaded", re));
  EXPECT_TRUE(expectMessage({{"msg", 3}}, "loaded", re));
  EXPECT_TRUE(expectMessage(json::array(), "loaded", re));
}

TEST(RunnerProtocol, LinesMustBeJsonObjectsWithinTheLimit) {
  json m;
  EXPECT_FALSE(parseLine(R"({"msg":"hello"})", m));
  EXPECT_TRUE(parseLine("{\"id\":1,\"status\":\"ok\"", m)); // truncated
  EXPECT_TRUE(parseLine("[1,2]", m));
  EXPECT_TRUE(parseLine("not json", m));
  EXPECT_TRUE(parseLine(std::string(kMaxMessageBytes + 1, ' '), m));
}

TEST(RunnerProtocol, HexRoundTripAndRejects) {
  unsigned char in[64], out[64];
  for (int i = 0; i < 64; ++i)
    in[i] = static_cast<unsigned char>(i * 37);
  std::string h = toHex(in, 64);
  EXPECT_EQ(h.size(), 128u);
  ASSERT_TRUE(fromHex(h, out, 64));
  EXPECT_EQ(0, std::memcmp(in, out, 64));
  EXPECT_FALSE(fromHex(h.substr(1), out, 64));
  h[5] = 'G';
  EXPECT_FALSE(fromHex(h, out, 64));
}

TEST(RunnerProtocol, BufferDescriptorsAreValidated) {
  BufferDesc b;
  b.handle = std::string(128, 'a');
  b.offset = 1 << 20;
  b.bytes = 4096;
  b.dtype = 0;
  b.shape = {32, 32};
  BufferDesc back;
  ASSERT_FALSE(parseBuffer(b.toJson(), back));
  EXPECT_EQ(back.shape, b.shape);
  EXPECT_EQ(back.offset, b.offset);
  json bad = b.toJson();
  bad["handle"] = "abc";
  EXPECT_TRUE(parseBuffer(bad, back));
  bad = b.toJson();
  bad["offset"] = -1;
  EXPECT_TRUE(parseBuffer(bad, back));
  bad = b.toJson();
  bad["shape"] = json::array({1, 2, 3, 4, 5, 6, 7, 8, 9});
  EXPECT_TRUE(parseBuffer(bad, back));
}

TEST(RunnerProtocol, LaunchDescriptorsRoundTripAndCheckIndices) {
  LaunchDesc l;
  l.kernel = "ew";
  l.grid[0] = 16384;
  l.block[0] = 256;
  l.smem = 100000;
  l.args = {{false, 0}, {false, 1}, {true, 0}};
  LaunchDesc back;
  ASSERT_FALSE(parseLaunch(l.toJson(), 2, 1, back));
  EXPECT_EQ(back.kernel, "ew");
  EXPECT_EQ(back.grid[0], 16384u);
  EXPECT_EQ(back.smem, 100000u);
  EXPECT_EQ(back.args, l.args);
  EXPECT_TRUE(parseLaunch(l.toJson(), 1, 1, back)); // in1 out of range
  json bad = l.toJson();
  bad["block"] = json::array({0, 1, 1});
  EXPECT_TRUE(parseLaunch(bad, 2, 1, back));
  bad = l.toJson();
  bad["args"] = json::array({json::array({"x", 0})});
  EXPECT_TRUE(parseLaunch(bad, 2, 1, back));
}

} // namespace
