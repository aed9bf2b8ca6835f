#include "StaticStateRule.h"

#include "AstQueries.h"

#include "clang/AST/Attr.h"

namespace pike::checker {

using namespace clang;

bool StaticStateRule::isConstVar(const VarDecl *vd) const {
  QualType t = vd->getType();
  return vd->isConstexpr() || t.isConstQualified() ||
         c.ctx.getBaseElementType(t).isConstQualified();
}

void StaticStateRule::checkStaticVar(const VarDecl *vd) {
  if (vd->hasAttr<CUDASharedAttr>() || isConstVar(vd))
    return; // shared memory is per block; constants cannot carry state
  if (vd->hasAttr<CUDAConstantAttr>())
    return; // kernels cannot write __constant__; the host rewrites it per call
  const auto *fn = dyn_cast<FunctionDecl>(vd->getDeclContext());
  bool deviceVar = vd->hasAttr<CUDADeviceAttr>() || (fn && isDeviceOnly(fn));
  if (vd->hasAttr<HIPManagedAttr>()) {
    c.diag(kRuleStaticState, vd->getLocation(),
           "__managed__ variable '" + vd->getName().str() +
               "' keeps state across calls; pass data through the entry's tensors");
    return;
  }
  if (deviceVar) {
    deviceVars.insert(vd->getCanonicalDecl());
    return; // judged in finish(): only written-and-never-reset ones are rejected
  }
  if (c.nvrtc)
    return; // host variables of an NVRTC source are never reached
  if (isLibraryHandleType(vd->getType()))
    return; // a cached cuBLAS/cuBLASLt/cuDNN handle holds no results
  std::string what = vd->isStaticLocal()       ? "function-local static"
                     : vd->isStaticDataMember() ? "static data member"
                                                : "mutable global";
  c.diag(kRuleStaticState, vd->getLocation(),
         what + " '" + vd->getName().str() +
             "' keeps host state across calls; candidates must not cache results, pointers "
             "or flags between calls (make it const/constexpr or a local; only a static "
             "cuBLAS/cuBLASLt/cuDNN handle is allowed)");
}

void StaticStateRule::noteWrite(const Expr *e) {
  e = e->IgnoreParenImpCasts();
  while (true) {
    if (const auto *ae = dyn_cast<ArraySubscriptExpr>(e))
      e = ae->getBase()->IgnoreParenImpCasts();
    else if (const auto *me = dyn_cast<MemberExpr>(e); me && !me->isArrow())
      e = me->getBase()->IgnoreParenImpCasts();
    else
      break;
  }
  if (const auto *dre = dyn_cast<DeclRefExpr>(e))
    if (const auto *vd = dyn_cast<VarDecl>(dre->getDecl()))
      writtenDeviceVars.insert(vd->getCanonicalDecl());
}

void StaticStateRule::noteArrayDecay(const ImplicitCastExpr *ic) {
  // An array decaying to a pointer outside a subscript can be written through
  // (atomicAdd(counters + i, 1)).
  if (ic->getCastKind() == CK_ArrayToPointerDecay && !subscriptBases.count(ic) &&
      c.inMain(ic->getBeginLoc()))
    noteWrite(ic->getSubExpr());
}

bool StaticStateRule::isSymbolCall(const CallExpr *ce) {
  const FunctionDecl *fd = ce->getDirectCallee();
  return fd && fd->getIdentifier() &&
         (fd->getName() == "cudaMemcpyToSymbolAsync" || fd->getName() == "cudaGetSymbolAddress");
}

void StaticStateRule::noteReference(const DeclRefExpr *dre) {
  if (auto *vd = dyn_cast<VarDecl>(dre->getDecl()))
    if (!isDeviceOnly(c.currentFunction()) && hostSymbolCallDepth > 0)
      resetFromHost.insert(vd->getCanonicalDecl());
}

void StaticStateRule::finish() {
  for (const VarDecl *vd : deviceVars)
    if (writtenDeviceVars.count(vd) && c.nvrtc)
      c.diag(kRuleStaticState, vd->getLocation(),
             "__device__ variable '" + vd->getName().str() +
                 "' is written by device code and keeps its value across launches; an NVRTC "
                 "candidate has no host code to reset it, so keep such state in registers or "
                 "shared memory");
    else if (writtenDeviceVars.count(vd) && !resetFromHost.count(vd))
      c.diag(kRuleStaticState, vd->getLocation(),
             "__device__ variable '" + vd->getName().str() +
                 "' is written by device code and keeps its value across calls; reset it "
                 "on the entry's 'stream' every call (cudaGetSymbolAddress + "
                 "cudaMemsetAsync) or use memory from cudaMallocAsync");
}

} // namespace pike::checker
