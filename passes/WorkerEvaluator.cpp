#include "pike/Passes/WorkerEvaluator.h"

std::unique_ptr<pike::search::Evaluator>
pike::makeWorkerEvaluator(const std::string &workers, const std::string &workerPath,
                          std::string &error) {
  (void)workers;
  (void)workerPath;
  error = "this pike-opt was built without the worker client";
  return nullptr;
}
