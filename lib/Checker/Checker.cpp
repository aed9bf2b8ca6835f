// The candidate checker: parse as CUDA (host side) with Clang, walk the AST of
// the candidate's own declarations, and report rule violations.
#include "pike/Checker/Checker.h"

#include "Policy.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/RecordLayout.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticParse.h"
#include "clang/Basic/DiagnosticSema.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Rewrite/Core/Rewriter.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
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

// Every virtual file lives under this root of the in-memory file system.
constexpr const char *kVirtualRoot = "/pike-checker";
constexpr const char *kCandidateDir = "/pike-checker/src/";
constexpr const char *kCandidatePath = "/pike-checker/src/candidate.cu";
constexpr const char *kAbiHeaderPath = "/pike-checker/include/pike/Runtime/KernelABI.h";

// CUDA 13 dropped the texture/surface function headers that Clang 19's CUDA
// wrapper still includes; empty stand-ins let the real headers parse.
const char *const kRemovedCudaHeaders[] = {"texture_fetch_functions.h",
                                           "texture_indirect_functions.h",
                                           "surface_indirect_functions.h",
                                           "surface_functions.h"};

// ---------------------------------------------------------------------------
// Diagnostics collection

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

// Clang errors on code that nvcc, which compiles the candidate, accepts. Rejecting
// for them would send a correct candidate back to the fix agent.
bool nvccAccepts(const clang::Diagnostic &info) {
  // `__shared__ cuda::barrier<...> bar;` (nvcc: warning static_var_with_dynamic_init).
  if (info.getID() == diag::err_shared_var_init)
    return true;
  // `__shared__ alignas(16) float tile[N];`: Clang wants alignas first.
  if (info.getID() == diag::err_attributes_not_allowed && info.hasSourceManager() &&
      info.getLocation().isValid()) {
    const SourceManager &sm = info.getSourceManager();
    bool invalid = false;
    const char *p = sm.getCharacterData(sm.getSpellingLoc(info.getLocation()), &invalid);
    return !invalid && std::strncmp(p, "alignas", 7) == 0;
  }
  return false;
}

// Clang's own errors become rule "parse"; warnings are not the checker's business.
class ParseDiagConsumer : public DiagnosticConsumer {
public:
  explicit ParseDiagConsumer(Report &r) : report(r) {}
  void HandleDiagnostic(DiagnosticsEngine::Level level, const clang::Diagnostic &info) override {
    DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < DiagnosticsEngine::Error || nvccAccepts(info))
      return;
    SmallString<256> text;
    info.FormatDiagnostic(text);
    unsigned line = 0, col = 0;
    std::string file;
    std::string message(text.str());
    if (info.hasSourceManager() && info.getLocation().isValid()) {
      const SourceManager &sm = info.getSourceManager();
      SourceLocation loc = sm.getFileLoc(info.getLocation());
      PresumedLoc p = sm.getPresumedLoc(loc);
      if (p.isValid()) {
        line = p.getLine();
        col = p.getColumn();
        if (!sm.isInMainFile(loc)) {
          // An error inside a header is almost always caused by the candidate
          // (a macro, a missing include order): point at the candidate's
          // #include that leads there.
          SourceLocation inc = loc;
          while (inc.isValid() && !sm.isInMainFile(inc))
            inc = sm.getIncludeLoc(sm.getFileID(inc));
          PresumedLoc ip = inc.isValid() ? sm.getPresumedLoc(inc) : PresumedLoc();
          if (ip.isValid()) {
            message = "in included file " + std::string(p.getFilename()) + ":" +
                      std::to_string(p.getLine()) + ": " + message;
            line = ip.getLine();
            col = ip.getColumn();
          } else {
            file = p.getFilename();
          }
        }
      }
    }
    report.add(kRuleParse, message, line, col, file);
  }

private:
  Report &report;
};

// #include rule: seen by the preprocessor even when the header does not exist.
class IncludeWatcher : public PPCallbacks {
public:
  IncludeWatcher(const SourceManager &sm, Report &r, std::set<unsigned> &lines)
      : sm(sm), report(r), forbiddenLines(lines) {}
  void InclusionDirective(SourceLocation hashLoc, const Token &, StringRef fileName,
                          bool isAngled, CharSourceRange, OptionalFileEntryRef file, StringRef,
                          StringRef, const Module *, bool, SrcMgr::CharacteristicKind) override {
    // The candidate's own directives (not the -include'd CUDA wrapper, which
    // isInMainFile() also accepts).
    if (sm.getFileID(hashLoc) != sm.getMainFileID())
      return;
    std::string why;
    if (policy::isForbiddenInclude(fileName))
      why = "is a torch/ATen/c10/pybind header; candidates talk to pike only through "
            "pike/Runtime/KernelABI.h (raw device pointers in PikeTensorRef)";
    else if (fileName.starts_with("/") || fileName.contains(".."))
      why = "names a file outside the include paths; a candidate may include only system, "
            "CUDA toolkit and pike/Runtime/KernelABI.h headers";
    // "cuda_runtime.h" in quotes is fine: it is found on the include paths. Only
    // the candidate's directory holds nothing but the candidate.
    else if (!isAngled && (!file || file->getName().starts_with(kCandidateDir)))
      why = "is a local header, which the compiler will not have: a candidate is one "
            "self-contained file (include system and CUDA headers with <...>)";
    if (why.empty())
      return;
    PresumedLoc p = sm.getPresumedLoc(hashLoc);
    forbiddenLines.insert(p.getLine());
    report.add(kRuleInclude, "'" + fileName.str() + "' " + why, p.getLine(), p.getColumn());
  }

private:
  const SourceManager &sm;
  Report &report;
  std::set<unsigned> &forbiddenLines;
};

// ---------------------------------------------------------------------------
// Type helpers

bool isStreamType(QualType t) {
  t = t.getCanonicalType();
  if (!t->isPointerType())
    return false;
  const auto *rd = t->getPointeeType()->getAsRecordDecl();
  return rd && rd->getName() == "CUstream_st";
}

