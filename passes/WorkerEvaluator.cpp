#include "pike/Passes/WorkerEvaluator.h"
#include "pike/WorkerClient/Worker.h"
#include "pike/WorkerClient/WorkerEvaluator.h"

#include <sstream>

std::unique_ptr<pike::search::Evaluator>
pike::makeWorkerEvaluator(const std::string &workers, const std::string &workerPath,
                          std::string &error) {
  std::shared_ptr<worker::WorkerPool> pool;
  try {
    if (workers.rfind("local:", 0) == 0) {
      int perGpu = 1;
      std::vector<int> gpus;
      worker::WorkerPool::parseLocalSpec(workers, perGpu, gpus);
      worker::WorkerProcess::Options options;
      options.executable = workerPath;
      // Timing is serialised per GPU by the workers (a lock named by the GPU's UUID).
      pool = worker::WorkerPool::local(options, gpus, perGpu);
    } else {
      std::vector<std::string> addresses;
      std::stringstream ss(workers);
      std::string item;
      while (std::getline(ss, item, ','))
        if (!item.empty())
          addresses.push_back(item);
      if (addresses.empty())
        throw std::invalid_argument("no worker addresses");
      pool = worker::WorkerPool::remote(addresses);
    }
    pool->startAll();
  } catch (const std::exception &e) {
    error = e.what();
    return nullptr;
  }
  return std::make_unique<worker::WorkerEvaluator>(pool);
}
