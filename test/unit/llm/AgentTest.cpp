// ProposalAgent / FixAgent against the scripted server, and the recorded
// relu(x + b) fix chain in test/llm_recordings/relu_fix_chain.
#include "LlmTestUtil.h"

#include "pike/LLM/Agents.h"
#include "pike/LLM/Extract.h"
#include "pike/Search/Serialize.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

using namespace pike::llm;
using namespace pike::llm::test;
using namespace pike::search;
using nlohmann::json;

namespace {

const std::string kChainDir = std::string(PIKE_SOURCE_DIR) + "/test/llm_recordings/relu_fix_chain";

TaskSpec reluTask() {
  TaskSpec t;
  t.regionName = "region_0";
  t.fingerprint = "fp-relu-bias-4096x1024";
  t.pytorchCode = "def region_0(x, b):\n    return torch.relu(x + b)";
  t.irText = "%0 = pike.add %x, %b : tensor<4096x1024xf32>, tensor<1024xf32>\n%1 = pike.relu %0";
  t.signature = json::parse(R"({"inputs":[{"shape":[4096,1024],"dtype":"float32"},{"shape":[1024],"dtype":"float32"}],
                                "outputs":[{"shape":[4096,1024],"dtype":"float32"}]})");
  t.gpu = {{"name", "NVIDIA H100 80GB HBM3"}, {"sm", "sm_90"}, {"memoryBandwidthGBs", 3350}};
  return t;
}

Candidate parent(const std::string &id, double cand, double ref, const std::string &src) {
  Candidate c;
  c.id = id;
  c.origin = "builtin";
  c.code.source = src;
  c.result.status = EvalStatus::Ok;
  c.result.candidateMs = cand;
  c.result.referenceMs = ref;
  return c;
}

std::string lastUserPrompt(const json &request) {
  json body = json::parse(request["body"].get<std::string>());
  return body["messages"].back()["content"];
}

std::string fencedReply(const std::string &code) { return "Plan: fuse.\n\n```cuda\n" + code + "```\n"; }

const char *kGood = "#include <cuda_runtime.h>\nextern \"C\" int pike_entry(const PikeTensorRef *i, int32_t ni, "
                    "PikeTensorRef *o, int32_t no, cudaStream_t s) {\n  return 0;\n}\n";

class LLMAgentTest : public ::testing::Test {
protected:
  void SetUp() override { setenv(kKeyEnv, kKey, 1); }
  void TearDown() override { unsetenv(kKeyEnv); }
};

} // namespace

