#include "StreamRule.h"

#include "AstQueries.h"

namespace pike::checker {

using namespace clang;

// Is `e` the entry's stream or a value that can only hold it? Every place a
// stream value is made (variable init, assignment, aggregate init, call
// argument, return) is checked, so variables, parameters and fields of the
// candidate hold the entry's stream by induction.
bool StreamRule::isEntryStream(const Expr *e) const {
  e = e->IgnoreParenImpCasts();
  if (const auto *ce = dyn_cast<ExplicitCastExpr>(e)) {
    const Expr *sub = ce->getSubExpr()->IgnoreParenImpCasts();
    return isStreamType(sub->getType()) && isEntryStream(sub);
  }
  if (const auto *dre = dyn_cast<DeclRefExpr>(e)) {
    const auto *vd = dyn_cast<VarDecl>(dre->getDecl());
    // A local without initialiser holds whatever an out-parameter wrote.
    return vd && !vd->hasGlobalStorage() && c.inMain(vd->getLocation()) &&
           (isa<ParmVarDecl>(vd) || vd->hasInit());
  }
  if (isa<MemberExpr>(e) || isa<ArraySubscriptExpr>(e))
    return true;
  if (const auto *uo = dyn_cast<UnaryOperator>(e))
    return uo->getOpcode() == UO_Deref;
  if (const auto *co = dyn_cast<ConditionalOperator>(e))
    return isEntryStream(co->getTrueExpr()) && isEntryStream(co->getFalseExpr());
  if (const auto *call = dyn_cast<CallExpr>(e))
    return call->getDirectCallee() && c.definedInCandidate(call->getDirectCallee());
  return false;
}

void StreamRule::requireEntryStream(const Expr *e, const std::string &what) {
  if (c.nvrtc || isEntryStream(e) || e->isValueDependent() || e->isTypeDependent())
    return;
  c.diag(kRuleStream, e->getBeginLoc(),
         what + " with stream '" + c.text(e) + "', which is not the entry's '" +
             c.entryStreamName() + "'; all device work must be enqueued on '" +
             c.entryStreamName() + "'");
}

void StreamRule::checkStreamArgs(const CallExpr *ce, const FunctionDecl *callee) {
  for (unsigned i = 0; i < ce->getNumArgs(); ++i) {
    const Expr *arg = ce->getArg(i);
    if (!isStreamType(arg->getType()))
      continue;
    std::string qname = callee->getQualifiedNameAsString();
    if (isa<CXXDefaultArgExpr>(arg)) {
      c.diag(kRuleStream, ce->getBeginLoc(),
             "'" + qname + "' is called without a stream argument and runs on the default "
                           "stream; pass the entry's '" + c.entryStreamName() + "'");
      continue;
    }
    requireEntryStream(arg, "'" + qname + "' is called");
  }
}

void StreamRule::checkLaunch(const CUDAKernelCallExpr *kc) {
  const CallExpr *cfg = kc->getConfig();
  const Expr *stream = cfg->getNumArgs() >= 4 ? cfg->getArg(3) : nullptr;
  if (!stream || isa<CXXDefaultArgExpr>(stream)) {
    c.diag(kRuleStream, kc->getBeginLoc(),
           "kernel launch without a stream argument runs on the default stream; pass the "
           "entry's '" + c.entryStreamName() + "' as the fourth launch parameter");
    return;
  }
  if (!isEntryStream(stream) && !stream->isValueDependent())
    c.diag(kRuleStream, stream->getBeginLoc(),
           "kernel launch on stream '" + c.text(stream) + "', which is not the entry's '" +
               c.entryStreamName() + "'; all device work must be enqueued on '" +
               c.entryStreamName() + "'");
}

void StreamRule::checkConstructArgs(const CXXConstructExpr *ce) {
  const CXXRecordDecl *rd = ce->getConstructor()->getParent();
  for (unsigned i = 0; i < ce->getNumArgs(); ++i)
    if (isStreamType(ce->getArg(i)->getType()))
      requireEntryStream(ce->getArg(i), "'" + rd->getName().str() + "' is constructed");
}

void StreamRule::checkAssignment(const BinaryOperator *bo) {
  if (bo->getOpcode() != BO_Assign || !isStreamType(bo->getLHS()->getType()))
    return;
  requireEntryStream(bo->getRHS(), "the stream variable is assigned");
  if (const auto *me = dyn_cast<MemberExpr>(bo->getLHS()->IgnoreParenImpCasts()))
    if (me->getMemberDecl()->getName() == "stream")
      streamFieldAssigned = true;
}

void StreamRule::checkInitList(InitListExpr *il) {
  // The traversal shows the syntactic form; zero fillers live in the semantic one.
  if (!il->isSemanticForm() && il->getSemanticForm())
    il = il->getSemanticForm();
  // Elements and fields without an initialiser are zero: the default stream.
  if (c.nvrtc)
    return;
  if (il->hasArrayFiller() && isStreamType(il->getArrayFiller()->getType()))
    c.diag(kRuleStream, il->getBeginLoc(),
           "stream array elements without an initialiser are null, the default stream; "
           "initialise every element from the entry's '" + c.entryStreamName() + "'");
  const RecordDecl *rd = il->getType()->getAsRecordDecl();
  for (Expr *e : il->inits()) {
    if (!e || !isStreamType(e->getType()))
      continue;
    if (!isa<ImplicitValueInitExpr>(e)) {
      requireEntryStream(e, "an aggregate is initialised");
      streamFieldAssigned = true;
    } else if (rd && c.inMain(rd->getLocation())) {
      // (CUDA's own structs, cudaLaunchConfig_t, are set field by field.)
      c.diag(kRuleStream, il->getBeginLoc(),
             "'" + rd->getName().str() + "' is initialised without its stream, which is then "
             "null, the default stream; initialise it from the entry's '" + c.entryStreamName() +
             "'");
    }
  }
}

void StreamRule::checkFieldDecl(const FieldDecl *fd) {
  if (isStreamType(fd->getType()) && fd->hasInClassInitializer() && fd->getInClassInitializer())
    requireEntryStream(fd->getInClassInitializer(), "a default member initialiser");
}

void StreamRule::checkConstructorDecl(const CXXConstructorDecl *cd) {
  for (const CXXCtorInitializer *init : cd->inits())
    if (init->isWritten() && init->isMemberInitializer() &&
        isStreamType(init->getMember()->getType()))
      requireEntryStream(init->getInit(), "member '" + init->getMember()->getName().str() +
                                              "' is initialised");
}

void StreamRule::checkReturn(const ReturnStmt *rs) {
  if (rs->getRetValue() && isStreamType(rs->getRetValue()->getType()))
    requireEntryStream(rs->getRetValue(), "a stream is returned");
}

// A stream field of a candidate struct that nothing initialises by default.
const FieldDecl *StreamRule::uninitialisedStreamField(const RecordDecl *rd) const {
  if (!rd || !c.inMain(rd->getLocation()) || !rd->getDefinition())
    return nullptr;
  for (const FieldDecl *f : rd->getDefinition()->fields())
    if (isStreamType(f->getType()) && !f->hasInClassInitializer())
      return f;
  return nullptr;
}

void StreamRule::checkLocalVar(const VarDecl *vd) {
  if (c.nvrtc || vd->getDeclContext()->isDependentContext())
    return;
  QualType elem = c.ctx.getBaseElementType(vd->getType());
  if (vd->getType()->isArrayType() && isStreamType(elem) && !vd->hasInit())
    c.diag(kRuleStream, vd->getLocation(),
           "stream array '" + vd->getName().str() +
               "' is not initialised; initialise it from the entry's '" + c.entryStreamName() +
               "'");
  if (const FieldDecl *f = uninitialisedStreamField(elem->getAsRecordDecl()))
    if (const auto *ce = dyn_cast_or_null<CXXConstructExpr>(vd->getInit());
        !vd->hasInit() || (ce && ce->getConstructor()->isDefaultConstructor() &&
                           ce->getConstructor()->isTrivial()))
      c.diag(kRuleStream, vd->getLocation(),
             "'" + vd->getName().str() + "' leaves its stream field '" + f->getName().str() +
                 "' uninitialised; initialise it from the entry's '" + c.entryStreamName() +
                 "'");
  if (isStreamType(vd->getType())) {
    if (!vd->hasInit())
      c.diag(kRuleStream, vd->getLocation(),
             "stream variable '" + vd->getName().str() +
                 "' is not initialised; initialise it from the entry's 'stream'");
    else
      requireEntryStream(vd->getInit(), "'" + vd->getName().str() + "' is initialised");
  }
}

void StreamRule::noteLibraryCall(const CallExpr *ce, const FunctionDecl *callee, StringRef n) {
  if (n.starts_with("cublasSetStream"))
    cublasStreamSet = true;
  if (n == "cudnnSetStream")
    cudnnStreamSet = true;
  // Work on a handle runs on the handle's stream: the default stream unless set.
  if (callee->getNumParams() == 0 || n.starts_with("cublasLt"))
    return;
  QualType first = callee->getParamDecl(0)->getType().getCanonicalType();
  if (!first->isPointerType() || !first->getPointeeType()->getAsRecordDecl())
    return;
  StringRef handle = first->getPointeeType()->getAsRecordDecl()->getName();
  bool admin = n.contains("Create") || n.contains("Destroy") || n.contains("Set") ||
               n.contains("Get");
  if (admin)
    return;
  if (handle == "cublasContext" && !firstCublasWork)
    firstCublasWork = ce;
  if (handle == "cudnnContext" && !firstCudnnWork)
    firstCudnnWork = ce;
}

void StreamRule::finish() {
  if (firstLaunchEx && !streamFieldAssigned)
    c.diag(kRuleStream, firstLaunchEx->getBeginLoc(),
           "cudaLaunchKernelEx with a launch config whose 'stream' is never set runs on "
           "the default stream; set config.stream = " + c.entryStreamName());
  if (firstCublasWork && !cublasStreamSet)
    c.diag(kRuleStream, firstCublasWork->getBeginLoc(),
           "cuBLAS work runs on the handle's stream, the default stream unless "
           "cublasSetStream(handle, " + c.entryStreamName() + ") is called first");
  if (firstCudnnWork && !cudnnStreamSet)
    c.diag(kRuleStream, firstCudnnWork->getBeginLoc(),
           "cuDNN work runs on the handle's stream, the default stream unless "
           "cudnnSetStream(handle, " + c.entryStreamName() + ") is called first");
}

} // namespace pike::checker