// cublasHandle_t, cublasLtHandle_t, cudnnHandle_t: opaque library handles whose
// creation is expensive; caching one in a static does not cache results.
bool isLibraryHandleType(QualType t) {
  t = t.getCanonicalType();
  if (!t->isPointerType())
    return false;
  const auto *rd = t->getPointeeType()->getAsRecordDecl();
  if (!rd)
    return false;
  StringRef n = rd->getName();
  return n == "cublasContext" || n == "cublasLtContext" || n == "cudnnContext";
}

const RecordDecl *pointeeRecord(QualType t, bool &isConst) {
  t = t.getCanonicalType();
  if (!t->isPointerType())
    return nullptr;
  QualType p = t->getPointeeType();
  isConst = p.isConstQualified();
  return p->getAsRecordDecl();
}

bool isTensorRefRecord(const RecordDecl *rd) {
  if (!rd)
    return false;
  if (rd->getName() == "PikeTensorRef")
    return true;
  const TypedefNameDecl *td = rd->getTypedefNameForAnonDecl();
  return td && td->getName() == "PikeTensorRef";
}

bool isInt32(const ASTContext &ctx, QualType t) {
  t = t.getCanonicalType();
  return t->isIntegerType() && !t->isBooleanType() && t->isSignedIntegerType() &&
         ctx.getTypeSize(t) == 32;
}

// int NAME(const PikeTensorRef*, int32_t, PikeTensorRef*, int32_t, cudaStream_t)
bool hasEntrySignature(const ASTContext &ctx, const FunctionDecl *fd) {
  if (fd->getNumParams() != 5 || !isInt32(ctx, fd->getReturnType()))
    return false;
  bool c0 = false, c2 = false;
  const RecordDecl *r0 = pointeeRecord(fd->getParamDecl(0)->getType(), c0);
  const RecordDecl *r2 = pointeeRecord(fd->getParamDecl(2)->getType(), c2);
  return isTensorRefRecord(r0) && c0 && isTensorRefRecord(r2) && !c2 &&
         isInt32(ctx, fd->getParamDecl(1)->getType()) &&
         isInt32(ctx, fd->getParamDecl(3)->getType()) &&
         isStreamType(fd->getParamDecl(4)->getType());
}

bool isDeviceOnly(const FunctionDecl *fd) {
  return fd && (fd->hasAttr<CUDADeviceAttr>() || fd->hasAttr<CUDAGlobalAttr>()) &&
         !fd->hasAttr<CUDAHostAttr>();
}

// True if some enclosing namespace of `dc` is called `name`.
bool inNamespaceNamed(const DeclContext *dc, StringRef name) {
  for (; dc; dc = dc->getParent())
    if (const auto *ns = dyn_cast<NamespaceDecl>(dc))
      if (ns->getName() == name)
        return true;
  return false;
}

const NamespaceDecl *outermostNamespace(const DeclContext *dc) {
  const NamespaceDecl *out = nullptr;
  for (; dc; dc = dc->getParent())
    if (const auto *ns = dyn_cast<NamespaceDecl>(dc))
      if (!ns->isInline())
        out = ns;
  return out;
}

const RecordDecl *enclosingRecord(const Decl *d) {
  return dyn_cast_or_null<RecordDecl>(d->getDeclContext());
}

bool atGlobalScope(const Decl *d) {
  return d->getDeclContext()->getRedeclContext()->isTranslationUnit();
}

// ---------------------------------------------------------------------------
// The AST walk

