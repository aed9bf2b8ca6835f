// Code extraction from LLM replies: every shape of answer we have seen.
#include "pike/LLM/Extract.h"

#include <gtest/gtest.h>

using namespace pike::llm;

namespace {
const char *kEntry = "extern \"C\" int pike_entry(const PikeTensorRef *in, int32_t ni, PikeTensorRef *out, "
                     "int32_t no, cudaStream_t s) {\n  return 0;\n}\n";
}

TEST(LLMExtract, SingleCudaBlock) {
  std::string reply = std::string("Here is the kernel:\n\n```cuda\n") + kEntry + "```\n\nIt is fast.";
  Extraction e = extractCode(reply);
  ASSERT_TRUE(e.code) << e.failure;
  EXPECT_EQ(*e.code, kEntry);
  EXPECT_NE(e.how.find("defines pike_entry"), std::string::npos) << e.how;
}

TEST(LLMExtract, TagsAreCaseInsensitiveAndVaried) {
  for (const char *tag : {"cuda", "CUDA", "cpp", "c++", "cu", "C", "cuda {.line-numbers}", ""}) {
    std::string reply = std::string("```") + tag + "\n" + kEntry + "```\n";
    Extraction e = extractCode(reply);
    ASSERT_TRUE(e.code) << "tag '" << tag << "': " << e.failure;
    EXPECT_EQ(*e.code, kEntry) << tag;
  }
}

TEST(LLMExtract, PrefersTheBlockDefiningTheEntry) {
  std::string big = "// helper\n" + std::string(2000, ' ') + "\n__global__ void k(float *x) {}\n";
  std::string reply = "```cuda\n" + big + "```\nand the entry:\n```cpp\n#include <cuda_runtime.h>\n" + kEntry +
                      "```\nCompile with:\n```bash\nnvcc -shared -o k.so k.cu\n```\n";
  Extraction e = extractCode(reply);
  ASSERT_TRUE(e.code);
  EXPECT_NE(e.code->find("pike_entry"), std::string::npos);
  EXPECT_NE(e.how.find("block 2 of 3"), std::string::npos) << e.how;
}

TEST(LLMExtract, LastDefinitionWins) {
  std::string v1 = std::string("// draft\n") + kEntry;
  std::string v2 = std::string("// final\n") + kEntry;
  Extraction e = extractCode("Draft:\n```cuda\n" + v1 + "```\nImproved:\n```cuda\n" + v2 + "```\n");
  ASSERT_TRUE(e.code);
  EXPECT_EQ(*e.code, v2);
}

TEST(LLMExtract, PrototypeIsNotADefinition) {
  std::string proto = "extern \"C\" int pike_entry(const PikeTensorRef *, int32_t, PikeTensorRef *, int32_t, cudaStream_t);\n";
  EXPECT_FALSE(definesEntry(proto, "pike_entry"));
  EXPECT_TRUE(definesEntry(kEntry, "pike_entry"));
  EXPECT_TRUE(definesEntry("extern \"C\" {\nint pike_entry(int a,\n    int b)\n{ return 0; }\n}\n", "pike_entry"));
  EXPECT_FALSE(definesEntry("int pike_entry(int a) { return 0; }", "pike_entry")) << "needs C linkage";
  EXPECT_FALSE(definesEntry(kEntry, "other_entry"));
  // A prototype block and a definition block: the definition is chosen although smaller... or larger.
  std::string withProto = std::string(3000, '/') + "\n" + proto;
  Extraction e = extractCode("```cuda\n" + withProto + "```\n```cuda\n" + kEntry + "```\n");
  ASSERT_TRUE(e.code);
  EXPECT_EQ(*e.code, kEntry);
}

