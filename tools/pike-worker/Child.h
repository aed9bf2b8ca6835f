// The evaluator child of pike-worker (started by the supervisor as `pike-worker
// --child`): reads requests on stdin, compiles on a thread pool, runs GPU phases
// one at a time, answers on stdout. Exits with status 3 after a fatal CUDA error.
#ifndef PIKE_WORKER_CHILD_H
#define PIKE_WORKER_CHILD_H

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace pike::worker {

struct ChildOptions {
  std::string cacheDir;
  std::string nvcc;
  std::string cudaInclude;
  int compileThreads = 4;
  int compileTimeoutMs = 120000;
  bool testOps = false;
  bool fakeGpu = false; // TEST-ONLY: FakeGpu.h answers device_info and evaluate
};

int runChild(const ChildOptions &opts);

/// Checks the fields of an evaluate request beyond the candidate itself
/// (inputs, outputs, reference, tolerances, launches). Returns the reason it is
/// unusable, or nullopt.
std::optional<std::string> validateEvaluate(const nlohmann::json &req);

} // namespace pike::worker

#endif
