// The evaluator the search passes use: a pool of pike-worker processes.
#ifndef PIKE_PASSES_WORKEREVALUATOR_H
#define PIKE_PASSES_WORKEREVALUATOR_H

#include "pike/Search/Interfaces.h"

#include <memory>
#include <string>

namespace pike {

/// `workers` is "local:N" (spawn N copies of `workerPath` on GPU 0),
/// "local:N@0,1,..." (N copies on each listed GPU index), or a comma-separated
/// list of host:port of listening workers. Returns null and sets `error` when
/// the pool cannot start.
std::unique_ptr<search::Evaluator> makeWorkerEvaluator(const std::string &workers,
                                                       const std::string &workerPath,
                                                       std::string &error);

} // namespace pike

#endif