TEST_F(LLMAgentTest, ProposalPromptAndResult) {
  ScriptedServer srv(json::array({{{"text", fencedReply(kGood)}, {"usage", {{"prompt", 2000}, {"completion", 800}}}}}));
  auto client = std::make_shared<LLMClient>(srv.options("openai", "gpt-4o"));
  ProposalAgent agent(client);
  Candidate p1 = parent("cand-aaa", 0.5, 1.0, "// parent one code\n");
  Candidate p2 = parent("cand-bbb", 0.8, 1.0, "// parent two ``` fenced\n");
  Candidate prior = parent("cand-ccc", 0.25, 1.0, "// earlier best\n");
  agent.addPriorAttempts("fp-relu-bias-4096x1024", {prior, p1}); // p1 is a parent: not repeated
  Proposal p = agent.propose(reluTask(), {&p1, &p2}, 1234);

  ASSERT_TRUE(p.code) << p.failure;
  EXPECT_EQ(p.code->source, kGood);
  EXPECT_EQ(p.code->mode, "nvcc");
  EXPECT_EQ(p.code->entry, "pike_entry");
  EXPECT_EQ(p.origin, "llm-propose");
  EXPECT_EQ(p.code->knobs["llm"]["model"], "gpt-4o");
  EXPECT_EQ(p.code->knobs["llm"]["prompt"], "propose.v1");
  EXPECT_EQ(p.spend.queries, 1);
  EXPECT_EQ(p.spend.promptTokens, 2000);
  EXPECT_EQ(p.spend.completionTokens, 800);
  EXPECT_NEAR(p.spend.usd, (2000 * 2.5 + 800 * 10.0) / 1e6, 1e-12);
  EXPECT_EQ(agent.totalSpend().queries, 1);

  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  json body = json::parse(reqs[0]["body"].get<std::string>());
  EXPECT_EQ(body["seed"], 1234);
  std::string sys = body["messages"][0]["content"];
  EXPECT_NE(sys.find("typedef struct PikeTensorRef"), std::string::npos) << "the ABI is in the system prompt";
  EXPECT_NE(sys.find("extern \"C\" int pike_entry("), std::string::npos);
  std::string user = lastUserPrompt(reqs[0]);
  for (const char *s : {"region_0", "torch.relu(x + b)", "pike.relu", "inputs[0]: float32 [4096,1024] (dtype PIKE_FLOAT32)",
                        "outputs[0]: float32 [4096,1024]", "sm_90", "NVIDIA H100", "cand-aaa", "// parent one code",
                        "speedup 2.00x", "0.5 ms vs PyTorch 1 ms", "cand-bbb", "````cuda\n// parent two ``` fenced",
                        "Earlier kernel 1 `cand-ccc`", "speedup 4.00x"})
    EXPECT_NE(user.find(s), std::string::npos) << "missing '" << s << "' in:\n" << user;
  EXPECT_EQ(user.find("Earlier kernel 2"), std::string::npos) << "a parent is not repeated as a prior attempt";
  EXPECT_EQ(user.find("{{"), std::string::npos);
  EXPECT_EQ(agent.renderPrompt(reluTask(), {&p1, &p2}), user) << "rendering is deterministic";
}

TEST_F(LLMAgentTest, FirstProposalWithoutParents) {
  ScriptedServer srv(json::array());
  auto client = std::make_shared<LLMClient>(srv.options("anthropic", "claude-sonnet-4-5"));
  ProposalAgent agent(client);
  std::string prompt = agent.renderPrompt(reluTask(), {});
  EXPECT_NE(prompt.find("None yet: this is the first kernel"), std::string::npos);
  EXPECT_NE(prompt.find("## Best earlier kernels for this region\n\nNone."), std::string::npos);
}

TEST_F(LLMAgentTest, FixPromptCarriesTheLog) {
  ScriptedServer srv(json::array({{{"text", fencedReply(kGood)}}}));
  auto client = std::make_shared<LLMClient>(srv.options("gemini", "gemini-2.5-pro"));
  FixAgent agent(client);
  Candidate broken;
  broken.id = "cand-broken";
  broken.fixDepth = 1;
  broken.code.source = "__global__ void k() { int x = ; }\n";
  broken.result.status = EvalStatus::CompileError;
  broken.result.log = "kernel.cu(1): error: expected an expression\n" + std::string(30000, '.') + "\n1 error detected";
  Proposal p = agent.fix(reluTask(), broken, 99);
  ASSERT_TRUE(p.code) << p.failure;
  EXPECT_EQ(p.origin, "llm-fix");
  EXPECT_EQ(p.code->knobs["llm"]["prompt"], "fix.v1");
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  json body = json::parse(reqs[0]["body"].get<std::string>());
  std::string user = body["contents"][0]["parts"][0]["text"];
  for (const char *s : {"fix attempt 2", "int x = ; }", "## What went wrong: compile_error", "expected an expression",
                        "1 error detected", "characters cut", "torch.relu(x + b)"})
    EXPECT_NE(user.find(s), std::string::npos) << "missing '" << s << "'";
  EXPECT_LT(user.size(), 20000u) << "the 30k log is clipped to maxLogChars";

  broken.result.status = EvalStatus::Incorrect;
  broken.result.maxAbsErr = 1.5;
  EXPECT_NE(agent.renderPrompt(reluTask(), broken).find("incorrect (max abs error 1.5)"), std::string::npos);
}

