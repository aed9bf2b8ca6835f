// Rule `parse`: Clang's own errors on the candidate, less those nvcc accepts.
#ifndef PIKE_LIB_CHECKER_PARSERULE_H
#define PIKE_LIB_CHECKER_PARSERULE_H

#include "CandidateContext.h"

#include "clang/Basic/Diagnostic.h"

namespace pike::checker {

/// Collects Clang's errors as `parse` diagnostics; warnings are not the
/// checker's business.
class ParseDiagConsumer : public clang::DiagnosticConsumer {
public:
  explicit ParseDiagConsumer(Report &r) : report(r) {}
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
                        const clang::Diagnostic &info) override;

private:
  Report &report;
};

} // namespace pike::checker

#endif
