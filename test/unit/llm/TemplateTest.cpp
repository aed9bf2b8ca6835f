// Prompt templates: rendering, errors naming the missing placeholder, the
// shipped templates, and the ABI quote staying in sync with KernelABI.h.
#include "LlmTestUtil.h"

#include "pike/Support/DataDir.h"
#include "pike/LLM/Template.h"

#include <gtest/gtest.h>

#include <set>

using namespace pike::llm;

TEST(LLMTemplate, RendersPlaceholders) {
  PromptTemplate t = PromptTemplate::fromString("Region {{ region }}:\n{{code}}\nagain {{region}}", "t");
  EXPECT_EQ(t.placeholders(), (std::vector<std::string>{"region", "code"}));
  EXPECT_EQ(t.render({{"region", "r3"}, {"code", "int a[2][2] = {{1,2},{3,4}};"}, {"unused", "x"}}),
            "Region r3:\nint a[2][2] = {{1,2},{3,4}};\nagain r3")
      << "values are not re-scanned for placeholders";
}

TEST(LLMTemplate, MissingPlaceholderIsNamed) {
  PromptTemplate t = PromptTemplate::fromString("{{a}} {{b}} {{c}}", "propose.v9.md");
  try {
    t.render({{"b", "1"}});
    FAIL();
  } catch (const TemplateError &e) {
    std::string m = e.what();
    EXPECT_NE(m.find("{{a}}"), std::string::npos) << m;
    EXPECT_NE(m.find("{{c}}"), std::string::npos) << m;
    EXPECT_EQ(m.find("{{b}}"), std::string::npos) << m;
    EXPECT_NE(m.find("propose.v9.md"), std::string::npos) << m;
  }
}

TEST(LLMTemplate, CommentsAndSyntaxErrors) {
  PromptTemplate t = PromptTemplate::fromString("{{! version note }}\nline {{! inline }}end\n", "t");
  EXPECT_EQ(t.render({}), "line end\n");
  try {
    PromptTemplate::fromString("ok\nok\nbroken {{name\n", "x.md");
    FAIL();
  } catch (const TemplateError &e) {
    EXPECT_NE(std::string(e.what()).find("x.md:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(PromptTemplate::fromString("{{two words}}", "t"), TemplateError);
  EXPECT_THROW(PromptTemplate::load("/nonexistent/propose.v1.md"), TemplateError);
}

TEST(LLMTemplate, ShippedTemplatesUseKnownPlaceholders) {
  std::string dir = pike::dataDir() + "/prompts";
  std::set<std::string> task = {"region_name", "pytorch_code", "ir_text", "signature", "gpu", "abi", "entry"};
  auto check = [&](const std::string &name, std::set<std::string> allowed) {
    PromptTemplate t = PromptTemplate::load(promptPath(dir, name, "v1"));
    for (const std::string &p : t.placeholders()) EXPECT_TRUE(allowed.count(p)) << name << ": {{" << p << "}}";
    return t.placeholders();
  };
  auto propose = task;
  propose.insert({"parents", "prior_attempts"});
  auto fix = task;
  fix.insert({"broken_code", "status", "log", "fix_attempt"});
  EXPECT_GE(check("propose", propose).size(), 8u);
  EXPECT_GE(check("fix", fix).size(), 9u);
  check("system", {"abi", "entry"});
  check("abi", {"entry"});
}

// The prompt quotes the ABI; a change to the header must show up in the prompt.
TEST(LLMTemplate, AbiTemplateMatchesHeader) {
  std::string header = test::readFile(std::string(PIKE_SOURCE_DIR) + "/include/pike/Runtime/KernelABI.h");
  std::string abi = PromptTemplate::load(promptPath(pike::dataDir() + "/prompts", "abi", "v1")).render({{"entry", "e"}});
  ASSERT_FALSE(header.empty());
  auto section = [](const std::string &text, const std::string &from, const std::string &to) {
    size_t a = text.find(from);
    size_t b = text.find(to, a);
    return a == std::string::npos || b == std::string::npos ? std::string() : text.substr(a, b - a + to.size());
  };
  for (auto [from, to] : {std::pair<std::string, std::string>{"typedef enum PikeDType {", "} PikeDType;"},
                          {"typedef struct PikeTensorRef {", "} PikeTensorRef;"},
                          {"#define PIKE_MAX_DIMS", "\n"}}) {
    std::string h = section(header, from, to);
    ASSERT_FALSE(h.empty()) << from;
    EXPECT_NE(abi.find(h), std::string::npos) << "abi.v1.md no longer quotes KernelABI.h's\n" << h;
  }
  // The contract bullets, modulo the header's " * " comment prefix.
  for (const char *bullet : {"Tensors are dense and contiguous", "Outputs are allocated by the caller",
                             "All device work is enqueued on `stream`", "Returns 0 on success"}) {
    EXPECT_NE(header.find(bullet), std::string::npos) << bullet;
    EXPECT_NE(abi.find(bullet), std::string::npos) << bullet;
  }
}
