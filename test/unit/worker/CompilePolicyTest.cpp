// The compile sandbox's source, flag and log policies, and the protocol's
// line limits, without a worker process (pike/WorkerClient/CompilePolicy.h).
#include "pike/WorkerClient/CompilePolicy.h"
#include "pike/WorkerClient/CudnnLocation.h"
#include "pike/WorkerClient/Landlock.h"
#include "pike/WorkerClient/LineIO.h"
#include "pike/WorkerClient/Protocol.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace pike::worker;

namespace {

// A fake toolkit include dir with one header, a subdirectory header and a FIFO.
class IncludePolicy : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pike-policy-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
    ::mkdir((dir + "/sub").c_str(), 0755);
    std::ofstream(dir + "/cuda_fp16.h") << "// fp16\n";
    std::ofstream(dir + "/sub/x.h") << "// x\n";
    ASSERT_EQ(::mkfifo((dir + "/fifo.h").c_str(), 0644), 0);
  }
  void TearDown() override { std::system(("rm -rf " + dir).c_str()); }
  std::vector<std::string> check(const std::string &src) { return checkIncludes(src, {dir}); }
  std::string dir;
};

TEST_F(IncludePolicy, LiteralToolkitHeadersAreAllowed) {
  EXPECT_TRUE(check("#include <cuda_fp16.h>\n#include \"sub/x.h\"\n  #  include <cuda_fp16.h>  \n").empty());
  EXPECT_TRUE(check("__global__ void k() {}\n").empty());
}