TEST(LLMExtract, LargestBlockWhenNoneDefinesTheEntry) {
  std::string small = "__device__ float f(float x) { return x; }\n";
  std::string large = "__global__ void k(float *x) {\n  x[threadIdx.x] = 0;\n  // more\n}\n";
  Extraction e = extractCode("```cuda\n" + small + "```\n```cuda\n" + large + "```\n");
  ASSERT_TRUE(e.code);
  EXPECT_EQ(*e.code, large);
  EXPECT_NE(e.how.find("largest"), std::string::npos);
}

TEST(LLMExtract, UnterminatedFenceTakesTheRest) {
  std::string reply = std::string("Sure!\n```cuda\n") + kEntry + "__global__ void k() {\n  int i = 0;";
  Extraction e = extractCode(reply);
  ASSERT_TRUE(e.code);
  EXPECT_NE(e.code->find("int i = 0;"), std::string::npos);
  EXPECT_NE(e.how.find("unterminated"), std::string::npos) << e.how;
}

TEST(LLMExtract, LongerFencesAndTildes) {
  std::string code = std::string("// has ``` inside a comment\n") + kEntry;
  Extraction e = extractCode("````cuda\n" + code + "````\n");
  ASSERT_TRUE(e.code);
  EXPECT_EQ(*e.code, code);
  Extraction t = extractCode(std::string("~~~cpp\n") + kEntry + "~~~\n");
  ASSERT_TRUE(t.code);
  EXPECT_EQ(*t.code, kEntry);
  // A closing fence may be indented; an opening with info inside the block is content.
  Extraction i = extractCode(std::string("  ```cuda\n") + kEntry + "  ```\n");
  ASSERT_TRUE(i.code);
  EXPECT_EQ(*i.code, kEntry);
}

TEST(LLMExtract, CrlfLineEndings) {
  std::string reply = "Kernel:\r\n```cuda\r\n#include <cuda_runtime.h>\r\nextern \"C\" int pike_entry(int a) {\r\n  return 0;\r\n}\r\n```\r\n";
  Extraction e = extractCode(reply);
  ASSERT_TRUE(e.code);
  EXPECT_EQ(e.code->find('\r'), std::string::npos);
  EXPECT_TRUE(definesEntry(*e.code, "pike_entry"));
}

TEST(LLMExtract, RawCodeWithoutFences) {
  std::string reply = std::string("#include <cuda_runtime.h>\n") + kEntry;
  Extraction e = extractCode(reply);
  ASSERT_TRUE(e.code) << e.failure;
  EXPECT_EQ(*e.code, reply);
  EXPECT_NE(e.how.find("unfenced"), std::string::npos);
  // Prose around unfenced code is cut off.
  Extraction p = extractCode("Here you go.\n\n" + reply + "\nThis should be about 2x faster.\n");
  ASSERT_TRUE(p.code);
  EXPECT_EQ(*p.code, reply);
}

TEST(LLMExtract, NoCodeIsARecordedFailure) {
  Extraction e = extractCode("I'm sorry, I can't help with that request.");
  EXPECT_FALSE(e.code);
  EXPECT_EQ(e.failure.rfind("no code in reply: ", 0), 0u) << e.failure;
  EXPECT_NE(e.failure.find("I'm sorry"), std::string::npos);

  Extraction empty = extractCode("  \n");
  EXPECT_FALSE(empty.code);
  EXPECT_NE(empty.failure.find("empty"), std::string::npos);

  Extraction py = extractCode("```python\nprint('hi')\n```\n```\n\n```\n");
  EXPECT_FALSE(py.code);
  EXPECT_NE(py.failure.find("python"), std::string::npos) << py.failure;
}

TEST(LLMExtract, FindBlocksReportsLanguagesAndLines) {
  auto blocks = findCodeBlocks("a\n```Cuda\nx\n```\nb\n```\ny\n");
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].lang, "cuda");
  EXPECT_EQ(blocks[0].line, 2);
  EXPECT_TRUE(blocks[0].terminated);
  EXPECT_EQ(blocks[1].lang, "");
  EXPECT_FALSE(blocks[1].terminated);
  EXPECT_EQ(blocks[1].code, "y\n");
}
