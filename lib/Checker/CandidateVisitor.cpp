#include "CandidateVisitor.h"

#include "AstQueries.h"
#include "HostCallRule.h"
#include "StaticStateRule.h"
#include "StreamRule.h"
#include "TimingRule.h"

#include "clang/AST/RecursiveASTVisitor.h"

#include <set>

namespace pike::checker {

using namespace clang;

namespace {

// Each Visit* hands the node to the rules in a fixed order (the order their
// diagnostics at one place are listed in).
class CandidateVisitor : public RecursiveASTVisitor<CandidateVisitor> {
  using Base = RecursiveASTVisitor<CandidateVisitor>;

public:
  CandidateVisitor(ASTContext &ctx, Report &report, const CheckOptions &opts,
                   std::string cudaRoot, EntryRule &entryRule)
      : c(ctx, report, opts, std::move(cudaRoot)), entryRule(entryRule), timing(c),
        streams(c), hostCalls(c, streams), staticState(c) {
    c.entry = c.nvrtc ? nullptr : entryRule.entry(); // an NVRTC source has no host entry
  }

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return false; }

  void run() {
    for (Decl *d : c.ctx.getTranslationUnitDecl()->decls())
      if (c.inMain(d->getLocation()))
        TraverseDecl(d);
    staticState.finish();
    streams.finish();
  }

  // Context tracking: calls are judged by the function they appear in.
  bool TraverseDecl(Decl *d) {
    auto *fd = dyn_cast_or_null<FunctionDecl>(d);
    // NVRTC compiles device code only: host functions never run.
    if (fd && c.nvrtc && !fd->hasAttr<CUDADeviceAttr>() && !fd->hasAttr<CUDAGlobalAttr>())
      return true;
    if (fd)
      c.fnStack.push_back(fd);
    bool ok = Base::TraverseDecl(d);
    if (fd)
      c.fnStack.pop_back();
    return ok;
  }
  bool TraverseLambdaExpr(LambdaExpr *l) {
    c.fnStack.push_back(l->getCallOperator());
    bool ok = Base::TraverseLambdaExpr(l);
    c.fnStack.pop_back();
    return ok;
  }
  bool TraverseCallExpr(CallExpr *ce) {
    bool symbolCall = StaticStateRule::isSymbolCall(ce);
    staticState.enterSymbolCall(symbolCall);
    bool ok = Base::TraverseCallExpr(ce);
    staticState.leaveSymbolCall(symbolCall);
    return ok;
  }

  // --- calls -------------------------------------------------------------

  bool VisitCallExpr(CallExpr *ce) {
    if (!c.inMain(ce->getBeginLoc()))
      return true;
    if (auto *kc = dyn_cast<CUDAKernelCallExpr>(ce)) {
      if (const CallExpr *cfg = kc->getConfig()) {
        launchConfigs.insert(cfg);
        if (hostCalls.checkLaunchSite(kc))
          streams.checkLaunch(kc);
      }
      return true;
    }
    if (launchConfigs.count(ce))
      return true; // the <<<...>>> configuration of a launch
    bool device = isDeviceOnly(c.currentFunction()) || c.nvrtc;
    const FunctionDecl *callee = ce->getDirectCallee();
    if (!callee) {
      hostCalls.checkIndirectCall(ce, device);
      return true;
    }
    // A function of the candidate is checked where it is defined.
    if (!c.definedInCandidate(callee) && !timing.checkCall(ce, callee))
      hostCalls.checkCall(ce, callee, device);
    if (!device)
      streams.checkStreamArgs(ce, callee);
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *ce) {
    if (!c.inMain(ce->getBeginLoc()))
      return true;
    hostCalls.checkConstruct(ce);
    streams.checkConstructArgs(ce);
    return true;
  }
  bool VisitCXXNewExpr(CXXNewExpr *ne) {
    if (c.inMain(ne->getBeginLoc()))
      hostCalls.checkNew(ne);
    return true;
  }
  bool VisitCXXDeleteExpr(CXXDeleteExpr *de) {
    if (c.inMain(de->getBeginLoc()))
      hostCalls.checkDelete(de);
    return true;
  }
  bool VisitGCCAsmStmt(GCCAsmStmt *as) {
    if (c.inMain(as->getBeginLoc()) && !timing.checkAsm(as))
      hostCalls.checkAsm(as);
    return true;
  }
  bool VisitMSAsmStmt(MSAsmStmt *as) {
    if (c.inMain(as->getBeginLoc()))
      hostCalls.checkMSAsm(as);
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *dre) {
    if (isa<FunctionDecl>(dre->getDecl()) && c.inMain(dre->getLocation()))
      entryRule.noteReference(dre);
    staticState.noteReference(dre);
    return true;
  }

  // --- writes: stream values and __device__ globals ------------------------

  bool VisitBinaryOperator(BinaryOperator *bo) {
    if (!c.inMain(bo->getBeginLoc()) || !bo->isAssignmentOp())
      return true;
    staticState.noteWrite(bo->getLHS());
    streams.checkAssignment(bo);
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *uo) {
    if (c.inMain(uo->getBeginLoc()) &&
        (uo->isIncrementDecrementOp() || uo->getOpcode() == UO_AddrOf))
      staticState.noteWrite(uo->getSubExpr());
    return true;
  }
  bool VisitArraySubscriptExpr(ArraySubscriptExpr *ae) {
    staticState.noteSubscriptBase(ae->getBase());
    return true;
  }
  bool VisitImplicitCastExpr(ImplicitCastExpr *ic) {
    staticState.noteArrayDecay(ic);
    return true;
  }
  bool VisitInitListExpr(InitListExpr *il) {
    if (c.inMain(il->getBeginLoc()))
      streams.checkInitList(il);
    return true;
  }
  bool VisitFieldDecl(FieldDecl *fd) {
    if (c.inMain(fd->getLocation()))
      streams.checkFieldDecl(fd);
    return true;
  }
  bool VisitCXXConstructorDecl(CXXConstructorDecl *cd) {
    if (c.inMain(cd->getLocation()))
      streams.checkConstructorDecl(cd);
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *rs) {
    if (c.inMain(rs->getBeginLoc()))
      streams.checkReturn(rs);
    return true;
  }

  // --- variables -----------------------------------------------------------

  bool VisitVarDecl(VarDecl *vd) {
    if (!c.inMain(vd->getLocation()) || isa<ParmVarDecl>(vd))
      return true;
    if (!vd->hasGlobalStorage())
      streams.checkLocalVar(vd);
    else
      staticState.checkStaticVar(vd);
    return true;
  }

private:
  CandidateContext c;
  EntryRule &entryRule;
  TimingRule timing;
  StreamRule streams;
  HostCallRule hostCalls;
  StaticStateRule staticState;
  std::set<const Expr *> launchConfigs;
};

} // namespace

void walkCandidate(ASTContext &ctx, Report &report, const CheckOptions &opts,
                   const std::string &cudaRoot, EntryRule &entry) {
  CandidateVisitor(ctx, report, opts, cudaRoot, entry).run();
}

} // namespace pike::checker
