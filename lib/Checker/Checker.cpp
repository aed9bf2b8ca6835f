// The candidate checker's driver: parse the candidate as CUDA (host side) with
// Clang over an in-memory file system, run the rule families on it and collect
// their diagnostics. The rules live one family per file (docs/checker.md):
// IncludeRule (preprocessor), ParseRule (Clang's errors), EntryRule, and the
// AST walk (CandidateVisitor) with HostCallRule, TimingRule, StaticStateRule,
// StreamRule.
#include "pike/Checker/Checker.h"

#include "CandidateContext.h"
#include "CandidateVisitor.h"
#include "EntryRule.h"
#include "IncludeRule.h"
#include "ParseRule.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/Basic/FileManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>
#include <sstream>
#include <tuple>

#ifndef PIKE_CLANG_RESOURCE_DIR
#error "PIKE_CLANG_RESOURCE_DIR must name Clang's resource directory"
#endif

// The driver finds the GCC installation (libstdc++ headers) relative to it; it
// is never executed.
#ifndef PIKE_CLANG_BINARY
#define PIKE_CLANG_BINARY "clang"
#endif
#ifndef PIKE_CHECKER_CUDA_PATH
#define PIKE_CHECKER_CUDA_PATH "/usr/local/cuda"
#endif

namespace pike::checker {
namespace {

using namespace clang;

// pike/Runtime/KernelABI.h, embedded so candidates can include it on any host.
#include "KernelABIText.h" // generated: kKernelABIHeader

// CUDA 13 dropped the texture/surface function headers that Clang 19's CUDA
// wrapper still includes; empty stand-ins let the real headers parse.
const char *const kRemovedCudaHeaders[] = {"texture_fetch_functions.h",
                                           "texture_indirect_functions.h",
                                           "surface_indirect_functions.h",
                                           "surface_functions.h"};

// Runs the rules on the parsed candidate: the entry rule around the AST walk.
class CheckConsumer : public ASTConsumer {
public:
  CheckConsumer(Report &report, const CheckOptions &opts, std::string cudaRoot,
                std::string &rewritten, bool &entryOk)
      : report(report), opts(opts), cudaRoot(std::move(cudaRoot)), rewritten(rewritten),
        entryOk(entryOk) {}

  void Initialize(ASTContext &ctx) override { sm = &ctx.getSourceManager(); }

  bool shouldSkipFunctionBody(Decl *d) override {
    return sm && !sm->isInMainFile(sm->getFileLoc(d->getLocation()));
  }

  void HandleTranslationUnit(ASTContext &ctx) override {
    bool parseFailed = ctx.getDiagnostics().hasErrorOccurred();
    EntryRule entry(ctx, report, opts);
    entry.findEntries();
    if (opts.mode == "nvrtc") {
      walkCandidate(ctx, report, opts, cudaRoot, entry);
      entryOk = entry.checkNvrtcKernels();
      return;
    }
    if (opts.mode != "nvcc") {
      report.add(kRuleEntry, "unknown candidate mode '" + opts.mode + "' (nvcc or nvrtc)", 0, 0);
      return;
    }
    walkCandidate(ctx, report, opts, cudaRoot, entry);
    entryOk = entry.checkEntry(parseFailed, rewritten);
  }

private:
  Report &report;
  const CheckOptions &opts;
  std::string cudaRoot;
  std::string &rewritten;
  bool &entryOk;
  const SourceManager *sm = nullptr;
};

class CheckAction : public ASTFrontendAction {
public:
  CheckAction(Report &report, const CheckOptions &opts, std::string cudaRoot,
              std::string &rewritten, bool &entryOk, std::set<unsigned> &includeLines)
      : report(report), opts(opts), cudaRoot(std::move(cudaRoot)), rewritten(rewritten),
        entryOk(entryOk), includeLines(includeLines) {}

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &ci, StringRef) override {
    // Only the candidate's bodies are checked; skipping the bodies of header
    // functions (CheckConsumer::shouldSkipFunctionBody) halves the parse time.
    // Sema never skips constexpr or auto-returning functions, whose bodies
    // parsing may need.
    ci.getFrontendOpts().SkipFunctionBodies = true;
    ci.getPreprocessor().addPPCallbacks(
        std::make_unique<IncludeWatcher>(ci.getSourceManager(), report, includeLines));
    return std::make_unique<CheckConsumer>(report, opts, cudaRoot, rewritten, entryOk);
  }

private:
  Report &report;
  const CheckOptions &opts;
  std::string cudaRoot;
  std::string &rewritten;
  bool &entryOk;
  std::set<unsigned> &includeLines;
};

std::string realPath(const std::string &p) {
  SmallString<256> out;
  if (llvm::sys::fs::real_path(p, out))
    return p;
  return std::string(out.str());
}

} // namespace

