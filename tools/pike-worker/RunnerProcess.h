// The verifier's handle on one pike-runner process: spawns it with nothing but
// what it needs (fd 0 = /dev/null, fds 1 and 2 = a pipe into a capped log, fd 3 =
// its end of the control socketpair, every other fd closed, an allow-listed
// environment, its own process group, SIGKILL when the verifier dies), sends it
// messages, waits for its answers against a deadline while draining its output,
// and kills its whole process group. No CUDA here.
#ifndef PIKE_WORKER_RUNNERPROCESS_H
#define PIKE_WORKER_RUNNERPROCESS_H

#include <cstdint>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace pike::worker::runner {

/// Environment variables a runner inherits (if set); HOME is always /nonexistent.
const std::vector<std::string> &environmentAllowList();

/// Bytes of runner output kept for the reply (`candidate_output`); the rest is
/// counted and dropped.
constexpr size_t kOutputKeepBytes = 4096;

/// Replaces every occurrence of the value of an environment variable in `env`
/// (NAME=VALUE strings, null-terminated array) that is 8+ characters long with
/// "[redacted]": candidate output must not carry the worker's secrets back to the
/// client, whichever way the candidate found them.
std::string redactEnvironmentValues(std::string text, char *const *env);

class RunnerProcess {
public:
  using Clock = std::chrono::steady_clock;

  /// Starts `exe args...`. Returns nullptr with `err` set when it cannot.
  static std::unique_ptr<RunnerProcess> spawn(const std::string &exe, const std::vector<std::string> &args,
                                              std::string &err);
  ~RunnerProcess(); // kills the process group and reaps it

  RunnerProcess(const RunnerProcess &) = delete;
  RunnerProcess &operator=(const RunnerProcess &) = delete;

  bool send(const nlohmann::json &msg);

  enum class Wait { Message, Timeout, Closed, Violation };
  /// Waits for the next message until `deadline`. Violation: `why` says what the
  /// runner sent (not JSON, too long, not an object).
  Wait receive(nlohmann::json &msg, Clock::time_point deadline, std::string &why);

  /// Puts a received message back; the next receive() returns it first.
  void pushBack(const nlohmann::json &msg);

  /// SIGKILL to the runner's process group (idempotent, does not wait).
  void kill();
  /// Reaps the runner if it has exited (waits up to waitMs). True once reaped.
  bool reap(int waitMs);
  /// "exited with status N" / "was killed by signal N (SIGSEGV)" / "is still running".
  std::string describeExit() const;
  bool exited() const { return reaped_; }

  pid_t pid() const { return pid_; }
  /// The runner's captured stdout+stderr: the first kOutputKeepBytes, plus a note
  /// of how much was dropped. Drains what is readable now first.
  std::string output();

private:
  RunnerProcess() = default;
  void drainLog();
  pid_t pid_ = -1;
  int sock_ = -1, log_ = -1;
  bool killed_ = false, reaped_ = false;
  int status_ = 0;
  std::string inbuf_, log_kept_;
  std::vector<nlohmann::json> pushedBack_;
  size_t logDropped_ = 0;
};

} // namespace pike::worker::runner

#endif
