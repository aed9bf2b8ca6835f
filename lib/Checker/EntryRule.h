// Rule `entry`: exactly one C ABI entry (nvcc mode), renamed to the symbol
// pike's loader looks up; in NVRTC mode, the launch list's kernels defined
// `extern "C" __global__`.
#ifndef PIKE_LIB_CHECKER_ENTRYRULE_H
#define PIKE_LIB_CHECKER_ENTRYRULE_H

#include "CandidateContext.h"

#include "clang/AST/Expr.h"

#include <map>
#include <string>
#include <vector>

namespace pike::checker {

class EntryRule {
public:
  EntryRule(clang::ASTContext &ctx, Report &report, const CheckOptions &opts)
      : ctx(ctx), sm(ctx.getSourceManager()), report(report), opts(opts) {}

  /// Collects the candidate's functions with the entry signature (before the walk).
  void findEntries();
  /// The one extern "C" entry, null unless there is exactly one.
  const clang::FunctionDecl *entry() const {
    return entries.size() == 1 ? entries.front() : nullptr;
  }
  /// During the walk: a reference to a function, renamed with it if it is the entry.
  void noteReference(const clang::DeclRefExpr *dre);

  /// nvcc mode, after the walk: one entry with KernelABI.h's PikeTensorRef;
  /// `rewritten` gets the source with the entry renamed (when it needs it).
  /// `parseFailed`: Clang reported errors (then a missing entry is not reported).
  /// True when the candidate has a usable entry.
  bool checkEntry(bool parseFailed, std::string &rewritten);
  /// NVRTC mode: pike looks kernels up by their unmangled names. True when
  /// every kernel it launches is there.
  bool checkNvrtcKernels();

private:
  clang::ASTContext &ctx;
  clang::SourceManager &sm;
  Report &report;
  const CheckOptions &opts;
  std::vector<clang::FunctionDecl *> entries, cppLinkage;
  std::vector<clang::NamedDecl *> symbolClash;
  std::map<const clang::FunctionDecl *, std::vector<clang::SourceLocation>> fnRefs;

  bool checkTensorRefLayout(const clang::FunctionDecl *fd);
};

} // namespace pike::checker

#endif
