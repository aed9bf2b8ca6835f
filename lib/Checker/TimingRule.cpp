#include "TimingRule.h"

#include "AstQueries.h"
#include "Policy.h"

namespace pike::checker {

using namespace clang;

bool TimingRule::checkCall(const CallExpr *ce, const FunctionDecl *callee) {
  std::string name = callee->getIdentifier() ? callee->getName().str() : "";
  if (!policy::isTimingFunction(name) && !inNamespaceNamed(callee->getDeclContext(), "chrono"))
    return false;
  c.diag(kRuleTiming, ce->getBeginLoc(),
         "'" + callee->getQualifiedNameAsString() +
             "' reads a clock; candidates must not measure time (the harness times them)");
  return true;
}

bool TimingRule::checkAsm(const GCCAsmStmt *as) {
  std::string text = as->getAsmString()->getString().lower();
  if (text.find("globaltimer") == std::string::npos && text.find("%clock") == std::string::npos &&
      text.find("rdtsc") == std::string::npos)
    return false;
  c.diag(kRuleTiming, as->getBeginLoc(),
         "inline assembly reads a clock register; candidates must not measure time");
  return true;
}

} // namespace pike::checker
