// An Evaluator that runs the Clang candidate checker first: a rejected source
// never reaches a GPU, and its diagnostics become the log the fix agent sees.
#ifndef PIKE_TUNING_CHECKEDEVALUATOR_H
#define PIKE_TUNING_CHECKEDEVALUATOR_H

#include "pike/Search/Interfaces.h"

#include <memory>

namespace pike {

class CheckedEvaluator : public search::Evaluator {
public:
  explicit CheckedEvaluator(std::unique_ptr<search::Evaluator> inner) : inner(std::move(inner)) {}
  search::EvalResult evaluate(const search::TaskSpec &task,
                              const search::CandidateCode &code) override;

private:
  std::unique_ptr<search::Evaluator> inner;
};

} // namespace pike

#endif
