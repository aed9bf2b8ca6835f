#include "pike/Tuning/CheckedEvaluator.h"
#ifdef PIKE_HAVE_CHECKER
#include "pike/Checker/Checker.h"
#endif

using namespace pike;

search::EvalResult CheckedEvaluator::evaluate(const search::TaskSpec &task,
                                              const search::CandidateCode &code) {
#ifndef PIKE_HAVE_CHECKER
  search::EvalResult rejected;
  rejected.status = search::EvalStatus::Rejected;
  rejected.log = "this pike-opt was built without the Clang candidate checker (check=false skips it)";
  (void)task;
  (void)code;
  return rejected;
#else
  checker::CheckOptions options;
  options.mode = code.mode;
  options.entrySymbol = code.entry;
  for (const auto &launch : code.launches)
    if (launch.contains("kernel") && launch["kernel"].is_string())
      options.kernels.push_back(launch["kernel"].get<std::string>());
  checker::CheckResult check = checker::checkCandidate(code.source, options);
  if (!check.accepted) {
    search::EvalResult rejected;
    rejected.status = search::EvalStatus::Rejected;
    rejected.log = checker::formatDiagnostics(check, options.fileName);
    rejected.details = {{"checker_seconds", check.parseSeconds}};
    return rejected;
  }
  search::CandidateCode checked = code;
  checked.source = check.rewrittenSource;
  search::EvalResult result = inner->evaluate(task, checked);
  result.details["checker_seconds"] = check.parseSeconds;
  return result;
#endif
}
