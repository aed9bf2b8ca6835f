// Rule `timing`: candidates must not read a clock (the harness times them).
#ifndef PIKE_LIB_CHECKER_TIMINGRULE_H
#define PIKE_LIB_CHECKER_TIMINGRULE_H

#include "CandidateContext.h"

#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"

namespace pike::checker {

class TimingRule {
public:
  explicit TimingRule(CandidateContext &c) : c(c) {}
  /// A call of a clock function or anything in std::chrono, host or device;
  /// true when reported (no other call rule applies then).
  bool checkCall(const clang::CallExpr *ce, const clang::FunctionDecl *callee);
  /// Inline assembly that reads a clock register; true when reported.
  bool checkAsm(const clang::GCCAsmStmt *as);

private:
  CandidateContext &c;
};

} // namespace pike::checker

#endif
