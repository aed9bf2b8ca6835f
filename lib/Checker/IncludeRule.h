// Rule `include`: no torch/ATen/c10/pybind headers, no files outside the
// include paths, no local headers. Seen by the preprocessor, so it holds even
// when the header does not exist.
#ifndef PIKE_LIB_CHECKER_INCLUDERULE_H
#define PIKE_LIB_CHECKER_INCLUDERULE_H

#include "CandidateContext.h"

#include "clang/Lex/PPCallbacks.h"

#include <set>

namespace pike::checker {

/// Judges the candidate's own #include directives; the lines it rejects go to
/// `forbiddenLines` (their "file not found" parse errors are then dropped).
class IncludeWatcher : public clang::PPCallbacks {
public:
  IncludeWatcher(const clang::SourceManager &sm, Report &r, std::set<unsigned> &lines)
      : sm(sm), report(r), forbiddenLines(lines) {}
  void InclusionDirective(clang::SourceLocation hashLoc, const clang::Token &,
                          llvm::StringRef fileName, bool isAngled, clang::CharSourceRange,
                          clang::OptionalFileEntryRef file, llvm::StringRef, llvm::StringRef,
                          const clang::Module *, bool,
                          clang::SrcMgr::CharacteristicKind) override;

private:
  const clang::SourceManager &sm;
  Report &report;
  std::set<unsigned> &forbiddenLines;
};

} // namespace pike::checker

#endif
