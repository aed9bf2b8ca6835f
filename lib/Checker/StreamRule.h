// Rule `stream`: all device work is enqueued on the entry's `stream` — kernel
// launches, stream arguments of calls, every place a stream value is made, and
// the streams of cudaLaunchKernelEx configs and cuBLAS/cuDNN handles.
#ifndef PIKE_LIB_CHECKER_STREAMRULE_H
#define PIKE_LIB_CHECKER_STREAMRULE_H

#include "CandidateContext.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"

namespace pike::checker {

class StreamRule {
public:
  explicit StreamRule(CandidateContext &c) : c(c) {}

  /// Host calls: every stream argument is the entry's (a defaulted one is not).
  void checkStreamArgs(const clang::CallExpr *ce, const clang::FunctionDecl *callee);
  /// A host-side `<<<...>>>` launch names the entry's stream.
  void checkLaunch(const clang::CUDAKernelCallExpr *kc);
  /// Stream arguments of a constructor call.
  void checkConstructArgs(const clang::CXXConstructExpr *ce);
  /// `s = ...` of a stream (and `config.stream = ...`).
  void checkAssignment(const clang::BinaryOperator *bo);
  void checkInitList(clang::InitListExpr *il);
  void checkFieldDecl(const clang::FieldDecl *fd);
  void checkConstructorDecl(const clang::CXXConstructorDecl *cd);
  void checkReturn(const clang::ReturnStmt *rs);
  /// Local (non-static) variables: stream variables, arrays and struct fields
  /// are initialised from the entry's stream.
  void checkLocalVar(const clang::VarDecl *vd);

  /// Host-call rule hooks: the first cudaLaunchKernelEx, and cuBLAS/cuDNN calls
  /// (stream setters and work on a handle).
  void noteLaunchEx(const clang::CallExpr *ce) {
    if (!firstLaunchEx)
      firstLaunchEx = ce;
  }
  void noteLibraryCall(const clang::CallExpr *ce, const clang::FunctionDecl *callee,
                       llvm::StringRef name);

  /// After the walk: launch configs and handles whose stream is never set.
  void finish();

private:
  CandidateContext &c;
  bool streamFieldAssigned = false;
  const clang::CallExpr *firstLaunchEx = nullptr;
  const clang::CallExpr *firstCublasWork = nullptr, *firstCudnnWork = nullptr;
  bool cublasStreamSet = false, cudnnStreamSet = false;

  bool isEntryStream(const clang::Expr *e) const;
  void requireEntryStream(const clang::Expr *e, const std::string &what);
  const clang::FieldDecl *uninitialisedStreamField(const clang::RecordDecl *rd) const;
};

} // namespace pike::checker

#endif
