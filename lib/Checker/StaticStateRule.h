// Rule `static-state`: no state that survives a call — mutable host globals and
// statics, __managed__ variables, and __device__ variables that device code
// writes and the host never resets.
#ifndef PIKE_LIB_CHECKER_STATICSTATERULE_H
#define PIKE_LIB_CHECKER_STATICSTATERULE_H

#include "CandidateContext.h"

#include "clang/AST/Expr.h"

#include <set>

namespace pike::checker {

class StaticStateRule {
public:
  explicit StaticStateRule(CandidateContext &c) : c(c) {}

  /// A variable with global storage (globals, statics, __device__ variables).
  void checkStaticVar(const clang::VarDecl *vd);

  /// Writes: the variable behind an assignment, ++/--, & or array decay.
  void noteWrite(const clang::Expr *e);
  /// Array subscripts read through their base; a decay anywhere else can write.
  void noteSubscriptBase(const clang::Expr *base) { subscriptBases.insert(base); }
  void noteArrayDecay(const clang::ImplicitCastExpr *ic);
  /// cudaMemcpyToSymbolAsync(var, ...) / cudaGetSymbolAddress(&p, var) reset a
  /// __device__ variable from the host: the walk brackets such calls.
  static bool isSymbolCall(const clang::CallExpr *ce);
  void enterSymbolCall(bool symbolCall) { hostSymbolCallDepth += symbolCall; }
  void leaveSymbolCall(bool symbolCall) { hostSymbolCallDepth -= symbolCall; }
  void noteReference(const clang::DeclRefExpr *dre);

  /// After the walk: __device__ variables written by device code and not reset.
  void finish();

private:
  CandidateContext &c;
  std::set<const clang::Expr *> subscriptBases;
  int hostSymbolCallDepth = 0;
  std::set<const clang::VarDecl *> deviceVars, writtenDeviceVars, resetFromHost;

  bool isConstVar(const clang::VarDecl *vd) const;
};

} // namespace pike::checker

#endif