TEST_F(IncludePolicy, AbsolutePathIsRejectedNamingTheLine) {
  auto p = check("// header\n\n#include \"/proc/self/environ\"\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "include not allowed: candidate.cu(3): #include \"/proc/self/environ\" (absolute path)");
}

TEST_F(IncludePolicy, DotDotComponentIsRejected) {
  auto p = check("#include <sub/../../etc/passwd>\n#include \"..\"\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].find("candidate.cu(1)"), std::string::npos);
  EXPECT_NE(p[0].find("'..' component"), std::string::npos);
  EXPECT_NE(p[1].find("candidate.cu(2)"), std::string::npos);
}

TEST_F(IncludePolicy, ComputedIncludeIsRejected) {
  auto p = check("#define H \"/proc/self/environ\"\n#include H\n#include <cuda_fp16.h> junk\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].find("candidate.cu(2): #include H (computed"), std::string::npos);
  EXPECT_NE(p[1].find("candidate.cu(3)"), std::string::npos);
}

TEST_F(IncludePolicy, SpecialFilesAndUnknownHeadersAreRejected) {
  auto p = check("#include \"fifo.h\"\n#include <nope.h>\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].find("not a file in the CUDA toolkit"), std::string::npos);
  EXPECT_NE(p[1].find("nope.h"), std::string::npos);
}

TEST_F(IncludePolicy, LineContinuationsAndCommentsCannotHideADirective) {
  // Spliced directive name, comment between # and include, and a directive that
  // starts after a block comment on the same line.
  auto p = check("#inc\\\nlude \"/etc/passwd\"\n"
                 "# /* c */ include </etc/hostname>\n"
                 "/* a\n b */ #include \"/etc/shadow\"\n"
                 "#include /* x */ \"/proc/self/environ\" // y\n");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_NE(p[0].find("candidate.cu(1)"), std::string::npos);
  EXPECT_NE(p[1].find("candidate.cu(3)"), std::string::npos);
  EXPECT_NE(p[2].find("candidate.cu(4)"), std::string::npos);
  EXPECT_NE(p[3].find("candidate.cu(6)"), std::string::npos);
}

TEST_F(IncludePolicy, CommentedAndQuotedIncludesAreNotDirectives) {
  EXPECT_TRUE(check("// #include \"/etc/passwd\"\n"
                    "/* #include \"/etc/passwd\" */\n"
                    "const char *s = \"#include </etc/passwd>\";\n"
                    "const char *r = R\"x(\n#include </etc/passwd>\n)x\";\n"
                    "int n = 1'000'000;\n")
                  .empty());
}

TEST_F(IncludePolicy, AlternativeSpellingsAreChecked) {
  auto p = check("%:include \"/etc/passwd\"\n?\?=include \"/etc/passwd\"\n#include_next <cuda_fp16.h>\n"
                 "#import \"sub/x.h\"\n#embed \"sub/x.h\"\n");
  ASSERT_EQ(p.size(), 5u);
  EXPECT_NE(p[2].find("#include_next is not allowed"), std::string::npos);
  EXPECT_NE(p[3].find("#import is not allowed"), std::string::npos);
  EXPECT_NE(p[4].find("#embed is not allowed"), std::string::npos);
}

TEST(FlagPolicy, AllowListedFlagsPass) {
  EXPECT_FALSE(checkFlags({"-O3", "-lineinfo", "--use_fast_math", "-maxrregcount=64", "-std=c++20",
                           "--expt-relaxed-constexpr", "--extended-lambda", "-DTILE=16", "-DUSE_X",
                           "-Xptxas", "-v", "-lcublas", "-lcublasLt"},
                          "nvcc"));
  EXPECT_FALSE(checkFlags({"-DTILE=16", "-lineinfo", "--ptxas-options=-v"}, "nvrtc"));
}

TEST(FlagPolicy, DangerousFlagsAreRejectedByName) {
  for (std::vector<std::string> bad :
       {std::vector<std::string>{"-ccbin", "/tmp/evil"}, {"--compiler-bindir=/tmp"}, {"-I/etc"},
        {"-o", "/tmp/x"}, {"-Xcompiler", "-fplugin=x.so"}, {"-Xlinker", "-T"}, {"@resp.txt"},
        {"--options-file", "f"}, {"-DX=$(id)"}, {"-DX=a b"}, {"-D1X"}, {"-Xptxas", "-O0"},
        {"-maxrregcount=0"}, {"-std=c++03"}, {"-Xptxas"}}) {
      auto r = checkFlags(bad, "nvcc");
      ASSERT_TRUE(r) << bad[0];
      EXPECT_EQ(r->rfind("flag not allowed: " + bad[0], 0), 0u) << *r;
  }
  auto r = checkFlags({"-lcublas"}, "nvrtc");
  ASSERT_TRUE(r);
  EXPECT_NE(r->find("NVRTC links no libraries"), std::string::npos);
  EXPECT_TRUE(checkFlags({"-O3"}, "nvrtc"));
}

TEST(LogScrub, KeepsCandidateDiagnosticsAndSummaries) {
  std::string log = "candidate.cu(5): error: identifier \"sigmoid_of\" is undefined\n"
                    "    if (i < N) out[i] = x[i] * sigmoid_of(y[i]);\n"
                    "                               ^\n"
                    "\n"
                    "1 error detected in the compilation of \"candidate.cu\".";
  EXPECT_EQ(scrubCompileLog(log), log);
  std::string gcc = "candidate.cu: In function 'void f()':\n"
                    "candidate.cu:3:5: error: 'y' was not declared in this scope\n"
                    "    3 |     y = 1;\n"
                    "ptxas info    : Used 8 registers\n"
                    "nvcc fatal   : Unsupported gpu architecture 'compute_1'";
  EXPECT_EQ(scrubCompileLog(gcc), gcc);
}

TEST(LogScrub, DropsDiagnosticsAboutOtherFilesWithTheirText) {
  std::string log = "/proc/self/environ(1): error: identifier \"OPENAI_API_KEY\" is undefined\n"
                    "  OPENAI_API_KEY=sk-secret-123 HOME=/root\n"
                    "  ^\n"
                    "\n"
                    "In file included from candidate.cu:2:\n"
                    "/etc/secret.conf:1:1: error: 'password' does not name a type\n"
                    "    1 | password=hunter2\n"
                    "      | ^~~~~~~~\n"
                    "random text from somewhere hunter2\n"
                    "candidate.cu(7): warning: variable \"z\" was declared but never referenced\n"
                    "    int z;\n"
                    "2 errors detected in the compilation of \"candidate.cu\".";
  std::string got = scrubCompileLog(log);
  EXPECT_EQ(got.find("secret"), std::string::npos) << got;
  EXPECT_EQ(got.find("hunter2"), std::string::npos) << got;
  EXPECT_EQ(got.find("OPENAI_API_KEY"), std::string::npos) << got;
  EXPECT_EQ(got, "candidate.cu(7): warning: variable \"z\" was declared but never referenced\n"
                 "    int z;\n"
                 "2 errors detected in the compilation of \"candidate.cu\".");
}

TEST(LineLimits, DepthPreScanCountsOnlyOutsideStrings) {
  EXPECT_FALSE(checkJsonDepth(std::string(64, '[') + std::string(64, ']')));
  auto deep = checkJsonDepth(std::string(100000, '[') + std::string(100000, ']'));
  ASSERT_TRUE(deep);
  EXPECT_NE(deep->find("deeper than 64 levels"), std::string::npos);
  // Brackets in strings (and escaped quotes) do not count.
  EXPECT_FALSE(checkJsonDepth("{\"s\":\"" + std::string(1000, '[') + "\\\"" + std::string(1000, '{') + "\"}"));
  EXPECT_TRUE(checkJsonDepth("{\"a\":" + std::string(10, '{'), 8));
}

TEST(LineLimits, LongLineIsTooLongAndTheNextLineStillReads) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string big(3 << 20, 'x');
  std::thread w([&] {
    writeLine(fds[1], big);
    writeLine(fds[1], "{\"ok\":1}");
    ::close(fds[1]);
  });
  LineReader r(fds[0], 1 << 20);
  std::string line;
  EXPECT_EQ(r.read(line), LineReader::Result::TooLong);
  EXPECT_EQ(r.read(line), LineReader::Result::Line);
  EXPECT_EQ(line, "{\"ok\":1}");
  EXPECT_EQ(r.read(line), LineReader::Result::Eof);
  w.join();
  ::close(fds[0]);
}

} // namespace

namespace {

// What a process restricted by buildLandlockRuleset can open: its write dir and
// the read dirs, not /proc/self/environ or another directory.
TEST(Landlock, RestrictsReadsToTheListedDirectories) {
  std::string why;
  if (landlockAbi(&why) <= 0)
    GTEST_SKIP() << "Landlock unavailable here: " << why;
  char tmpl[] = "/tmp/pike-landlock-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  char other[] = "/tmp/pike-landlock-other-XXXXXX";
  ASSERT_NE(::mkdtemp(other), nullptr);
  std::ofstream(std::string(other) + "/secret") << "s3cret\n";
  LandlockPaths lp;
  lp.readDirs = {"/usr", "/lib", "/lib64", "/etc/ld.so.conf.d"};
  lp.readFiles = {"/etc/ld.so.cache"};
  lp.writeDirs = {dir};
  std::string err;
  int fd = buildLandlockRuleset(lp, err);
  ASSERT_GE(fd, 0) << err;
  pid_t pid = ::fork();
  if (pid == 0) {
    if (applyLandlockRuleset(fd) != 0)
      ::_exit(10);
    if (::open("/proc/self/environ", O_RDONLY) >= 0)
      ::_exit(11);
    if (::open((std::string(other) + "/secret").c_str(), O_RDONLY) >= 0)
      ::_exit(12);
    if (::open("/usr/include/stdio.h", O_RDONLY) < 0 && ::access("/usr/include/stdio.h", F_OK) == 0)
      ::_exit(13);
    int w = ::open((dir + "/out").c_str(), O_WRONLY | O_CREAT, 0644);
    if (w < 0)
      ::_exit(14);
    if (::open((std::string(other) + "/new").c_str(), O_WRONLY | O_CREAT, 0644) >= 0)
      ::_exit(15);
    ::_exit(0);
  }
  int st = 0;
  ASSERT_EQ(::waitpid(pid, &st, 0), pid);
  ::close(fd);
  std::system(("rm -rf " + dir + " " + other).c_str());
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0) << "10 apply, 11 environ, 12 other dir, 13 /usr, 14 own dir, 15 write elsewhere";
}

} // namespace

// The runner is LibTorch-free: an nvcc candidate calling cuBLASLt must be linked
// against it (the H100 run of 2026-12-06 lost every cuBLASLt candidate to
// "dlopen: undefined symbol: cublasLtMatmulDescCreate").
TEST(LinkLibraries, FromIncludedHeaders) {
  EXPECT_EQ(linkLibrariesFor("#include <cublasLt.h>\n#include <cublas_v2.h>\n"),
            (std::vector<std::string>{"-lcublasLt", "-lcublas"}));
  EXPECT_EQ(linkLibrariesFor("  #  include \"cufft.h\"\n#include <curand.h>\n#include <cublasLt.h>\n"
                             "#include <cublasLt.h>\n"),
            (std::vector<std::string>{"-lcufft", "-lcurand", "-lcublasLt"}));
  EXPECT_TRUE(linkLibrariesFor("#include <cuda_runtime.h>\n// #include is not <cublasLt.h>\n"
                               "const char *s = \"cublas.h\";\n")
                  .empty());
}

// -lcudnn: nvcc only, spelled exactly; the worker itself adds where cuDNN is.
TEST(FlagPolicy, CudnnLinkFlagIsNvccOnlyAndExact) {
  EXPECT_FALSE(checkFlags({"-lcudnn"}, "nvcc"));
  auto r = checkFlags({"-lcudnn"}, "nvrtc");
  ASSERT_TRUE(r);
  EXPECT_NE(r->find("NVRTC links no libraries"), std::string::npos);
  for (const char *bad : {"-lcudnn_cnn", "-l:libcudnn.so.9", "-L/tmp", "-lcudnn -L/tmp"})
    EXPECT_TRUE(checkFlags({bad}, "nvcc")) << bad;
}

namespace {
/// A scratch tree under the test's temp dir; files are created empty.
struct ScratchTree {
  std::string root;
  ScratchTree() {
    char tmpl[] = "/tmp/pike-cudnn-XXXXXX";
    root = ::mkdtemp(tmpl);
  }
  ~ScratchTree() { std::system(("rm -rf '" + root + "'").c_str()); }
  void file(const std::string &rel) {
    std::string p = root + "/" + rel;
    std::system(("mkdir -p '" + p.substr(0, p.rfind('/')) + "' && touch '" + p + "'").c_str());
  }
};
} // namespace

TEST(CudnnLocation, ExplicitDirectoryWinsAndMustBeRight) {
  ScratchTree t;
  t.file("env/include/cudnn.h");
  t.file("env/lib/libcudnn.so.9");
  t.file("site/nvidia/cudnn/include/cudnn.h");
  t.file("site/nvidia/cudnn/lib/libcudnn.so.9");
  t.file("site/torch/lib/libtorch.so");
  std::string why;
  auto loc = resolveCudnn(t.root + "/env", t.root + "/site/torch/lib", "", why);
  ASSERT_TRUE(loc) << why;
  EXPECT_EQ(loc->source, "PIKE_CUDNN_DIR");
  EXPECT_EQ(loc->library, "libcudnn.so.9");
  EXPECT_NE(loc->libDir.find("/env/lib"), std::string::npos);
  // A wrong explicit setting is an error naming it, not a silent fallback to torch's.
  EXPECT_FALSE(resolveCudnn(t.root + "/nowhere", t.root + "/site/torch/lib", "", why));
  EXPECT_NE(why.find("PIKE_CUDNN_DIR=" + t.root + "/nowhere"), std::string::npos) << why;
}

TEST(CudnnLocation, TorchPipPackageThenToolkit) {
  ScratchTree t;
  t.file("site/nvidia/cudnn/include/cudnn.h");
  t.file("site/nvidia/cudnn/lib/libcudnn.so.9");
  t.file("site/torch/lib/libtorch.so");
  t.file("cuda/include/cudnn.h");
  t.file("cuda/lib64/libcudnn.so");
  std::string why;
  auto loc = resolveCudnn("", t.root + "/site/torch/lib", t.root + "/cuda", why);
  ASSERT_TRUE(loc) << why;
  EXPECT_EQ(loc->source, "torch");
  EXPECT_NE(loc->includeDir.find("/site/nvidia/cudnn/include"), std::string::npos);
  // No pip package beside torch: the toolkit's (lib64, unversioned name).
  loc = resolveCudnn("", t.root + "/cuda/lib64", t.root + "/cuda", why);
  ASSERT_TRUE(loc) << why;
  EXPECT_EQ(loc->source, "toolkit");
  EXPECT_EQ(loc->library, "libcudnn.so");
  EXPECT_NE(loc->libDir.find("/cuda/lib64"), std::string::npos);
}

TEST(CudnnLocation, NothingFoundSaysWhereItLooked) {
  ScratchTree t;
  t.file("cuda/include/cudnn.h"); // header without the library does not qualify
  std::string why;
  EXPECT_FALSE(resolveCudnn("", t.root + "/site/torch/lib", t.root + "/cuda", why));
  EXPECT_NE(why.find("cuDNN not found"), std::string::npos);
  EXPECT_NE(why.find(t.root + "/cuda"), std::string::npos) << why;
}