std::string defaultCudaPath() {
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *v = std::getenv(var); v && *v)
      return v;
  return PIKE_CHECKER_CUDA_PATH;
}

CheckResult checkCandidate(const std::string &source, const CheckOptions &options) {
  auto start = std::chrono::steady_clock::now();
  CheckResult result;
  Report report;
  std::string rewritten;
  bool entryOk = false;
  std::set<unsigned> includeLines;

  std::string resourceDir =
      options.resourceDir.empty() ? std::string(PIKE_CLANG_RESOURCE_DIR) : options.resourceDir;
  std::string cudaPath = options.cudaPath.empty() ? defaultCudaPath() : options.cudaPath;
  std::string cudaInclude = cudaPath + "/include";

  auto memFs = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  auto overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(
      llvm::vfs::getRealFileSystem());
  overlay->pushOverlay(memFs);
  memFs->addFile(kCandidatePath, 0, llvm::MemoryBuffer::getMemBufferCopy(source));
  memFs->addFile(kAbiHeaderPath, 0, llvm::MemoryBuffer::getMemBuffer(kKernelABIHeader));

  std::vector<std::string> args = {
      PIKE_CLANG_BINARY, "-x", "cuda", "--cuda-host-only", "-fsyntax-only", "-std=c++17",
      "--cuda-gpu-arch=" + options.gpuArch, "--cuda-path=" + cudaPath, "-nocudalib",
      "-resource-dir=" + resourceDir, "-Wno-unknown-cuda-version", "-ferror-limit=20",
      "-fno-caret-diagnostics",
      std::string("-I") + kVirtualRoot + "/include"};
  bool stubbed = false;
  for (const char *h : kRemovedCudaHeaders)
    if (!llvm::sys::fs::exists(cudaInclude + "/" + h)) {
      memFs->addFile(std::string(kVirtualRoot) + "/cuda-stubs/" + h, 0,
                     llvm::MemoryBuffer::getMemBuffer("/* removed in CUDA 13 */\n"));
      stubbed = true;
    }
  if (stubbed) {
    args.push_back("-isystem");
    args.push_back(std::string(kVirtualRoot) + "/cuda-stubs");
  }
  // libcu++ (cuda/std/...) lives under include/cccl since CUDA 13.
  if (llvm::sys::fs::is_directory(cudaInclude + "/cccl")) {
    args.push_back("-isystem");
    args.push_back(cudaInclude + "/cccl");
  }
  args.insert(args.end(), options.extraArgs.begin(), options.extraArgs.end());
  args.push_back(kCandidatePath);

  auto files = llvm::makeIntrusiveRefCnt<FileManager>(FileSystemOptions(), overlay);
  ParseDiagConsumer diagConsumer(report);
  auto action = std::make_unique<CheckAction>(report, options, realPath(cudaPath),
                                              rewritten, entryOk, includeLines);
  tooling::ToolInvocation invocation(args, std::move(action), files.get());
  invocation.setDiagnosticConsumer(&diagConsumer);
  // run() is false after any Clang error, including those nvccAccepts() drops;
  // entryOk is only set once the AST has been checked.
  bool ran = invocation.run();
  if (!ran && !entryOk && report.diags.empty())
    report.add(kRuleParse, "the CUDA front end could not run (check cudaPath and resourceDir)",
               0, 0);

  // A forbidden include also fails as "file not found": one diagnostic is enough.
  for (const Diagnostic &d : report.diags)
    if (!(d.rule == kRuleParse && d.file.empty() && includeLines.count(d.line)))
      result.diags.push_back(d);
  std::stable_sort(result.diags.begin(), result.diags.end(),
                   [](const Diagnostic &a, const Diagnostic &b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  result.accepted = entryOk && result.diags.empty();
  if (result.accepted)
    result.rewrittenSource = rewritten.empty() ? source : rewritten;
  result.parseSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string formatDiagnostic(const Diagnostic &d, const std::string &fileName) {
  std::ostringstream os;
  os << (d.file.empty() ? fileName : d.file);
  if (d.line)
    os << ":" << d.line << ":" << d.column;
  os << ": error: [" << d.rule << "] " << d.message;
  return os.str();
}

std::string formatDiagnostics(const CheckResult &r, const std::string &fileName) {
  std::string out;
  for (const Diagnostic &d : r.diags)
    out += formatDiagnostic(d, fileName) + "\n";
  return out;
}

} // namespace pike::checker