class CandidateVisitor : public RecursiveASTVisitor<CandidateVisitor> {
  using Base = RecursiveASTVisitor<CandidateVisitor>;

public:
  CandidateVisitor(ASTContext &ctx, Report &report, const CheckOptions &opts,
                   std::string cudaRoot)
      : ctx(ctx), sm(ctx.getSourceManager()), report(report), opts(opts),
        cudaRoot(std::move(cudaRoot)), nvrtc(opts.mode == "nvrtc") {}

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return false; }

  // Context tracking: calls are judged by the function they appear in.
  bool TraverseDecl(Decl *d) {
    auto *fd = dyn_cast_or_null<FunctionDecl>(d);
    // NVRTC compiles device code only: host functions never run.
    if (fd && nvrtc && !fd->hasAttr<CUDADeviceAttr>() && !fd->hasAttr<CUDAGlobalAttr>())
      return true;
    if (fd)
      fnStack.push_back(fd);
    bool ok = Base::TraverseDecl(d);
    if (fd)
      fnStack.pop_back();
    return ok;
  }
  bool TraverseLambdaExpr(LambdaExpr *l) {
    fnStack.push_back(l->getCallOperator());
    bool ok = Base::TraverseLambdaExpr(l);
    fnStack.pop_back();
    return ok;
  }

  void run() {
    for (Decl *d : ctx.getTranslationUnitDecl()->decls())
      if (inMain(d->getLocation()))
        TraverseDecl(d);
    finish();
  }

  // Results for the entry rule.
  const FunctionDecl *entry = nullptr;
  std::map<const FunctionDecl *, std::vector<SourceLocation>> fnRefs;

  // --- calls -------------------------------------------------------------

  bool VisitCallExpr(CallExpr *ce) {
    if (!inMain(ce->getBeginLoc()))
      return true;
    if (auto *kc = dyn_cast<CUDAKernelCallExpr>(ce)) {
      checkLaunch(kc);
      return true;
    }
    if (launchConfigs.count(ce))
      return true;
    const FunctionDecl *ctxFn = currentFunction();
    bool device = isDeviceOnly(ctxFn) || nvrtc;
    const FunctionDecl *callee = ce->getDirectCallee();
    if (!callee) {
      if (!device && !ce->isTypeDependent() && !ce->isValueDependent() &&
          !isa<CXXPseudoDestructorExpr>(ce->getCallee()->IgnoreParens()) &&
          !ce->getCallee()->getType()->isDependentType() && !isMemberOrOperatorCall(ce))
        diag(kRuleHostCall, ce->getBeginLoc(),
             "call through a function pointer cannot be checked; call the function directly");
      return true;
    }
    checkCallee(ce, callee, device);
    if (!device)
      checkStreamArgs(ce, callee);
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *ce) {
    if (!inMain(ce->getBeginLoc()))
      return true;
    const CXXConstructorDecl *ctor = ce->getConstructor();
    const CXXRecordDecl *rd = ctor->getParent();
    if (!isDeviceOnly(currentFunction()) && rd && inStd(rd) &&
        !policy::isAllowedStdClass(rd->getName())) {
      std::string reason = policy::denyReason(rd->getName());
      diag(kRuleHostCall, ce->getBeginLoc(),
           "'std::" + rd->getName().str() + "' is not allowed in a candidate" +
               (reason.empty() ? std::string(" (host code may use std containers, "
                                             "algorithms and math only)")
                               : "; " + reason));
    }
    for (unsigned i = 0; i < ce->getNumArgs(); ++i)
      if (isStreamType(ce->getArg(i)->getType()))
        requireEntryStream(ce->getArg(i), "'" + rd->getName().str() + "' is constructed");
    return true;
  }

  bool VisitCXXNewExpr(CXXNewExpr *ne) {
    if (inMain(ne->getBeginLoc()) && !isPlacementNew(ne))
      diag(kRuleHostCall, ne->getBeginLoc(),
           std::string(isDeviceOnly(currentFunction()) ? "device" : "host") +
               " heap allocation with 'new'; use stack or shared arrays, or cudaMallocAsync "
               "on the entry's 'stream'");
    return true;
  }
  bool VisitCXXDeleteExpr(CXXDeleteExpr *de) {
    if (inMain(de->getBeginLoc()))
      diag(kRuleHostCall, de->getBeginLoc(),
           "heap deallocation with 'delete'; candidates do not allocate on the heap");
    return true;
  }

  bool VisitGCCAsmStmt(GCCAsmStmt *as) {
    if (!inMain(as->getBeginLoc()))
      return true;
    std::string text = as->getAsmString()->getString().lower();
    if (text.find("globaltimer") != std::string::npos ||
        text.find("%clock") != std::string::npos || text.find("rdtsc") != std::string::npos) {
      diag(kRuleTiming, as->getBeginLoc(),
           "inline assembly reads a clock register; candidates must not measure time");
      return true;
    }
    if (!isDeviceOnly(currentFunction()) && !nvrtc)
      diag(kRuleHostCall, as->getBeginLoc(),
           "inline assembly in host code cannot be checked; only device code may use asm");
    return true;
  }
  bool VisitMSAsmStmt(MSAsmStmt *as) {
    if (inMain(as->getBeginLoc()))
      diag(kRuleHostCall, as->getBeginLoc(), "MS-style inline assembly is not allowed");
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *dre) {
    if (auto *fd = dyn_cast<FunctionDecl>(dre->getDecl()))
      if (inMain(dre->getLocation()))
        fnRefs[fd->getCanonicalDecl()].push_back(dre->getLocation());
    if (auto *vd = dyn_cast<VarDecl>(dre->getDecl()))
      if (!isDeviceOnly(currentFunction()) && hostSymbolCallDepth > 0)
        resetFromHost.insert(vd->getCanonicalDecl());
    return true;
  }

  // cudaMemcpyToSymbolAsync(var, ...) or cudaGetSymbolAddress(&p, var) (then
  // cudaMemsetAsync) resets a __device__ variable from the host.
  bool TraverseCallExpr(CallExpr *ce) {
    const FunctionDecl *fd = ce->getDirectCallee();
    bool symbolCall = fd && fd->getIdentifier() &&
                      (fd->getName() == "cudaMemcpyToSymbolAsync" ||
                       fd->getName() == "cudaGetSymbolAddress");
    hostSymbolCallDepth += symbolCall;
    bool ok = Base::TraverseCallExpr(ce);
    hostSymbolCallDepth -= symbolCall;
    return ok;
  }

  // --- writes: stream values and __device__ globals ------------------------

  bool VisitBinaryOperator(BinaryOperator *bo) {
    if (!inMain(bo->getBeginLoc()) || !bo->isAssignmentOp())
      return true;
    noteWrite(bo->getLHS());
    if (bo->getOpcode() == BO_Assign && isStreamType(bo->getLHS()->getType())) {
      requireEntryStream(bo->getRHS(), "the stream variable is assigned");
      if (const auto *me = dyn_cast<MemberExpr>(bo->getLHS()->IgnoreParenImpCasts()))
        if (me->getMemberDecl()->getName() == "stream")
          streamFieldAssigned = true;
    }
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *uo) {
    if (inMain(uo->getBeginLoc()) && (uo->isIncrementDecrementOp() || uo->getOpcode() == UO_AddrOf))
      noteWrite(uo->getSubExpr());
    return true;
  }
  bool VisitArraySubscriptExpr(ArraySubscriptExpr *ae) {
    subscriptBases.insert(ae->getBase());
    return true;
  }
  bool VisitImplicitCastExpr(ImplicitCastExpr *ic) {
    // An array decaying to a pointer outside a subscript can be written through
    // (atomicAdd(counters + i, 1)).
    if (ic->getCastKind() == CK_ArrayToPointerDecay && !subscriptBases.count(ic) &&
        inMain(ic->getBeginLoc()))
      noteWrite(ic->getSubExpr());
    return true;
  }
  bool VisitInitListExpr(InitListExpr *il) {
    if (!inMain(il->getBeginLoc()))
      return true;
    // The traversal shows the syntactic form; zero fillers live in the semantic one.
    if (!il->isSemanticForm() && il->getSemanticForm())
      il = il->getSemanticForm();
    // Elements and fields without an initialiser are zero: the default stream.
    if (nvrtc)
      return true;
    if (il->hasArrayFiller() && isStreamType(il->getArrayFiller()->getType()))
      diag(kRuleStream, il->getBeginLoc(),
           "stream array elements without an initialiser are null, the default stream; "
           "initialise every element from the entry's '" + entryStreamName() + "'");
    const RecordDecl *rd = il->getType()->getAsRecordDecl();
    for (Expr *e : il->inits()) {
      if (!e || !isStreamType(e->getType()))
        continue;
      if (!isa<ImplicitValueInitExpr>(e)) {
        requireEntryStream(e, "an aggregate is initialised");
        streamFieldAssigned = true;
      } else if (rd && inMain(rd->getLocation())) {
        // (CUDA's own structs, cudaLaunchConfig_t, are set field by field.)
        diag(kRuleStream, il->getBeginLoc(),
             "'" + rd->getName().str() + "' is initialised without its stream, which is then "
             "null, the default stream; initialise it from the entry's '" + entryStreamName() +
             "'");
      }
    }
    return true;
  }
  bool VisitFieldDecl(FieldDecl *fd) {
    if (inMain(fd->getLocation()) && isStreamType(fd->getType()) && fd->hasInClassInitializer() &&
        fd->getInClassInitializer())
      requireEntryStream(fd->getInClassInitializer(), "a default member initialiser");
    return true;
  }
  bool VisitCXXConstructorDecl(CXXConstructorDecl *cd) {
    if (!inMain(cd->getLocation()))
      return true;
    for (const CXXCtorInitializer *init : cd->inits())
      if (init->isWritten() && init->isMemberInitializer() &&
          isStreamType(init->getMember()->getType()))
        requireEntryStream(init->getInit(), "member '" + init->getMember()->getName().str() +
                                                "' is initialised");
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *rs) {
    if (inMain(rs->getBeginLoc()) && rs->getRetValue() &&
        isStreamType(rs->getRetValue()->getType()))
      requireEntryStream(rs->getRetValue(), "a stream is returned");
    return true;
  }

  // --- variables -----------------------------------------------------------

  bool VisitVarDecl(VarDecl *vd) {
    if (!inMain(vd->getLocation()) || isa<ParmVarDecl>(vd))
      return true;
    if (!vd->hasGlobalStorage()) {
      if (nvrtc || vd->getDeclContext()->isDependentContext())
        return true;
      QualType elem = ctx.getBaseElementType(vd->getType());
      if (vd->getType()->isArrayType() && isStreamType(elem) && !vd->hasInit())
        diag(kRuleStream, vd->getLocation(),
             "stream array '" + vd->getName().str() +
                 "' is not initialised; initialise it from the entry's '" + entryStreamName() +
                 "'");
      if (const FieldDecl *f = uninitialisedStreamField(elem->getAsRecordDecl()))
        if (const auto *ce = dyn_cast_or_null<CXXConstructExpr>(vd->getInit());
            !vd->hasInit() || (ce && ce->getConstructor()->isDefaultConstructor() &&
                               ce->getConstructor()->isTrivial()))
          diag(kRuleStream, vd->getLocation(),
               "'" + vd->getName().str() + "' leaves its stream field '" + f->getName().str() +
                   "' uninitialised; initialise it from the entry's '" + entryStreamName() +
                   "'");
      if (isStreamType(vd->getType())) {
        if (!vd->hasInit())
          diag(kRuleStream, vd->getLocation(),
               "stream variable '" + vd->getName().str() +
                   "' is not initialised; initialise it from the entry's 'stream'");
        else
          requireEntryStream(vd->getInit(), "'" + vd->getName().str() + "' is initialised");
      }
      return true;
    }
    checkStaticVar(vd);
    return true;
  }