TEST_F(LLMAgentTest, FailuresAreRecordedNotThrown) {
  ScriptedServer srv(json::array({{{"text", "I cannot write that kernel, sorry."}, {"usage", {{"prompt", 10}, {"completion", 5}}}},
                                  {{"status", 400}, {"text", "context length exceeded"}}}));
  LLMOptions o = srv.options("openai", "gpt-4o");
  o.maxQueries = 2;
  auto client = std::make_shared<LLMClient>(o);
  ProposalAgent agent(client);
  Proposal none = agent.propose(reluTask(), {}, 1);
  EXPECT_FALSE(none.code);
  EXPECT_EQ(none.failure.rfind("no code in reply: ", 0), 0u) << none.failure;
  EXPECT_EQ(none.spend.queries, 1) << "the query was paid for";
  EXPECT_GT(none.spend.usd, 0);

  Proposal http = agent.propose(reluTask(), {}, 2);
  EXPECT_FALSE(http.code);
  EXPECT_NE(http.failure.find("llm http error"), std::string::npos) << http.failure;
  EXPECT_NE(http.failure.find("context length exceeded"), std::string::npos) << http.failure;

  Proposal budget = agent.propose(reluTask(), {}, 3);
  EXPECT_FALSE(budget.code);
  EXPECT_NE(budget.failure.find("llm budget error"), std::string::npos) << budget.failure;
  EXPECT_EQ(budget.spend.queries, 0) << "refused, not sent";
  EXPECT_EQ(srv.requests().size(), 2u);
}

TEST_F(LLMAgentTest, MissingTemplateVersionIsNamed) {
  ScriptedServer srv(json::array());
  auto client = std::make_shared<LLMClient>(srv.options("openai", "gpt-4o"));
  AgentOptions ao;
  ao.promptVersion = "v404";
  try {
    ProposalAgent agent(client, ao);
    FAIL();
  } catch (const TemplateError &e) {
    EXPECT_NE(std::string(e.what()).find("system.v404.md"), std::string::npos) << e.what();
  }
}

// The recorded chain routed by prompt content through both agents, then
// replayed byte for byte from the recording without a server.
TEST_F(LLMAgentTest, ReluFixChainRecordAndReplay) {
  TempDir tmp;
  std::vector<Proposal> recorded;
  json recordedSpend;
  auto runChain = [&](std::shared_ptr<LLMClient> client) {
    ProposalAgent proposer(client);
    FixAgent fixer(client);
    std::vector<Proposal> out;
    TaskSpec task = reluTask();
    out.push_back(proposer.propose(task, {}, 11));
    Candidate c;
    c.id = "cand-1";
    c.code = out.back().code.value_or(CandidateCode{});
    c.result.status = EvalStatus::CompileError;
    c.result.log = "region_0.cu(58): error: identifier \"bias_relu_kernl\" is undefined\n1 error detected";
    out.push_back(fixer.fix(task, c, 12));
    c.id = "cand-2";
    c.fixDepth = 1;
    c.code = out.back().code.value_or(CandidateCode{});
    c.result.status = EvalStatus::Incorrect;
    c.result.maxAbsErr = 3.1;
    c.result.log = "mismatch: 4193280 of 4194304 elements differ; max abs error 3.1 at [0, 4]";
    out.push_back(fixer.fix(task, c, 13));
    return out;
  };
  {
    ScriptedServer srv(json(), kChainDir + "/script.json");
    LLMOptions o = srv.options("anthropic", "claude-sonnet-4-5");
    o.recordDir = tmp / "rec";
    auto client = std::make_shared<LLMClient>(o);
    recorded = runChain(client);
    recordedSpend = client->ledger().toJson();
    auto reqs = srv.requests();
    ASSERT_EQ(reqs.size(), 3u);
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(reqs[i]["entry"], i) << "routed by prompt content";
  }
  ASSERT_EQ(recorded.size(), 3u);
  for (const Proposal &p : recorded) ASSERT_TRUE(p.code) << p.failure;
  EXPECT_NE(recorded[0].code->source.find("bias_relu_kernl<<<"), std::string::npos);
  EXPECT_EQ(recorded[1].code->source.find("bias_relu_kernl"), std::string::npos);
  EXPECT_NE(recorded[1].code->source.find("(i % cols) / 4"), std::string::npos);
  EXPECT_NE(recorded[2].code->source.find("i % (cols / 4)"), std::string::npos);
  for (const Proposal &p : recorded) EXPECT_TRUE(definesEntry(p.code->source, "pike_entry"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(tmp / "rec"), std::filesystem::directory_iterator()), 3);

  unsetenv(kKeyEnv);
  LLMOptions o;
  o.provider = "anthropic";
  o.model = "claude-sonnet-4-5";
  o.replayDir = tmp / "rec";
  auto replayClient = std::make_shared<LLMClient>(o);
  std::vector<Proposal> replayed = runChain(replayClient);
  ASSERT_EQ(replayed.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(replayed[i].code);
    EXPECT_EQ(toJson(*replayed[i].code).dump(), toJson(*recorded[i].code).dump()) << i;
    EXPECT_EQ(toJson(replayed[i].spend).dump(), toJson(recorded[i].spend).dump()) << i;
    EXPECT_EQ(replayed[i].origin, recorded[i].origin);
  }
  EXPECT_EQ(replayClient->ledger().toJson(), recordedSpend);
}

