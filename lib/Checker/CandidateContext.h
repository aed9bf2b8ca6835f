// What every rule family of the checker shares: the diagnostics being
// collected, the in-memory file layout of a check, and the state of the AST
// walk (which function a node is in, the entry point) with the location and
// provenance queries the rules ask.
#ifndef PIKE_LIB_CHECKER_CANDIDATECONTEXT_H
#define PIKE_LIB_CHECKER_CANDIDATECONTEXT_H

#include "pike/Checker/Checker.h"

#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"

#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace pike::checker {

// Every virtual file lives under this root of the in-memory file system.
constexpr const char *kVirtualRoot = "/pike-checker";
constexpr const char *kCandidateDir = "/pike-checker/src/";
constexpr const char *kCandidatePath = "/pike-checker/src/candidate.cu";
constexpr const char *kAbiHeaderPath = "/pike-checker/include/pike/Runtime/KernelABI.h";

/// The diagnostics of one check, each (rule, place, message) once.
struct Report {
  std::vector<Diagnostic> diags;
  std::set<std::tuple<std::string, unsigned, unsigned, std::string>> seen;

  void add(std::string rule, std::string message, unsigned line, unsigned col,
           std::string file = "") {
    if (!seen.insert({rule, line, col, message}).second)
      return; // template instantiations revisit the pattern's locations
    diags.push_back({std::move(rule), std::move(message), line, col, std::move(file)});
  }
};

/// The AST walk's shared state and queries (CandidateVisitor keeps fnStack;
/// the entry rule sets entry before the walk).
class CandidateContext {
public:
  CandidateContext(clang::ASTContext &ctx, Report &report, const CheckOptions &opts,
                   std::string cudaRoot)
      : ctx(ctx), sm(ctx.getSourceManager()), report(report), opts(opts),
        cudaRoot(std::move(cudaRoot)), nvrtc(opts.mode == "nvrtc") {}

  clang::ASTContext &ctx;
  clang::SourceManager &sm;
  Report &report;
  const CheckOptions &opts;
  const std::string cudaRoot; // real path of the toolkit the candidate is parsed against
  const bool nvrtc;           // device-only source: host code never runs
  /// The one C ABI entry (nvcc mode), when there is exactly one.
  const clang::FunctionDecl *entry = nullptr;
  /// Functions (and lambdas' call operators) enclosing the node being visited.
  std::vector<const clang::FunctionDecl *> fnStack;

  const clang::FunctionDecl *currentFunction() const {
    return fnStack.empty() ? nullptr : fnStack.back();
  }
  /// In the candidate itself (after macro expansion), not a header.
  bool inMain(clang::SourceLocation loc) const {
    return loc.isValid() && sm.isInMainFile(sm.getFileLoc(loc));
  }
  /// Reports `message` under `rule` at `loc` (its file location).
  void diag(const char *rule, clang::SourceLocation loc, std::string message);
  /// The source text of `e` ("<expr>" when there is none).
  std::string text(const clang::Expr *e) const;
  /// The name of the entry's stream parameter ("stream" by default).
  std::string entryStreamName() const;

  /// Defined in the candidate (templates: their pattern is).
  bool definedInCandidate(const clang::FunctionDecl *fd) const;
  /// Declared only in the candidate and never defined there.
  bool declaredInCandidateOnly(const clang::FunctionDecl *fd) const;
  /// In namespace std (or __gnu_cxx).
  bool inStd(const clang::Decl *d) const;
  /// Every declaration comes from a CUDA toolkit header or Clang's CUDA wrappers.
  bool onlyInCudaHeaders(const clang::FunctionDecl *fd) const;
  bool fromCudaHeader(const clang::Decl *d) const;
};

} // namespace pike::checker

#endif