private:
  ASTContext &ctx;
  SourceManager &sm;
  Report &report;
  const CheckOptions &opts;
  std::string cudaRoot;
  bool nvrtc;
  std::vector<const FunctionDecl *> fnStack;
  std::set<const Expr *> launchConfigs;
  std::set<const Expr *> subscriptBases;
  int hostSymbolCallDepth = 0;
  std::set<const VarDecl *> deviceVars, writtenDeviceVars, resetFromHost;
  bool streamFieldAssigned = false;
  const CallExpr *firstLaunchEx = nullptr;
  const CallExpr *firstCublasWork = nullptr, *firstCudnnWork = nullptr;
  bool cublasStreamSet = false, cudnnStreamSet = false;

  bool inMain(SourceLocation loc) const {
    return loc.isValid() && sm.isInMainFile(sm.getFileLoc(loc));
  }

  const FunctionDecl *currentFunction() const {
    return fnStack.empty() ? nullptr : fnStack.back();
  }

  void diag(const char *rule, SourceLocation loc, std::string message) {
    SourceLocation fl = sm.getFileLoc(loc);
    PresumedLoc p = sm.getPresumedLoc(fl);
    report.add(rule, std::move(message), p.isValid() ? p.getLine() : 0,
               p.isValid() ? p.getColumn() : 0);
  }

  std::string text(const Expr *e) const {
    StringRef s = Lexer::getSourceText(CharSourceRange::getTokenRange(e->getSourceRange()), sm,
                                       ctx.getLangOpts());
    return s.empty() ? std::string("<expr>") : s.str();
  }

  std::string entryStreamName() const {
    if (entry && entry->getParamDecl(4)->getIdentifier())
      return entry->getParamDecl(4)->getName().str();
    return "stream";
  }

  static bool isMemberOrOperatorCall(const CallExpr *ce) {
    return isa<CXXOperatorCallExpr>(ce) || isa<CXXMemberCallExpr>(ce);
  }
  static bool isPlacementNew(const CXXNewExpr *ne) { return ne->getNumPlacementArgs() > 0; }

  bool definedInCandidate(const FunctionDecl *fd) const {
    const FunctionDecl *def = nullptr;
    if (!fd->isDefined(def))
      return false;
    if (const FunctionDecl *pattern = def->getTemplateInstantiationPattern())
      def = pattern;
    return inMain(def->getLocation());
  }

  bool declaredInCandidateOnly(const FunctionDecl *fd) const {
    // Builtins (__syncthreads in a host-side parse) are declared implicitly at
    // their first use.
    if (fd->getBuiltinID() || fd->isImplicit())
      return false;
    for (const FunctionDecl *r : fd->redecls())
      if (!inMain(r->getLocation()))
        return false;
    return true;
  }

  bool inStd(const Decl *d) const {
    const NamespaceDecl *ns = outermostNamespace(d->getDeclContext());
    return ns && (ns->getName() == "std" || ns->getName() == "__gnu_cxx");
  }

  bool onlyInCudaHeaders(const FunctionDecl *fd) const {
    for (const FunctionDecl *r : fd->redecls())
      if (!fromCudaHeader(r))
        return false;
    return true;
  }

  // CUDA toolkit headers and Clang's CUDA wrappers.
  bool fromCudaHeader(const Decl *d) const {
    SourceLocation loc = sm.getFileLoc(d->getLocation());
    if (loc.isInvalid())
      return false;
    OptionalFileEntryRef fe = sm.getFileEntryRefForID(sm.getFileID(loc));
    if (!fe)
      return false;
    StringRef real = fe->getFileEntry().tryGetRealPathName();
    std::string path = real.empty() ? fe->getName().str() : real.str();
    return (!cudaRoot.empty() && StringRef(path).starts_with(cudaRoot)) ||
           StringRef(path).contains("/__clang_cuda_") ||
           StringRef(path).starts_with(kVirtualRoot);
  }

  void checkCallee(const CallExpr *ce, const FunctionDecl *callee, bool device) {
    if (definedInCandidate(callee))
      return; // its body is checked where it is defined
    std::string name = callee->getIdentifier() ? callee->getName().str() : "";
    std::string qname = callee->getQualifiedNameAsString();

    if (policy::isTimingFunction(name) || inNamespaceNamed(callee->getDeclContext(), "chrono")) {
      diag(kRuleTiming, ce->getBeginLoc(),
           "'" + qname + "' reads a clock; candidates must not measure time (the harness "
                         "times them)");
      return;
    }
    if (declaredInCandidateOnly(callee)) {
      diag(kRuleHostCall, ce->getBeginLoc(),
           "'" + qname + "' is declared but not defined in the candidate; a candidate is "
                         "one self-contained translation unit");
      return;
    }
    if (device) {
      // Device code may use every device function of the toolkit; only device-side
      // allocation and the device runtime (dynamic parallelism) are out.
      std::string reason;
      if (name == "malloc" || name == "free" || name == "__nv_aligned_device_malloc")
        reason = "device heap allocation; use shared memory or buffers passed by the host";
      else if (StringRef(name).starts_with("cuda") && atGlobalScope(callee))
        reason = "device runtime call (dynamic parallelism); launch from the host entry";
      if (!reason.empty())
        diag(kRuleHostCall, ce->getBeginLoc(), "'" + qname + "' in device code: " + reason);
      return;
    }
    checkHostCallee(ce, callee, name, qname);
  }

  void checkHostCallee(const CallExpr *ce, const FunctionDecl *callee, const std::string &name,
                       const std::string &qname) {
    StringRef n(name);
    bool global = atGlobalScope(callee);
    if (unsigned builtin = callee->getBuiltinID()) {
      // Plain compiler builtins (__builtin_expect); library builtins (sqrtf, malloc)
      // fall through to the name rules.
      if (!ctx.BuiltinInfo.isPredefinedLibFunction(builtin) &&
          !ctx.BuiltinInfo.isLibFunction(builtin))
        return;
    }
    if (global && policy::isHostSynchronisation(n)) {
      if (!opts.allowStreamSync)
        diag(kRuleHostCall, ce->getBeginLoc(),
             "'" + name + "' makes the host wait for the stream; the ABI forbids "
             "synchronisation and slots run inside CUDA graph capture (AOT package), where "
             "it is illegal: enqueue the work on '" + entryStreamName() + "' and return");
      return; // allowed: its stream argument is still checked
    }
    if (global && n.starts_with("cuda")) {
      std::string rule, message;
      if (policy::explainDeniedCudaRuntime(n, rule, message)) {
        diag(rule.c_str(), ce->getBeginLoc(), message);
        return;
      }
      if (policy::isAllowedCudaRuntime(n)) {
        if (n.starts_with("cudaLaunchKernelEx") && !firstLaunchEx)
          firstLaunchEx = ce;
        return;
      }
    }
    if (global) {
      std::string rule, message;
      if (policy::explainDeniedLibraryCall(n, rule, message)) {
        diag(rule.c_str(), ce->getBeginLoc(), message);
        return;
      }
    }
    if (global && policy::isAllowedLibraryCall(n)) {
      noteLibraryCall(ce, callee, n);
      return;
    }
    if (global && n.size() > 2 && n.starts_with("cu") && llvm::isUpper(n[2])) {
      diag(kRuleHostCall, ce->getBeginLoc(),
           "'" + name + "' is a CUDA driver API call; use the runtime API subset instead");
      return;
    }
    bool isStd = inStd(callee);
    if (isStd || global) {
      if (policy::isMathFunction(n))
        return;
      if (global && policy::isAllowedCFunction(n))
        return;
      if (isStd) {
        const RecordDecl *rd = enclosingRecord(callee);
        if (rd ? policy::isAllowedStdClass(rd->getName())
               : (policy::isAllowedStdFunction(n) ||
                  (callee->isOverloadedOperator() &&
                   callee->getOverloadedOperator() != OO_LessLess &&
                   callee->getOverloadedOperator() != OO_GreaterGreater)))
          return;
      }
    }
    std::string reason = policy::denyReason(n);
    // The CUDA headers redeclare some libc functions (printf, malloc) for device
    // use: only functions that no other header declares count as CUDA's own.
    bool cudaOwn = reason.empty() && onlyInCudaHeaders(callee);
    if (cudaOwn && !isStd && !global && !inNamespaceNamed(callee->getDeclContext(), "thrust"))
      return; // fp16/bf16 conversions, vector types, cooperative groups, cub
    if (cudaOwn && global && !n.starts_with("cu"))
      return; // __float2half, make_float4, __half operators used on the host
    if (isStd && reason.empty())
      if (const RecordDecl *rd = enclosingRecord(callee))
        reason = policy::denyReason(rd->getName());
    if (n.starts_with("cuda") && reason.empty())
      reason = "not in the CUDA runtime subset a candidate may call";
    diag(kRuleHostCall, ce->getBeginLoc(),
         "call to '" + qname + "' is not allowed in a candidate: " +
             (reason.empty() ? "host code may call only the candidate's own functions, the "
                               "CUDA runtime launch/stream-ordered memory subset, "
                               "cuBLAS/cuBLASLt/cuDNN and math functions"
                             : reason));
  }

  void noteLibraryCall(const CallExpr *ce, const FunctionDecl *callee, StringRef n) {
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

  // --- streams -------------------------------------------------------------

  // Is `e` the entry's stream or a value that can only hold it? Every place a
  // stream value is made (variable init, assignment, aggregate init, call
  // argument, return) is checked, so variables, parameters and fields of the
  // candidate hold the entry's stream by induction.
  bool isEntryStream(const Expr *e) const {
    e = e->IgnoreParenImpCasts();
    if (const auto *ce = dyn_cast<ExplicitCastExpr>(e)) {
      const Expr *sub = ce->getSubExpr()->IgnoreParenImpCasts();
      return isStreamType(sub->getType()) && isEntryStream(sub);
    }
    if (const auto *dre = dyn_cast<DeclRefExpr>(e)) {
      const auto *vd = dyn_cast<VarDecl>(dre->getDecl());
      // A local without initialiser holds whatever an out-parameter wrote.
      return vd && !vd->hasGlobalStorage() && inMain(vd->getLocation()) &&
             (isa<ParmVarDecl>(vd) || vd->hasInit());
    }
    if (isa<MemberExpr>(e) || isa<ArraySubscriptExpr>(e))
      return true;
    if (const auto *uo = dyn_cast<UnaryOperator>(e))
      return uo->getOpcode() == UO_Deref;
    if (const auto *co = dyn_cast<ConditionalOperator>(e))
      return isEntryStream(co->getTrueExpr()) && isEntryStream(co->getFalseExpr());
    if (const auto *call = dyn_cast<CallExpr>(e))
      return call->getDirectCallee() && definedInCandidate(call->getDirectCallee());
    return false;
  }

  void requireEntryStream(const Expr *e, const std::string &what) {
    if (nvrtc || isEntryStream(e) || e->isValueDependent() || e->isTypeDependent())
      return;
    diag(kRuleStream, e->getBeginLoc(),
         what + " with stream '" + text(e) + "', which is not the entry's '" +
             entryStreamName() + "'; all device work must be enqueued on '" +
             entryStreamName() + "'");
  }

  void checkStreamArgs(const CallExpr *ce, const FunctionDecl *callee) {
    for (unsigned i = 0; i < ce->getNumArgs(); ++i) {
      const Expr *arg = ce->getArg(i);
      if (!isStreamType(arg->getType()))
        continue;
      std::string qname = callee->getQualifiedNameAsString();
      if (isa<CXXDefaultArgExpr>(arg)) {
        diag(kRuleStream, ce->getBeginLoc(),
             "'" + qname + "' is called without a stream argument and runs on the default "
                           "stream; pass the entry's '" + entryStreamName() + "'");
        continue;
      }
      requireEntryStream(arg, "'" + qname + "' is called");
    }
  }

  void checkLaunch(CUDAKernelCallExpr *kc) {
    const CallExpr *cfg = kc->getConfig();
    if (!cfg)
      return;
    launchConfigs.insert(cfg);
    if (isDeviceOnly(currentFunction())) {
      diag(kRuleHostCall, kc->getBeginLoc(),
           "kernel launch from device code (dynamic parallelism); launch from the host entry");
      return;
    }
    const Expr *stream = cfg->getNumArgs() >= 4 ? cfg->getArg(3) : nullptr;
    if (!stream || isa<CXXDefaultArgExpr>(stream)) {
      diag(kRuleStream, kc->getBeginLoc(),
           "kernel launch without a stream argument runs on the default stream; pass the "
           "entry's '" + entryStreamName() + "' as the fourth launch parameter");
      return;
    }
    if (!isEntryStream(stream) && !stream->isValueDependent())
      diag(kRuleStream, stream->getBeginLoc(),
           "kernel launch on stream '" + text(stream) + "', which is not the entry's '" +
               entryStreamName() + "'; all device work must be enqueued on '" +
               entryStreamName() + "'");
  }

  // --- static state --------------------------------------------------------

  // A stream field of a candidate struct that nothing initialises by default.
  const FieldDecl *uninitialisedStreamField(const RecordDecl *rd) const {
    if (!rd || !inMain(rd->getLocation()) || !rd->getDefinition())
      return nullptr;
    for (const FieldDecl *f : rd->getDefinition()->fields())
      if (isStreamType(f->getType()) && !f->hasInClassInitializer())
        return f;
    return nullptr;
  }

  bool isConstVar(const VarDecl *vd) const {
    QualType t = vd->getType();
    return vd->isConstexpr() || t.isConstQualified() ||
           ctx.getBaseElementType(t).isConstQualified();
  }

  void checkStaticVar(const VarDecl *vd) {
    if (vd->hasAttr<CUDASharedAttr>() || isConstVar(vd))
      return; // shared memory is per block; constants cannot carry state
    if (vd->hasAttr<CUDAConstantAttr>())
      return; // kernels cannot write __constant__; the host rewrites it per call
    const auto *fn = dyn_cast<FunctionDecl>(vd->getDeclContext());
    bool deviceVar = vd->hasAttr<CUDADeviceAttr>() || (fn && isDeviceOnly(fn));
    if (vd->hasAttr<HIPManagedAttr>()) {
      diag(kRuleStaticState, vd->getLocation(),
           "__managed__ variable '" + vd->getName().str() +
               "' keeps state across calls; pass data through the entry's tensors");
      return;
    }
    if (deviceVar) {
      deviceVars.insert(vd->getCanonicalDecl());
      return; // judged in finish(): only written-and-never-reset ones are rejected
    }
    if (nvrtc)
      return; // host variables of an NVRTC source are never reached
    if (isLibraryHandleType(vd->getType()))
      return; // a cached cuBLAS/cuBLASLt/cuDNN handle holds no results
    std::string what = vd->isStaticLocal()       ? "function-local static"
                       : vd->isStaticDataMember() ? "static data member"
                                                  : "mutable global";
    diag(kRuleStaticState, vd->getLocation(),
         what + " '" + vd->getName().str() +
             "' keeps host state across calls; candidates must not cache results, pointers "
             "or flags between calls (make it const/constexpr or a local; only a static "
             "cuBLAS/cuBLASLt/cuDNN handle is allowed)");
  }

  void noteWrite(const Expr *e) {
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

  void finish() {
    for (const VarDecl *vd : deviceVars)
      if (writtenDeviceVars.count(vd) && nvrtc)
        diag(kRuleStaticState, vd->getLocation(),
             "__device__ variable '" + vd->getName().str() +
                 "' is written by device code and keeps its value across launches; an NVRTC "
                 "candidate has no host code to reset it, so keep such state in registers or "
                 "shared memory");
      else if (writtenDeviceVars.count(vd) && !resetFromHost.count(vd))
        diag(kRuleStaticState, vd->getLocation(),
             "__device__ variable '" + vd->getName().str() +
                 "' is written by device code and keeps its value across calls; reset it "
                 "on the entry's 'stream' every call (cudaGetSymbolAddress + "
                 "cudaMemsetAsync) or use memory from cudaMallocAsync");
    if (firstLaunchEx && !streamFieldAssigned)
      diag(kRuleStream, firstLaunchEx->getBeginLoc(),
           "cudaLaunchKernelEx with a launch config whose 'stream' is never set runs on "
           "the default stream; set config.stream = " + entryStreamName());
    if (firstCublasWork && !cublasStreamSet)
      diag(kRuleStream, firstCublasWork->getBeginLoc(),
           "cuBLAS work runs on the handle's stream, the default stream unless "
           "cublasSetStream(handle, " + entryStreamName() + ") is called first");
    if (firstCudnnWork && !cudnnStreamSet)
      diag(kRuleStream, firstCudnnWork->getBeginLoc(),
           "cuDNN work runs on the handle's stream, the default stream unless "
           "cudnnSetStream(handle, " + entryStreamName() + ") is called first");
  }
};

// ---------------------------------------------------------------------------
// Entry point discovery and renaming

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
    SourceManager &sm = ctx.getSourceManager();
    bool parseFailed = ctx.getDiagnostics().hasErrorOccurred();

    std::vector<FunctionDecl *> entries, cppLinkage;
    std::vector<NamedDecl *> symbolClash;
    for (Decl *d : ctx.getTranslationUnitDecl()->decls()) {
      // extern "C" { ... } blocks hold their declarations one level down.
      std::vector<Decl *> ds{d};
      if (auto *ls = dyn_cast<LinkageSpecDecl>(d))
        ds.assign(ls->decls_begin(), ls->decls_end());
      for (Decl *x : ds) {
        if (!sm.isInMainFile(sm.getFileLoc(x->getLocation())))
          continue;
        auto *fd = dyn_cast<FunctionDecl>(x);
        if (fd && fd->isThisDeclarationADefinition() && hasEntrySignature(ctx, fd))
          (fd->isExternC() ? entries : cppLinkage).push_back(fd);
        else if (auto *nd = dyn_cast<NamedDecl>(x);
                 nd && nd->getIdentifier() && nd->getName() == opts.entrySymbol &&
                 !(fd && !fd->isThisDeclarationADefinition()))
          symbolClash.push_back(nd);
      }
    }

    if (opts.mode == "nvrtc") {
      CandidateVisitor visitor(ctx, report, opts, cudaRoot);
      visitor.run();
      checkNvrtcKernels(ctx);
      return;
    }
    if (opts.mode != "nvcc") {
      report.add(kRuleEntry, "unknown candidate mode '" + opts.mode + "' (nvcc or nvrtc)", 0, 0);
      return;
    }

    CandidateVisitor visitor(ctx, report, opts, cudaRoot);
    if (entries.size() == 1)
      visitor.entry = entries.front();
    visitor.run();

    auto where = [&](const Decl *d) {
      PresumedLoc p = sm.getPresumedLoc(sm.getFileLoc(d->getLocation()));
      return std::pair<unsigned, unsigned>(p.getLine(), p.getColumn());
    };
    auto add = [&](const Decl *d, std::string msg) {
      auto [l, c] = d ? where(d) : std::pair<unsigned, unsigned>(0, 0);
      report.add(kRuleEntry, std::move(msg), l, c);
    };
    const std::string sig = "extern \"C\" int " + opts.entrySymbol +
                            "(const PikeTensorRef *inputs, int32_t num_inputs, PikeTensorRef "
                            "*outputs, int32_t num_outputs, cudaStream_t stream)";
    if (entries.empty()) {
      if (!cppLinkage.empty())
        add(cppLinkage.front(), "'" + cppLinkage.front()->getNameAsString() +
                                    "' has the entry signature but C++ linkage; declare it "
                                    "extern \"C\"");
      else if (!parseFailed)
        add(nullptr, "no entry point: define " + sig);
      return;
    }
    if (entries.size() > 1) {
      std::string names;
      for (FunctionDecl *fd : entries)
        names += (names.empty() ? "'" : ", '") + fd->getNameAsString() + "' (line " +
                 std::to_string(where(fd).first) + ")";
      add(entries[1], "several functions have the entry signature: " + names +
                          "; keep exactly one");
      return;
    }
    FunctionDecl *fd = entries.front();
    if (!checkTensorRefLayout(ctx, fd))
      return;
    if (fd->getName() == opts.entrySymbol) {
      entryOk = true;
      return;
    }
    for (NamedDecl *nd : symbolClash)
      if (nd != fd) {
        add(nd, "'" + opts.entrySymbol + "' names something other than the entry point '" +
                    fd->getNameAsString() + "'; rename it");
        return;
      }
    // Rename every declaration and reference of the entry to the ABI symbol.
    Rewriter rw(sm, ctx.getLangOpts());
    std::vector<SourceLocation> locs;
    for (FunctionDecl *r : fd->redecls())
      locs.push_back(r->getLocation());
    auto refs = visitor.fnRefs.find(fd->getCanonicalDecl());
    if (refs != visitor.fnRefs.end())
      locs.insert(locs.end(), refs->second.begin(), refs->second.end());
    unsigned len = fd->getName().size();
    for (SourceLocation loc : locs) {
      if (loc.isMacroID() || !sm.isInMainFile(loc)) {
        add(fd, "the entry's name '" + fd->getNameAsString() +
                    "' comes from a macro; write it out so it can be renamed to '" +
                    opts.entrySymbol + "'");
        return;
      }
    }
    std::sort(locs.begin(), locs.end(), [](SourceLocation a, SourceLocation b) {
      return a.getRawEncoding() < b.getRawEncoding();
    });
    locs.erase(std::unique(locs.begin(), locs.end()), locs.end());
    for (SourceLocation loc : locs)
      rw.ReplaceText(loc, len, opts.entrySymbol);
    if (const RewriteBuffer *buf = rw.getRewriteBufferFor(sm.getMainFileID()))
      rewritten = std::string(buf->begin(), buf->end());
    entryOk = true;
  }