// nvcc (no GPU needed) confirms what the recording claims: the proposal does
// not compile, both fixes do. Correctness of fix 1 vs fix 2 needs a GPU (e2e test).
TEST(LLMRecordings, ReluFixChainCompilesAsClaimed) {
  std::string nvcc = PIKE_NVCC;
  if (nvcc.empty()) GTEST_SKIP() << "nvcc not found";
  TempDir tmp;
  const char *files[] = {"01-propose.md", "02-fix.md", "03-fix.md"};
  for (int i = 0; i < 3; ++i) {
    Extraction ex = extractCode(readFile(kChainDir + "/" + files[i]));
    ASSERT_TRUE(ex.code) << files[i];
    std::string cu = tmp / ("k" + std::to_string(i) + ".cu");
    std::ofstream(cu) << *ex.code;
    std::string cmd = nvcc + " -arch=sm_90 -c " + cu + " -o " + cu + ".o > " + cu + ".log 2>&1";
    int rc = std::system(cmd.c_str());
    std::string log = readFile(cu + ".log");
    if (i == 0) {
      EXPECT_NE(rc, 0) << files[i];
      EXPECT_NE(log.find("bias_relu_kernl"), std::string::npos) << log;
    } else {
      EXPECT_EQ(rc, 0) << files[i] << "\n" << log;
    }
  }
}

