#include "pike/Tuning/WorkerEvaluator.h"
#include "pike/WorkerClient/Worker.h"
#include "pike/WorkerClient/WorkerEvaluator.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace pike;

namespace {

bool isExecutableFile(const std::string &path) {
  return llvm::sys::fs::is_regular_file(path) && ::access(path.c_str(), X_OK) == 0;
}

std::string joinList(const std::vector<std::string> &items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return out;
}

// ping (answered by the supervisor) proves the process runs the protocol;
// device_info (answered by the evaluator child) proves it sees a GPU. Returns the
// reason the worker cannot serve the search, empty when it can.
std::string checkWorker(worker::WorkerConnection &w, bool &fakeGpu, std::string &arch) {
  using nlohmann::json;
  try {
    if (!w.alive())
      w.restart(); // it did not start or died at once; a second try says why
    json pong = w.call({{"op", "ping"}}, std::chrono::seconds(30));
    if (!pong.value("ok", false))
      return "its ping failed: " + pong.dump().substr(0, 300);
    json info = w.call({{"op", "device_info"}}, std::chrono::seconds(180));
    if (!info.value("ok", false))
      return "its device_info failed: " + info.dump().substr(0, 300);
    if (!info.value("available", false))
      return "it sees no GPU (" + info.value("reason", std::string("device_info: not available")) + ")";
    fakeGpu = info.value("test_fake_gpu", false);
    arch = info.value("arch", std::string());
  } catch (const worker::WorkerError &e) {
    return e.what();
  }
  return "";
}

} // namespace

std::optional<std::string> pike::findWorkerExecutable(const std::string &workerPath,
                                                      std::vector<std::string> &tried) {
  tried.clear();
  if (workerPath.find('/') != std::string::npos) {
    tried.push_back(workerPath);
    if (isExecutableFile(workerPath))
      return workerPath;
    return std::nullopt;
  }
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  if (!self.empty()) {
    llvm::SmallString<256> dir = llvm::sys::path::parent_path(self);
    llvm::SmallString<256> beside(dir), buildTree(llvm::sys::path::parent_path(dir));
    llvm::sys::path::append(beside, workerPath);
    llvm::sys::path::append(buildTree, "pike-worker", workerPath);
    for (const llvm::SmallString<256> &p : {beside, buildTree}) {
      tried.push_back(std::string(p));
      if (isExecutableFile(std::string(p)))
        return std::string(p);
    }
  }
  tried.push_back("$PATH");
  if (const char *path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    for (std::string d; std::getline(dirs, d, ':');) {
      std::string p = (d.empty() ? "." : d) + "/" + workerPath;
      if (isExecutableFile(p))
        return p;
    }
  }
  return std::nullopt;
}

StartedWorkers pike::startWorkers(const std::string &workers, const std::string &workerPath,
                                  const EvaluationSettings &settings) {
  StartedWorkers out;
  const std::string stopped = "; the search stopped before spending anything";
  std::shared_ptr<worker::WorkerPool> pool;
  std::string where; // what the error names as the worker(s) tried
  try {
    if (workers.rfind("local:", 0) == 0) {
      int perGpu = 1;
      std::vector<int> gpus;
      worker::WorkerPool::parseLocalSpec(workers, perGpu, gpus);
      std::vector<std::string> tried;
      std::optional<std::string> exe = findWorkerExecutable(workerPath, tried);
      if (!exe) {
        out.error = workerPath.find('/') != std::string::npos
                        ? "no pike-worker executable at '" + workerPath + "' (worker-path=)"
                        : "no pike-worker executable found: looked at " + joinList(tried) +
                              " (build the pike-worker target, or pass worker-path=)";
        out.error += stopped;
        return out;
      }
      worker::WorkerProcess::Options options;
      options.executable = *exe;
      where = "pike-worker '" + *exe + "'";
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
        throw std::invalid_argument("workers='" + workers + "' names no worker (local:N or host:port,...)");
      pool = worker::WorkerPool::remote(addresses);
      where = "workers=" + workers;
    }
  } catch (const std::exception &e) {
    out.error = std::string(e.what()) + stopped;
    return out;
  }
  if (pool->size() == 0) {
    out.error = "no worker to start (" + workers + ")" + stopped;
    return out;
  }
  // All at once: each evaluator child takes a moment to load LibTorch and CUDA.
  std::vector<std::string> problems(pool->size());
  std::vector<char> fake(pool->size(), 0);
  std::vector<std::string> archs(pool->size());
  {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < pool->size(); ++i)
      threads.emplace_back([&, i] {
        bool isFake = false;
        problems[i] = checkWorker(pool->worker(i), isFake, archs[i]);
        fake[i] = isFake;
      });
    for (std::thread &t : threads)
      t.join();
  }
  for (size_t i = 0; i < pool->size(); ++i) {
    std::string who = "worker " + std::to_string(i + 1) + " of " + std::to_string(pool->size());
    if (!problems[i].empty()) {
      out.error = "cannot use " + where + ": " + who + ": " + problems[i] + stopped;
      return out;
    }
    if (fake[i])
      out.warnings.push_back(who + " is a TEST-ONLY fake GPU (PIKE_WORKER_FAKE_GPU=1): its "
                                   "verdicts and times are invented, not measured");
  }
  out.deviceArch = archs[0];
  worker::EvaluatorOptions options;
  options.atol = settings.tolerance.atol;
  options.rtol = settings.tolerance.rtol;
  options.cudaGraph = settings.graphTiming;
  options.budgetMs = settings.timingBudgetMs;
  options.tf32Bound = settings.tf32Bound;
  options.referenceTf32 = settings.referenceTf32;
  options.profile = settings.kernelProfile;
  out.evaluator = std::make_unique<worker::WorkerEvaluator>(pool, options);
  return out;
}