private:
  Report &report;
  const CheckOptions &opts;
  std::string cudaRoot;
  std::string &rewritten;
  bool &entryOk;
  const SourceManager *sm = nullptr;

  // NVRTC: pike looks kernels up by their unmangled names.
  void checkNvrtcKernels(ASTContext &ctx) {
    SourceManager &sm = ctx.getSourceManager();
    std::map<std::string, const FunctionDecl *> kernels, mangled;
    for (Decl *d : ctx.getTranslationUnitDecl()->decls()) {
      std::vector<Decl *> ds{d};
      if (auto *ls = dyn_cast<LinkageSpecDecl>(d))
        ds.assign(ls->decls_begin(), ls->decls_end());
      for (Decl *x : ds) {
        auto *fd = dyn_cast<FunctionDecl>(x);
        if (!fd || !fd->hasAttr<CUDAGlobalAttr>() || !fd->isThisDeclarationADefinition() ||
            !sm.isInMainFile(sm.getFileLoc(fd->getLocation())))
          continue;
        (fd->isExternC() ? kernels : mangled)[fd->getNameAsString()] = fd;
      }
    }
    bool parseFailed = ctx.getDiagnostics().hasErrorOccurred();
    auto at = [&](const FunctionDecl *fd, std::string msg) {
      PresumedLoc p = fd ? sm.getPresumedLoc(sm.getFileLoc(fd->getLocation())) : PresumedLoc();
      report.add(kRuleEntry, std::move(msg), p.isValid() ? p.getLine() : 0,
                 p.isValid() ? p.getColumn() : 0);
    };
    bool ok = true;
    for (const std::string &k : opts.kernels) {
      if (kernels.count(k))
        continue;
      ok = false;
      if (mangled.count(k))
        at(mangled[k], "kernel '" + k + "' has C++ linkage; declare it extern \"C\" __global__ "
                       "so pike can find it by name");
      else if (!parseFailed)
        at(nullptr, "the launch list names kernel '" + k + "' but the source defines no "
                    "extern \"C\" __global__ function '" + k + "'");
    }
    if (opts.kernels.empty() && kernels.empty()) {
      ok = false;
      if (!parseFailed)
        at(mangled.empty() ? nullptr : mangled.begin()->second,
           "an NVRTC candidate must define its kernels as extern \"C\" __global__ functions");
    }
    entryOk = ok;
  }

  // A PikeTensorRef of the candidate's own must match KernelABI.h field by field.
  bool checkTensorRefLayout(ASTContext &ctx, const FunctionDecl *fd) {
    bool c = false;
    const RecordDecl *rd = pointeeRecord(fd->getParamDecl(0)->getType(), c);
    if (!rd || !rd->getDefinition())
      return true; // an incomplete type is never dereferenced by the candidate
    rd = rd->getDefinition();
    std::vector<std::pair<std::string, uint64_t>> fields;
    for (const FieldDecl *f : rd->fields())
      fields.push_back({f->getNameAsString(), ctx.getTypeSize(f->getType())});
    std::vector<std::pair<std::string, uint64_t>> want = {
        {"data", 64}, {"dtype", 32}, {"ndim", 32}, {"sizes", 64 * 8}};
    if (fields == want)
      return true;
    const SourceManager &sm = ctx.getSourceManager();
    PresumedLoc p = sm.getPresumedLoc(sm.getFileLoc(rd->getLocation()));
    report.add(kRuleEntry,
               "PikeTensorRef differs from pike/Runtime/KernelABI.h (fields data, dtype, ndim, "
               "sizes[8]); #include \"pike/Runtime/KernelABI.h\" instead of redefining it",
               p.isValid() && sm.isInMainFile(sm.getFileLoc(rd->getLocation())) ? p.getLine() : 0,
               p.isValid() ? p.getColumn() : 0);
    return false;
  }
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
