// The agents inside the real search driver: the recorded relu fix chain runs
// propose -> fix -> fix through SearchDriver, recorded against the scripted
// server, then replayed without it; the search state must be identical.
#include "LlmTestUtil.h"

#include "pike/LLM/Agents.h"
#include "pike/Search/Driver.h"

#include <gtest/gtest.h>

using namespace pike::llm;
using namespace pike::llm::test;
using namespace pike::search;
using nlohmann::json;

namespace {

// Stands in for the GPU worker: judges the chain's kernels by their known bugs
// (gpu_check/run.sh confirms these verdicts on a real GPU).
class ChainEvaluator : public Evaluator {
public:
  EvalResult evaluate(const TaskSpec &, const CandidateCode &code) override {
    EvalResult r;
    if (code.source.find("bias_relu_kernl<<<") != std::string::npos) {
      r.status = EvalStatus::CompileError;
      r.log = "region_0.cu(58): error: identifier \"bias_relu_kernl\" is undefined\n1 error detected";
    } else if (code.source.find("(i % cols) / 4") != std::string::npos) {
      r.status = EvalStatus::Incorrect;
      r.maxAbsErr = 1.965;
      r.log = "2784781 of 4194304 elements differ; max abs error 1.965 at [0, 4]";
    } else {
      r.status = EvalStatus::Ok;
      r.candidateMs = 0.0072;
      r.referenceMs = 0.0135;
    }
    return r;
  }
};

TaskSpec reluTask() {
  TaskSpec t;
  t.regionName = "region_0";
  t.fingerprint = "fp-relu-bias-4096x1024";
  t.pytorchCode = "def region_0(x, b):\n    return torch.relu(x + b)";
  t.signature = json::parse(R"({"inputs":[{"shape":[4096,1024],"dtype":"float32"},{"shape":[1024],"dtype":"float32"}],
                                "outputs":[{"shape":[4096,1024],"dtype":"float32"}]})");
  return t;
}

SearchReport search(std::shared_ptr<LLMClient> client) {
  SearchOptions so;
  EXPECT_EQ(so.parse("budget=3,islands=1,eliteK=1,parentsPerProposal=1,generationSize=1,fixAttempts=2,"
                     "migrationInterval=0,seed=5"),
            "");
  ProposalAgent proposer(client);
  FixAgent fixer(client);
  ChainEvaluator eval;
  SearchDriver driver(so, proposer, &fixer, eval);
  return driver.run({reluTask()});
}

} // namespace

TEST(LLMSearchChain, RecordedChainReplaysToTheSameSearchState) {
  setenv(kKeyEnv, kKey, 1);
  TempDir tmp;
  SearchReport recorded;
  {
    ScriptedServer srv(json(), std::string(PIKE_SOURCE_DIR) + "/test/llm_recordings/relu_fix_chain/script.json");
    LLMOptions o = srv.options("anthropic", "claude-sonnet-4-5");
    o.recordDir = tmp / "rec";
    recorded = search(std::make_shared<LLMClient>(o));
    EXPECT_EQ(srv.requests().size(), 3u);
  }
  unsetenv(kKeyEnv);
  ASSERT_EQ(recorded.tasks.size(), 1u);
  const TaskOutcome &t = recorded.tasks[0];
  ASSERT_TRUE(t.best) << recorded.toJson().dump(2);
  EXPECT_EQ(t.best->origin, "llm-fix");
  EXPECT_EQ(t.best->fixDepth, 2);
  EXPECT_NE(t.best->code.source.find("i % (cols / 4)"), std::string::npos);
  ASSERT_EQ(t.failures.size(), 2u);
  EXPECT_EQ(t.failures[0].result.status, EvalStatus::CompileError);
  EXPECT_EQ(t.failures[1].result.status, EvalStatus::Incorrect);
  EXPECT_EQ(t.queries, 3);
  EXPECT_NEAR(recorded.spend.usd,
              ((1850 + 2780 + 2810) * 3.0 + (1120 + 930 + 960) * 15.0) / 1e6, 1e-12) << "script usage x sonnet prices";

  LLMOptions o;
  o.provider = "anthropic";
  o.model = "claude-sonnet-4-5";
  o.replayDir = tmp / "rec";
  SearchReport replayed = search(std::make_shared<LLMClient>(o));
  EXPECT_EQ(replayed.stateJson().dump(), recorded.stateJson().dump());
}