// The same for the level-3 chain (kernelbench 07_densenet_dense_block, slot
// region_9: inference batch_norm + relu): the proposal applies `*` to a float4,
// the first fix compiles but drops the per-channel shift b * (1 - s), the second
// fix has it. scripts/device-llm-chain.sh runs the chain on a GPU.
TEST(LLMRecordings, DensenetBnReluFixChainCompilesAsClaimed) {
  std::string nvcc = PIKE_NVCC;
  if (nvcc.empty()) GTEST_SKIP() << "nvcc not found";
  const std::string dir = std::string(PIKE_SOURCE_DIR) + "/test/llm_recordings/07_densenet_dense_block_fix_chain";
  TempDir tmp;
  const char *files[] = {"01-propose.md", "02-fix.md", "03-fix.md"};
  std::string src[3];
  for (int i = 0; i < 3; ++i) {
    Extraction ex = extractCode(readFile(dir + "/" + files[i]));
    ASSERT_TRUE(ex.code) << files[i];
    src[i] = *ex.code;
    EXPECT_TRUE(definesEntry(src[i], "pike_entry")) << files[i];
    std::string cu = tmp / ("k" + std::to_string(i) + ".cu");
    std::ofstream(cu) << src[i];
    // As pike-worker builds an nvcc candidate.
    std::string cmd = nvcc + " -shared -Xcompiler -fPIC -O3 -std=c++17 -arch=sm_90 -I" +
                      std::string(PIKE_SOURCE_DIR) + "/include " + cu + " -o " + cu + ".so > " + cu +
                      ".log 2>&1";
    int rc = std::system(cmd.c_str());
    std::string log = readFile(cu + ".log");
    if (i == 0) {
      EXPECT_NE(rc, 0) << files[i];
      EXPECT_NE(log.find("no operator \"*\" matches these operands"), std::string::npos) << log;
    } else {
      EXPECT_EQ(rc, 0) << files[i] << "\n" << log;
    }
  }
  // The bug 02 keeps and 03 fixes: the shift t = b - b * s.
  EXPECT_NE(src[0].find("const float4 r = v * s;"), std::string::npos);
  EXPECT_EQ(src[1].find("const float t"), std::string::npos);
  EXPECT_NE(src[1].find("fmaxf(v.x * s, 0.f)"), std::string::npos);
  EXPECT_NE(src[2].find("const float t = bc - bc * s;"), std::string::npos);
  EXPECT_NE(src[2].find("fmaf(v.x, s, t)"), std::string::npos);
  // script.json routes each reply by the prompt (templates v1).
  json script = json::parse(readFile(dir + "/script.json"));
  ASSERT_EQ(script["replies"].size(), 3u);
  EXPECT_EQ(script["replies"][0]["match"], "# Task: a fast CUDA kernel for region `region_9`");
  EXPECT_EQ(script["replies"][1]["match"], "## What went wrong: compile_error");
  EXPECT_EQ(script["replies"][2]["match"], "## What went wrong: incorrect");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(script["replies"][i]["text_file"], files[i]);
}

// Agents are called from the driver's thread pool: concurrent proposals are
// recorded without mix-ups and replay concurrently to the same proposals.
TEST_F(LLMAgentTest, ConcurrentProposalsRecordAndReplay) {
  TempDir tmp;
  const int n = 8;
  json script = json::array();
  for (int i = 0; i < n; ++i) {
    std::string code = std::string(kGood) + "// variant " + std::to_string(i) + "\n";
    script.push_back({{"match", "\"seed\":" + std::to_string(100 + i) + ","}, {"text", fencedReply(code)}, {"delay", 0.05}});
  }
  auto runAll = [&](std::shared_ptr<LLMClient> client) {
    ProposalAgent agent(client);
    std::vector<Proposal> out(n);
    std::vector<std::thread> ts;
    for (int i = 0; i < n; ++i) ts.emplace_back([&, i] { out[i] = agent.propose(reluTask(), {}, 100 + i); });
    for (auto &t : ts) t.join();
    return out;
  };
  std::vector<Proposal> recorded;
  {
    ScriptedServer srv(script);
    LLMOptions o = srv.options("openai", "gpt-4o");
    o.concurrency = 3;
    o.recordDir = tmp / "rec";
    recorded = runAll(std::make_shared<LLMClient>(o));
  }
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(recorded[i].code) << recorded[i].failure;
    EXPECT_NE(recorded[i].code->source.find("// variant " + std::to_string(i) + "\n"), std::string::npos) << i;
  }
  unsetenv(kKeyEnv);
  LLMOptions o;
  o.provider = "openai";
  o.model = "gpt-4o";
  o.replayDir = tmp / "rec";
  std::vector<Proposal> replayed = runAll(std::make_shared<LLMClient>(o));
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(replayed[i].code) << replayed[i].failure;
    EXPECT_EQ(toJson(*replayed[i].code).dump(), toJson(*recorded[i].code).dump()) << i;
    EXPECT_EQ(toJson(replayed[i].spend).dump(), toJson(recorded[i].spend).dump()) << i;
  }
}
