// Clients of pike-worker: a local process over pipes, a remote one over TCP, and
// a pool that spreads requests over several and restarts the ones that fail.
// Torch-free and MLIR-free. Every connection multiplexes requests by id, so one
// worker can compile several candidates at once while it times one at a time.
#ifndef PIKE_WORKERCLIENT_WORKER_H
#define PIKE_WORKERCLIENT_WORKER_H

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace pike::worker {

/// The transport failed: the worker died, the connection dropped, or no reply came in time.
class WorkerError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class WorkerConnection {
public:
  virtual ~WorkerConnection();
  WorkerConnection(const WorkerConnection &) = delete;
  WorkerConnection &operator=(const WorkerConnection &) = delete;

  /// Starts the worker / connects. Throws WorkerError.
  void start();
  /// Sends `request` (fills in "protocol" and a fresh "id") and waits for its reply.
  /// Throws WorkerError when the worker dies, the link drops or `timeout` passes.
  nlohmann::json call(nlohmann::json request, std::chrono::milliseconds timeout);
  /// Stops the current worker/link and starts a new one. Requests in flight fail.
  void restart();
  /// Closes the link / stops the process. Requests in flight fail.
  void stop();

  bool alive() const;
  int inFlight() const;
  /// Bumped by every start(); lets callers restart only once per failure.
  uint64_t generation() const;
  virtual std::string describe() const = 0;

protected:
  WorkerConnection() = default;
  /// Opens the transport and returns {readFd, writeFd}. Throws WorkerError.
  virtual std::pair<int, int> open() = 0;
  /// Tears the transport down so the reader sees EOF (kill the process, shut the socket).
  virtual void closeTransport() = 0;
  /// After EOF: why the link ended ("exited with status 1", "connection closed").
  virtual std::string deathReason() = 0;
  /// Releases fds/process after the reader stopped.
  virtual void release() = 0;

private:
  struct Slot {
    bool done = false;
    bool failed = false;
    nlohmann::json reply;
    std::string error;
  };
  void readerLoop(int fd, uint64_t gen);
  void failAll(const std::string &why);
  std::string notice_; // last error the worker sent without an id (e.g. "unauthorized: ...")

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::mutex writeMu_;
  std::map<std::string, std::shared_ptr<Slot>> pending_;
  std::thread reader_;
  int readFd_ = -1, writeFd_ = -1;
  bool up_ = false;
  std::string downReason_ = "not started";
  uint64_t gen_ = 0;
  uint64_t counter_ = 0;
};

/// A pike-worker child process speaking the protocol on its stdin/stdout.
class WorkerProcess : public WorkerConnection {
public:
  struct Options {
    std::string executable = "pike-worker";
    std::vector<std::string> args;                          // extra argv
    std::vector<std::pair<std::string, std::string>> env;   // added to the environment
    std::string stderrPath;                                 // empty: inherit stderr
  };
  explicit WorkerProcess(Options opts);
  ~WorkerProcess() override;
  std::string describe() const override;
  pid_t pid() const;

protected:
  std::pair<int, int> open() override;
  void closeTransport() override;
  std::string deathReason() override;
  void release() override;

private:
  std::string reap(bool wait);
  Options opts_;
  mutable std::mutex pidMu_;
  pid_t pid_ = -1;
  int inFd_ = -1, outFd_ = -1;
  std::string exitReason_;
};

/// The shared token for TCP workers: $PIKE_WORKER_TOKEN, else the first line of
/// the file $PIKE_WORKER_TOKEN_FILE names, else "". Throws WorkerError when that
/// file cannot be read.
std::string workerTokenFromEnvironment();

/// A pike-worker started elsewhere with --listen HOST:PORT. When the worker wants
/// a shared token, the connection authenticates first ({"op":"auth","token":...})
/// with `token`, by default workerTokenFromEnvironment().
class RemoteWorker : public WorkerConnection {
public:
  RemoteWorker(std::string host, int port, std::chrono::milliseconds connectTimeout =
                                               std::chrono::milliseconds(10000));
  RemoteWorker(std::string host, int port, std::string token,
               std::chrono::milliseconds connectTimeout = std::chrono::milliseconds(10000));
  ~RemoteWorker() override;
  std::string describe() const override;
  /// "host:port" -> (host, port); throws std::invalid_argument.
  static std::pair<std::string, int> parseAddress(const std::string &addr);

protected:
  std::pair<int, int> open() override;
  void closeTransport() override;
  std::string deathReason() override;
  void release() override;

private:
  void authenticate(int sock);
  std::string host_;
  int port_;
  std::string token_;
  std::chrono::milliseconds connectTimeout_;
  int sock_ = -1, sock2_ = -1;
};

/// N workers (one or more per GPU). Picks the least busy live worker (round robin
/// among equals); a worker that fails mid-request is restarted and the request is
/// answered with status runtime_error naming the reason, never an exception.
class WorkerPool {
public:
  WorkerPool() = default;
  ~WorkerPool();
  void add(std::unique_ptr<WorkerConnection> w);
  /// Starts every worker; those that fail to start are retried on use.
  void startAll();
  size_t size() const { return workers_.size(); }
  WorkerConnection &worker(size_t i) { return *workers_.at(i)->conn; }
  int restarts() const { return restarts_.load(); }

  /// Sends to one worker. For evaluate/compile a transport failure becomes a reply
  /// with "status":"runtime_error"; for other ops an {"ok":false,"error":...} reply.
  nlohmann::json call(const nlohmann::json &request, std::chrono::milliseconds timeout);

  /// Local workers: `perGpu` pike-worker processes for each of `gpus`
  /// (CUDA_VISIBLE_DEVICES set per process; `gpus` index this process's own
  /// CUDA_VISIBLE_DEVICES when it is set). Remote: one per "host:port".
  static std::unique_ptr<WorkerPool> local(const WorkerProcess::Options &base,
                                           const std::vector<int> &gpus, int perGpu = 1);
  static std::unique_ptr<WorkerPool> remote(const std::vector<std::string> &addresses);

  /// The physical device a local worker for GPU index `gpu` gets, given this
  /// process's CUDA_VISIBLE_DEVICES (`visible`, null when unset): the index's
  /// entry of that list, so a pike-opt started on GPU 3 keeps its workers there.
  /// Throws std::invalid_argument when the index is out of the list.
  static std::string visibleDeviceFor(int gpu, const char *visible);

  /// Parses "local:N" (N workers on GPU 0) or "local:N@G,G,..." (N workers on
  /// each listed GPU index) into `perGpu` and `gpus`. Throws
  /// std::invalid_argument naming what is wrong.
  static void parseLocalSpec(const std::string &spec, int &perGpu, std::vector<int> &gpus);

private:
  struct Entry {
    std::unique_ptr<WorkerConnection> conn;
    std::mutex restartMu;
    std::chrono::steady_clock::time_point lastRestart{};
  };
  Entry *pick();
  void restartIfSame(Entry &e, uint64_t gen);
  std::vector<std::unique_ptr<Entry>> workers_;
  std::atomic<size_t> rr_{0};
  std::atomic<int> restarts_{0};
};

} // namespace pike::worker

#endif
