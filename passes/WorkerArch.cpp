#include "pike/Passes/WorkerArch.h"
#include "pike/WorkerClient/Worker.h"

#include <cctype>
#include <chrono>
#include <memory>

using namespace mlir;

std::string pike::tuningArchOf(const std::string &deviceArch) {
  std::string arch = deviceArch;
  if (!arch.empty() && std::isalpha(static_cast<unsigned char>(arch.back())) &&
      arch.size() > 3 && std::isdigit(static_cast<unsigned char>(arch[arch.size() - 2])))
    arch.pop_back();
  return arch;
}

FailureOr<std::string> pike::queryWorkerArch(ModuleOp module, const std::string &workers,
                                             const std::string &workerPath) {
  std::unique_ptr<worker::WorkerConnection> connection;
  std::string where;
  try {
    if (workers.rfind("local:", 0) == 0) {
      worker::WorkerProcess::Options options;
      options.executable = workerPath;
      connection = std::make_unique<worker::WorkerProcess>(options);
      where = "pike-worker '" + workerPath + "'";
    } else {
      std::string first = workers.substr(0, workers.find(','));
      auto [host, port] = worker::RemoteWorker::parseAddress(first);
      connection = std::make_unique<worker::RemoteWorker>(host, port);
      where = "worker " + first;
    }
    connection->start();
    nlohmann::json info = connection->call({{"op", "device_info"}}, std::chrono::seconds(120));
    connection->stop();
    if (!info.value("available", false))
      return module.emitError() << "arch=auto: " << where << " sees no GPU ("
                                << info.value("reason", std::string("no reason given"))
                                << "); pass --cuda-arch=sm_NN (or arch=) to search for another";
    std::string arch = info.value("arch", std::string());
    if (arch.rfind("sm_", 0) != 0)
      return module.emitError() << "arch=auto: " << where << " reported no architecture";
    return tuningArchOf(arch);
  } catch (const std::exception &e) {
    return module.emitError() << "arch=auto: cannot ask " << where << " for its GPU: " << e.what();
  }
}
