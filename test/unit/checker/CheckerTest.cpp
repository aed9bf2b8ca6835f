// Candidate checker tests. The corpus under corpus/ drives most of them:
//   accept_<rule>_*.cu  must be accepted with no diagnostics;
//   reject_<rule>_*.cu  must be rejected, and the diagnostics must be exactly the
//                       ones its markers announce: "// EXPECT: [rule] [rule2]" at
//                       the end of a line (that line), "// EXPECT-FILE: [rule]"
//                       anywhere (a diagnostic without a line).
// "// MODE: nvrtc" and "// KERNELS: a b" set CheckOptions::mode and ::kernels.
#include "pike/Checker/Checker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using pike::checker::CheckOptions;
using pike::checker::CheckResult;
using pike::checker::checkCandidate;

const char *const kRules[] = {"parse", "include", "host-call", "static-state",
                              "stream", "timing", "entry"};

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> corpusFiles() {
  std::vector<std::string> out;
  if (DIR *d = opendir(PIKE_CHECKER_CORPUS)) {
    while (dirent *e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 3 && n.compare(n.size() - 3, 3, ".cu") == 0)
        out.push_back(n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "reject_host-call_alloc_io.cu" -> "host-call"
std::string ruleOf(const std::string &file) {
  size_t a = file.find('_');
  size_t b = file.find('_', a + 1);
  return file.substr(a + 1, b - a - 1);
}

// (line, rule) pairs the markers of a source announce; line 0 for EXPECT-FILE.
std::multiset<std::pair<unsigned, std::string>> expectations(const std::string &src) {
  std::multiset<std::pair<unsigned, std::string>> out;
  std::istringstream in(src);
  std::string line;
  for (unsigned no = 1; std::getline(in, line); ++no) {
    for (const char *marker : {"// EXPECT: ", "// EXPECT-FILE: "}) {
      size_t at = line.find(marker);
      if (at == std::string::npos)
        continue;
      unsigned where = std::string(marker) == "// EXPECT: " ? no : 0;
      std::string rest = line.substr(at);
      for (size_t open = rest.find('['); open != std::string::npos;
           open = rest.find('[', open + 1))
        out.insert({where, rest.substr(open + 1, rest.find(']', open) - open - 1)});
    }
  }
  return out;
}

// Every check parses against real CUDA headers; without a toolkit there is
// nothing to test.
class CudaEnvironment : public ::testing::Environment {
public:
  void SetUp() override {
    std::ifstream probe(pike::checker::defaultCudaPath() + "/include/cuda_runtime.h");
    if (!probe)
      GTEST_SKIP() << "no CUDA toolkit at " << pike::checker::defaultCudaPath();
  }
};
[[maybe_unused]] const auto *const kCudaEnv = ::testing::AddGlobalTestEnvironment(new CudaEnvironment);

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, MatchesMarkers) {
  const std::string file = GetParam();
  const std::string src = readFile(std::string(PIKE_CHECKER_CORPUS) + "/" + file);
  ASSERT_FALSE(src.empty()) << file;
  CheckOptions opts;
  opts.fileName = file;
  std::istringstream header(src);
  for (std::string line; std::getline(header, line);) {
    if (line.rfind("// MODE: ", 0) == 0)
      opts.mode = line.substr(9);
    if (line.rfind("// KERNELS: ", 0) == 0) {
      std::istringstream names(line.substr(12));
      for (std::string k; names >> k;)
        opts.kernels.push_back(k);
    }
  }
  CheckResult r = checkCandidate(src, opts);
  const std::string shown = pike::checker::formatDiagnostics(r, file);

  if (file.rfind("accept_", 0) == 0) {
    EXPECT_TRUE(r.accepted) << shown;
    EXPECT_TRUE(r.diags.empty()) << shown;
    if (opts.mode == "nvrtc")
      EXPECT_EQ(r.rewrittenSource, src);
    else
      EXPECT_NE(r.rewrittenSource.find(opts.entrySymbol + "("), std::string::npos);
    return;
  }
  ASSERT_EQ(file.rfind("reject_", 0), 0u) << "corpus files are accept_* or reject_*";
  EXPECT_FALSE(r.accepted);
  EXPECT_TRUE(r.rewrittenSource.empty());
  auto want = expectations(src);
  ASSERT_FALSE(want.empty()) << file << " has no EXPECT marker";
  bool fileRuleSeen = false;
  std::multiset<std::pair<unsigned, std::string>> got;
  for (const auto &d : r.diags) {
    got.insert({d.line, d.rule});
    fileRuleSeen |= d.rule == ruleOf(file);
    EXPECT_TRUE(d.file.empty()) << "diagnostic outside the candidate: " << d.file;
  }
  EXPECT_TRUE(fileRuleSeen) << "no [" << ruleOf(file) << "] diagnostic:\n" << shown;
  for (const auto &w : want)
    EXPECT_TRUE(got.count(w)) << "missing [" << w.second << "] at line " << w.first
                              << "; got:\n" << shown;
  for (const auto &g : got)
    EXPECT_TRUE(want.count(g)) << "unexpected [" << g.second << "] at line " << g.first
                               << ":\n" << shown;
}

INSTANTIATE_TEST_SUITE_P(CheckerCorpus, Corpus, ::testing::ValuesIn(corpusFiles()),
                         [](const ::testing::TestParamInfo<std::string> &i) {
                           std::string n = i.param.substr(0, i.param.size() - 3);
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(CheckerCorpusCoverage, EveryRuleHasAcceptAndReject) {
  std::vector<std::string> files = corpusFiles();
  for (const char *rule : kRules) {
    bool accept = false, reject = false;
    for (const std::string &f : files) {
      accept |= f.rfind(std::string("accept_") + rule + "_", 0) == 0;
      reject |= f.rfind(std::string("reject_") + rule + "_", 0) == 0;
    }
    EXPECT_TRUE(accept) << "no accept_" << rule << "_*.cu";
    EXPECT_TRUE(reject) << "no reject_" << rule << "_*.cu";
  }
}

TEST(CheckerRename, EntryRenamedEverywhere) {
  const std::string src = readFile(std::string(PIKE_CHECKER_CORPUS) + "/accept_entry_renamed.cu");
  CheckResult r = checkCandidate(src);
  ASSERT_TRUE(r.accepted) << pike::checker::formatDiagnostics(r, "candidate.cu");
  const std::string &out = r.rewrittenSource;
  EXPECT_EQ(out.find("fused_gelu_slot"), std::string::npos) << out;
  // The declaration, the definition and the reference in kSelf's initialiser.
  size_t count = 0;
  for (size_t at = out.find("pike_entry"); at != std::string::npos;
       at = out.find("pike_entry", at + 1))
    ++count;
  EXPECT_EQ(count, 3u) << out;
  EXPECT_NE(out.find("extern \"C\" int pike_entry(const PikeTensorRef *inputs"),
            std::string::npos);
  EXPECT_NE(out.find("kSelf = pike_entry;"), std::string::npos);
  // Only names change: the line structure stays, so diagnostics keep their lines.
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), std::count(src.begin(), src.end(), '\n'));

  // The rewritten source is itself a clean candidate that needs no rewrite.
  CheckResult again = checkCandidate(out);
  EXPECT_TRUE(again.accepted);
  EXPECT_EQ(again.rewrittenSource, out);
}

TEST(CheckerRename, CustomEntrySymbol) {
  const std::string src = readFile(std::string(PIKE_CHECKER_CORPUS) +
                                   "/accept_include_abi_header.cu");
  CheckOptions opts;
  opts.entrySymbol = "pike_slot_7";
  CheckResult r = checkCandidate(src, opts);
  ASSERT_TRUE(r.accepted) << pike::checker::formatDiagnostics(r, "candidate.cu");
  EXPECT_EQ(r.rewrittenSource.find("pike_entry"), std::string::npos);
  EXPECT_NE(r.rewrittenSource.find("extern \"C\" int pike_slot_7("), std::string::npos);
}

TEST(CheckerRename, AlreadyNamedEntryIsUnchanged) {
  const std::string src = readFile(std::string(PIKE_CHECKER_CORPUS) +
                                   "/accept_include_abi_header.cu");
  CheckResult r = checkCandidate(src);
  ASSERT_TRUE(r.accepted);
  EXPECT_EQ(r.rewrittenSource, src);
  EXPECT_GT(r.parseSeconds, 0.0);
}

TEST(CheckerFormat, CompilerStyleLine) {
  const std::string src = "#include <cuda_runtime.h>\n"
                          "#include \"pike/Runtime/KernelABI.h\"\n"
                          "__global__ void k() {}\n"
                          "extern \"C\" int pike_entry(const PikeTensorRef *in, int32_t ni,\n"
                          "    PikeTensorRef *out, int32_t no, cudaStream_t stream) {\n"
                          "  k<<<1, 1>>>();\n"
                          "  return 0;\n"
                          "}\n";
  CheckResult r = checkCandidate(src);
  ASSERT_FALSE(r.accepted);
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags[0].rule, "stream");
  EXPECT_EQ(r.diags[0].line, 6u);
  EXPECT_EQ(r.diags[0].column, 3u);
  EXPECT_EQ(pike::checker::formatDiagnostic(r.diags[0], "candidate.cu"),
            "candidate.cu:6:3: error: [stream] kernel launch without a stream argument runs on "
            "the default stream; pass the entry's 'stream' as the fourth launch parameter");
}

TEST(CheckerFormat, MessagesNameTheEntrysStreamParameter) {
  const std::string src = "#include <cuda_runtime.h>\n"
                          "#include \"pike/Runtime/KernelABI.h\"\n"
                          "__global__ void k() {}\n"
                          "extern \"C\" int pike_entry(const PikeTensorRef *in, int32_t ni,\n"
                          "    PikeTensorRef *out, int32_t no, cudaStream_t s) {\n"
                          "  k<<<1, 1, 0, 0>>>();\n"
                          "  return 0;\n"
                          "}\n";
  CheckResult r = checkCandidate(src);
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_NE(r.diags[0].message.find("not the entry's 's'"), std::string::npos)
      << r.diags[0].message;
}

TEST(CheckerDiagnostics, HeaderErrorsPointAtTheCandidatesInclude) {
  // A candidate macro that breaks a standard header.
  const std::string src = "#include <cuda_runtime.h>\n"
                          "#define max(a, b) ((a) > (b) ? (a) : (b))\n"
                          "#include <algorithm>\n";
  CheckResult r = checkCandidate(src);
  ASSERT_FALSE(r.accepted);
  ASSERT_FALSE(r.diags.empty());
  bool sawHeader = false;
  for (const auto &d : r.diags) {
    EXPECT_EQ(d.rule, "parse");
    EXPECT_TRUE(d.file.empty()) << d.file;
    EXPECT_TRUE(d.line == 3 || d.line == 0) << d.line << ": " << d.message;
    sawHeader |= d.message.rfind("in included file ", 0) == 0;
  }
  EXPECT_TRUE(sawHeader);
}

TEST(CheckerDiagnostics, SortedByPosition) {
  const std::string src = readFile(std::string(PIKE_CHECKER_CORPUS) + "/reject_stream_default.cu");
  CheckResult r = checkCandidate(src);
  ASSERT_GT(r.diags.size(), 3u);
  for (size_t i = 1; i < r.diags.size(); ++i)
    EXPECT_LE(r.diags[i - 1].line, r.diags[i].line);
}

TEST(CheckerOptions, AllowStreamSyncAcceptsWaitingOnTheEntryStreamOnly) {
  const std::string src = "#include <cuda_runtime.h>\n"
                          "#include \"pike/Runtime/KernelABI.h\"\n"
                          "extern \"C\" int pike_entry(const PikeTensorRef *in, int32_t ni,\n"
                          "    PikeTensorRef *out, int32_t no, cudaStream_t stream) {\n"
                          "  cudaMemsetAsync(out[0].data, 0, 4, stream);\n"
                          "  return (int)cudaStreamSynchronize(stream);\n"
                          "}\n";
  CheckResult strict = checkCandidate(src);
  ASSERT_EQ(strict.diags.size(), 1u);
  EXPECT_EQ(strict.diags[0].rule, "host-call");
  EXPECT_EQ(strict.diags[0].line, 6u);

  CheckOptions lenient;
  lenient.allowStreamSync = true;
  EXPECT_TRUE(checkCandidate(src, lenient).accepted);

  std::string other = src;
  other.replace(other.find("cudaStreamSynchronize(stream)"), 29, "cudaStreamSynchronize(0)");
  CheckResult wrong = checkCandidate(other, lenient);
  ASSERT_EQ(wrong.diags.size(), 1u);
  EXPECT_EQ(wrong.diags[0].rule, "stream");
}

TEST(CheckerSetup, UnknownModeIsRejected) {
  const std::string src = readFile(std::string(PIKE_CHECKER_CORPUS) +
                                   "/accept_include_abi_header.cu");
  CheckOptions opts;
  opts.mode = "ptx";
  CheckResult r = checkCandidate(src, opts);
  EXPECT_FALSE(r.accepted);
  ASSERT_EQ(r.diags.size(), 1u);
  EXPECT_EQ(r.diags[0].rule, "entry");
}

TEST(CheckerSetup, MissingCudaToolkitIsAParseDiagnostic) {
  const std::string src = readFile(std::string(PIKE_CHECKER_CORPUS) +
                                   "/accept_include_abi_header.cu");
  CheckOptions opts;
  opts.cudaPath = "/nonexistent/cuda";
  CheckResult r = checkCandidate(src, opts);
  EXPECT_FALSE(r.accepted);
  ASSERT_FALSE(r.diags.empty());
  EXPECT_EQ(r.diags[0].rule, "parse");
}

TEST(CheckerSetup, CudaHomeChoosesTheToolkitWhenNoPathIsGiven) {
  const std::string src = readFile(std::string(PIKE_CHECKER_CORPUS) +
                                   "/accept_include_abi_header.cu");
  const std::string toolkit = pike::checker::defaultCudaPath();
  const char *old = std::getenv("CUDA_HOME");
  std::string saved = old ? old : "";
  setenv("CUDA_HOME", "/nonexistent/cuda", 1);
  CheckResult viaEnv = checkCandidate(src);
  CheckOptions explicitPath;
  explicitPath.cudaPath = toolkit;
  CheckResult viaOption = checkCandidate(src, explicitPath);
  if (old)
    setenv("CUDA_HOME", saved.c_str(), 1);
  else
    unsetenv("CUDA_HOME");
  EXPECT_FALSE(viaEnv.accepted);
  EXPECT_TRUE(viaOption.accepted) << pike::checker::formatDiagnostics(viaOption, "c.cu");
}

// The search engine checks candidates from several threads at once.
TEST(CheckerThreads, ConcurrentChecksMatchSerialOnes) {
  const std::vector<std::string> names = {"reject_stream_default.cu", "accept_entry_renamed.cu",
                                          "reject_static-state_cache.cu",
                                          "accept_host-call_allowed.cu"};
  std::vector<std::string> serial, parallel(names.size());
  for (const std::string &n : names)
    serial.push_back(pike::checker::formatDiagnostics(
        checkCandidate(readFile(std::string(PIKE_CHECKER_CORPUS) + "/" + n)), n));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < names.size(); ++i)
    threads.emplace_back([&, i] {
      CheckResult r = checkCandidate(readFile(std::string(PIKE_CHECKER_CORPUS) + "/" + names[i]));
      parallel[i] = pike::checker::formatDiagnostics(r, names[i]);
    });
  for (std::thread &t : threads)
    t.join();
  for (size_t i = 0; i < names.size(); ++i)
    EXPECT_EQ(parallel[i], serial[i]) << names[i];
  EXPECT_FALSE(serial[0].empty());
}

} // namespace
