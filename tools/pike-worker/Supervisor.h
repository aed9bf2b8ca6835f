// The supervisor half of pike-worker. It never touches CUDA: it runs the
// evaluator as a child process (this binary with --child), proxies requests to it,
// kills it when a candidate passes its deadline, and restarts it when it dies
// (illegal memory access, sticky CUDA error, segfault in a host launcher).
#ifndef PIKE_WORKER_SUPERVISOR_H
#define PIKE_WORKER_SUPERVISOR_H

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace pike::worker {

struct SupervisorOptions {
  std::string childExe;                 // this binary
  std::vector<std::string> childArgs;   // passed after --child
  bool testOps = false;                 // PIKE_WORKER_TEST_OPS=1
  int maxResends = 2;                   // re-sends of a request whose child died under another one
  int defaultDeadlineMs = 30000;
  size_t maxLineBytes = 64u << 20;      // longer request lines get a too_long error
  int maxJsonDepth = 64;                // deeper requests get a too_deep error (never parsed)
  std::string token;                    // non-empty: every TCP client must authenticate first
  int authTimeoutMs = 10000;            // a TCP client that does not authenticate by then is closed
  int maxClients = 256;                 // further TCP connections are answered and closed
};

/// Constant-time equality of two secrets (the time depends only on their lengths).
bool secretsEqual(const std::string &a, const std::string &b);
/// True when every address `host` resolves to is a loopback address (127/8, ::1).
/// Sets `error` when it cannot be resolved.
bool isLoopbackHost(const std::string &host, std::string &error);

class Supervisor {
public:
  explicit Supervisor(SupervisorOptions opts);
  /// Serves stdin/stdout until stdin closes (then drains) or a shutdown request.
  int runStdio();
  /// Serves TCP clients on host:port until a shutdown request. Writes the bound
  /// port to portFile when given (port 0 picks a free one).
  int runTcp(const std::string &host, int port, const std::string &portFile);

private:
  // One connection (or stdio). Replies are queued and written by the client's own
  // writer thread, so a client that stops reading stalls only itself.
  struct Client : std::enable_shared_from_this<Client> {
    int fd;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::string> queue;
    size_t queuedBytes = 0;
    bool open = true;     // false once a write failed or the queue overflowed
    bool closing = false; // writer exits when the queue is empty
    bool writing = false; // a popped line is being written
    std::atomic<int> inFlight{0};
    std::thread writer;
    void send(const nlohmann::json &msg);
    void startWriter();
    /// Flushes what is queued (at most waitMs), then stops the writer.
    void finish(int waitMs);
  };
  struct Pending {
    std::shared_ptr<Client> client;
    nlohmann::json origId;
    std::string op;
    std::string line;       // request as sent to the child (internal id)
    uint64_t sentGen = 0;   // child generation it was sent to; 0 = not sent
    bool running = false;   // the child is in this request's GPU phase
    bool timedOut = false;
    int deadlineMs = 0;
    std::chrono::steady_clock::time_point deadline;
    int resends = 0;
  };

  void serveClient(std::shared_ptr<Client> c, int readFd, bool needAuth);
  void handleLine(const std::shared_ptr<Client> &c, const std::string &line);
  void childManager();
  void watchdog();
  bool spawnChild();
  void sendPendingLocked();
  void onChildLine(const std::string &line);
  void onChildDeath(const std::string &reason);
  void replyLocked(Pending &p, nlohmann::json reply);
  void requestShutdown();
  nlohmann::json pingReply(const nlohmann::json &id);

  SupervisorOptions opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, Pending> pending_;
  uint64_t nextId_ = 1;
  pid_t childPid_ = -1;
  int childIn_ = -1;
  int childOutFd_ = -1;
  uint64_t gen_ = 0;
  int restarts_ = 0;
  bool shuttingDown_ = false;
  std::string lastDeath_;
  std::chrono::steady_clock::time_point childStart_;
};

} // namespace pike::worker

#endif
