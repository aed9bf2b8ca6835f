// Rule `host-call`: host code calls only an allow-list (the candidate's own
// functions, the CUDA runtime launch/stream-ordered memory subset, cuBLAS,
// cuBLASLt, cuDNN, math and a few std/C functions); device code neither
// allocates nor uses the device runtime; no heap, no unchecked calls.
#ifndef PIKE_LIB_CHECKER_HOSTCALLRULE_H
#define PIKE_LIB_CHECKER_HOSTCALLRULE_H

#include "CandidateContext.h"
#include "StreamRule.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"

namespace pike::checker {

class HostCallRule {
public:
  /// Allowed cudaLaunchKernelEx and cuBLAS/cuDNN calls are passed on to `streams`.
  HostCallRule(CandidateContext &c, StreamRule &streams) : c(c), streams(streams) {}

  /// A call through a function pointer (no direct callee).
  void checkIndirectCall(const clang::CallExpr *ce, bool device);
  /// A call of a function the candidate does not define (the timing rule has
  /// passed it); `device`: the call is in device code.
  void checkCall(const clang::CallExpr *ce, const clang::FunctionDecl *callee, bool device);
  /// std classes constructed in host code.
  void checkConstruct(const clang::CXXConstructExpr *ce);
  void checkNew(const clang::CXXNewExpr *ne);
  void checkDelete(const clang::CXXDeleteExpr *de);
  /// Inline assembly in host code (the timing rule has passed it).
  void checkAsm(const clang::GCCAsmStmt *as);
  void checkMSAsm(const clang::MSAsmStmt *as);
  /// A `<<<...>>>` launch; false (reported) when it is in device code.
  bool checkLaunchSite(const clang::CUDAKernelCallExpr *kc);

private:
  CandidateContext &c;
  StreamRule &streams;

  void checkHostCallee(const clang::CallExpr *ce, const clang::FunctionDecl *callee,
                       const std::string &name, const std::string &qname);
};

} // namespace pike::checker

#endif
