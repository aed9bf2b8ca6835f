#include "IncludeRule.h"

#include "Policy.h"

#include "clang/Basic/SourceManager.h"

namespace pike::checker {

using namespace clang;

void IncludeWatcher::InclusionDirective(SourceLocation hashLoc, const Token &, StringRef fileName,
                                        bool isAngled, CharSourceRange, OptionalFileEntryRef file,
                                        StringRef, StringRef, const Module *, bool,
                                        SrcMgr::CharacteristicKind) {
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

} // namespace pike::checker
