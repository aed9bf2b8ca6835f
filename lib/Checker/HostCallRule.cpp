#include "HostCallRule.h"

#include "AstQueries.h"
#include "Policy.h"

#include "clang/Basic/Builtins.h"
#include "llvm/ADT/StringExtras.h"

namespace pike::checker {

using namespace clang;

namespace {
bool isMemberOrOperatorCall(const CallExpr *ce) {
  return isa<CXXOperatorCallExpr>(ce) || isa<CXXMemberCallExpr>(ce);
}
bool isPlacementNew(const CXXNewExpr *ne) { return ne->getNumPlacementArgs() > 0; }
} // namespace

void HostCallRule::checkIndirectCall(const CallExpr *ce, bool device) {
  if (!device && !ce->isTypeDependent() && !ce->isValueDependent() &&
      !isa<CXXPseudoDestructorExpr>(ce->getCallee()->IgnoreParens()) &&
      !ce->getCallee()->getType()->isDependentType() && !isMemberOrOperatorCall(ce))
    c.diag(kRuleHostCall, ce->getBeginLoc(),
           "call through a function pointer cannot be checked; call the function directly");
}

void HostCallRule::checkCall(const CallExpr *ce, const FunctionDecl *callee, bool device) {
  std::string name = callee->getIdentifier() ? callee->getName().str() : "";
  std::string qname = callee->getQualifiedNameAsString();
  if (c.declaredInCandidateOnly(callee)) {
    c.diag(kRuleHostCall, ce->getBeginLoc(),
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
      c.diag(kRuleHostCall, ce->getBeginLoc(), "'" + qname + "' in device code: " + reason);
    return;
  }
  checkHostCallee(ce, callee, name, qname);
}

void HostCallRule::checkHostCallee(const CallExpr *ce, const FunctionDecl *callee,
                                   const std::string &name, const std::string &qname) {
  StringRef n(name);
  bool global = atGlobalScope(callee);
  if (unsigned builtin = callee->getBuiltinID()) {
    // Plain compiler builtins (__builtin_expect); library builtins (sqrtf, malloc)
    // fall through to the name rules.
    if (!c.ctx.BuiltinInfo.isPredefinedLibFunction(builtin) &&
        !c.ctx.BuiltinInfo.isLibFunction(builtin))
      return;
  }
  if (global && policy::isHostSynchronisation(n)) {
    if (!c.opts.allowStreamSync)
      c.diag(kRuleHostCall, ce->getBeginLoc(),
             "'" + name + "' makes the host wait for the stream; the ABI forbids "
             "synchronisation and slots run inside CUDA graph capture (AOT package), where "
             "it is illegal: enqueue the work on '" + c.entryStreamName() + "' and return");
    return; // allowed: its stream argument is still checked
  }
  if (global && n.starts_with("cuda")) {
    std::string rule, message;
    if (policy::explainDeniedCudaRuntime(n, rule, message)) {
      c.diag(rule.c_str(), ce->getBeginLoc(), message);
      return;
    }
    if (policy::isAllowedCudaRuntime(n)) {
      if (n.starts_with("cudaLaunchKernelEx"))
        streams.noteLaunchEx(ce);
      return;
    }
  }
  if (global) {
    std::string rule, message;
    if (policy::explainDeniedLibraryCall(n, rule, message)) {
      c.diag(rule.c_str(), ce->getBeginLoc(), message);
      return;
    }
  }
  if (global && policy::isAllowedLibraryCall(n)) {
    streams.noteLibraryCall(ce, callee, n);
    return;
  }
  if (global && n.size() > 2 && n.starts_with("cu") && llvm::isUpper(n[2])) {
    c.diag(kRuleHostCall, ce->getBeginLoc(),
           "'" + name + "' is a CUDA driver API call; use the runtime API subset instead");
    return;
  }
  bool isStd = c.inStd(callee);
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
  bool cudaOwn = reason.empty() && c.onlyInCudaHeaders(callee);
  if (cudaOwn && !isStd && !global && !inNamespaceNamed(callee->getDeclContext(), "thrust"))
    return; // fp16/bf16 conversions, vector types, cooperative groups, cub
  if (cudaOwn && global && !n.starts_with("cu"))
    return; // __float2half, make_float4, __half operators used on the host
  if (isStd && reason.empty())
    if (const RecordDecl *rd = enclosingRecord(callee))
      reason = policy::denyReason(rd->getName());
  if (n.starts_with("cuda") && reason.empty())
    reason = "not in the CUDA runtime subset a candidate may call";
  c.diag(kRuleHostCall, ce->getBeginLoc(),
         "call to '" + qname + "' is not allowed in a candidate: " +
             (reason.empty() ? "host code may call only the candidate's own functions, the "
                               "CUDA runtime launch/stream-ordered memory subset, "
                               "cuBLAS/cuBLASLt/cuDNN and math functions"
                             : reason));
}

void HostCallRule::checkConstruct(const CXXConstructExpr *ce) {
  const CXXRecordDecl *rd = ce->getConstructor()->getParent();
  if (!isDeviceOnly(c.currentFunction()) && rd && c.inStd(rd) &&
      !policy::isAllowedStdClass(rd->getName())) {
    std::string reason = policy::denyReason(rd->getName());
    c.diag(kRuleHostCall, ce->getBeginLoc(),
           "'std::" + rd->getName().str() + "' is not allowed in a candidate" +
               (reason.empty() ? std::string(" (host code may use std containers, "
                                             "algorithms and math only)")
                               : "; " + reason));
  }
}

void HostCallRule::checkNew(const CXXNewExpr *ne) {
  if (!isPlacementNew(ne))
    c.diag(kRuleHostCall, ne->getBeginLoc(),
           std::string(isDeviceOnly(c.currentFunction()) ? "device" : "host") +
               " heap allocation with 'new'; use stack or shared arrays, or cudaMallocAsync "
               "on the entry's 'stream'");
}

void HostCallRule::checkDelete(const CXXDeleteExpr *de) {
  c.diag(kRuleHostCall, de->getBeginLoc(),
         "heap deallocation with 'delete'; candidates do not allocate on the heap");
}

void HostCallRule::checkAsm(const GCCAsmStmt *as) {
  if (!isDeviceOnly(c.currentFunction()) && !c.nvrtc)
    c.diag(kRuleHostCall, as->getBeginLoc(),
           "inline assembly in host code cannot be checked; only device code may use asm");
}

void HostCallRule::checkMSAsm(const MSAsmStmt *as) {
  c.diag(kRuleHostCall, as->getBeginLoc(), "MS-style inline assembly is not allowed");
}

bool HostCallRule::checkLaunchSite(const CUDAKernelCallExpr *kc) {
  if (!isDeviceOnly(c.currentFunction()))
    return true;
  c.diag(kRuleHostCall, kc->getBeginLoc(),
         "kernel launch from device code (dynamic parallelism); launch from the host entry");
  return false;
}

} // namespace pike::checker
