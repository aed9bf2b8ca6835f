#include "RunnerProcess.h"

#include "RunnerProtocol.h"

#include <cstdint>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace pike::worker::runner {

using json = nlohmann::json;

const std::vector<std::string> &environmentAllowList() {
  static const std::vector<std::string> names = {"CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "PATH",
                                                 "LD_LIBRARY_PATH"};
  return names;
}

namespace {

// Moves fd above the range the runner's fixed fds use, close-on-exec.
int highFd(int fd) {
  int h = ::fcntl(fd, F_DUPFD_CLOEXEC, 10);
  ::close(fd);
  return h;
}

std::string signalName(int sig) {
  switch (sig) {
  case SIGHUP: return "SIGHUP";
  case SIGINT: return "SIGINT";
  case SIGQUIT: return "SIGQUIT";
  case SIGILL: return "SIGILL";
  case SIGTRAP: return "SIGTRAP";
  case SIGABRT: return "SIGABRT";
  case SIGBUS: return "SIGBUS";
  case SIGFPE: return "SIGFPE";
  case SIGKILL: return "SIGKILL";
  case SIGUSR1: return "SIGUSR1";
  case SIGSEGV: return "SIGSEGV";
  case SIGUSR2: return "SIGUSR2";
  case SIGPIPE: return "SIGPIPE";
  case SIGALRM: return "SIGALRM";
  case SIGTERM: return "SIGTERM";
  case SIGSYS: return "SIGSYS";
  case SIGXCPU: return "SIGXCPU";
  case SIGXFSZ: return "SIGXFSZ";
  default: return "signal " + std::to_string(sig);
  }
}

} // namespace

std::string redactEnvironmentValues(std::string text, char *const *env) {
  for (char *const *e = env; e && *e; ++e) {
    const char *eq = std::strchr(*e, '=');
    if (!eq)
      continue;
    std::string v = eq + 1;
    if (v.size() < 8)
      continue;
    static const std::string mark = "[redacted]";
    for (size_t pos = 0; (pos = text.find(v, pos)) != std::string::npos; pos += mark.size())
      text.replace(pos, v.size(), mark);
  }
  return text;
}

std::unique_ptr<RunnerProcess> RunnerProcess::spawn(const std::string &exe, const std::vector<std::string> &args,
                                                    std::string &err) {
  int sv[2], lp[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    err = std::string("socketpair: ") + std::strerror(errno);
    return nullptr;
  }
  if (::pipe2(lp, O_CLOEXEC) != 0) {
    err = std::string("pipe: ") + std::strerror(errno);
    ::close(sv[0]);
    ::close(sv[1]);
    return nullptr;
  }
  int mine = highFd(sv[0]), theirs = highFd(sv[1]), logRead = highFd(lp[0]), logWrite = highFd(lp[1]);
  if (mine < 0 || theirs < 0 || logRead < 0 || logWrite < 0) {
    err = std::string("fcntl(F_DUPFD_CLOEXEC): ") + std::strerror(errno);
    for (int fd : {mine, theirs, logRead, logWrite})
      if (fd >= 0)
        ::close(fd);
    return nullptr;
  }

  std::vector<std::string> argvStore{exe};
  argvStore.insert(argvStore.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (auto &a : argvStore)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> envStore{"HOME=/nonexistent"};
  for (const auto &name : environmentAllowList())
    if (const char *v = std::getenv(name.c_str()))
      envStore.push_back(name + "=" + v);
  std::vector<char *> envp;
  for (auto &e : envStore)
    envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, logWrite, 1);
  posix_spawn_file_actions_adddup2(&fa, logWrite, 2);
  posix_spawn_file_actions_adddup2(&fa, theirs, kChannelFd);
  // Everything else the verifier has open (its own protocol pipes, CUDA device
  // files, the other runner's sockets) stays out, close-on-exec or not.
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&fa, kChannelFd + 1);
#endif
  // (pike-runner also closes every fd above 3 itself before anything else runs.)
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all); // the verifier ignores SIGPIPE; the runner must not inherit that
  posix_spawnattr_setpgroup(&attr, 0);        // its own process group: one kill() ends it and anything it made
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, exe.c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(theirs);
  ::close(logWrite);
  if (rc != 0) {
    err = "cannot start " + exe + ": " + std::strerror(rc);
    ::close(mine);
    ::close(logRead);
    return nullptr;
  }
  ::fcntl(mine, F_SETFL, ::fcntl(mine, F_GETFL) | O_NONBLOCK);
  ::fcntl(logRead, F_SETFL, ::fcntl(logRead, F_GETFL) | O_NONBLOCK);
  std::unique_ptr<RunnerProcess> p(new RunnerProcess());
  p->pid_ = pid;
  p->sock_ = mine;
  p->log_ = logRead;
  return p;
}

RunnerProcess::~RunnerProcess() {
  kill();
  if (pid_ > 0 && !reaped_) {
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
  }
  if (sock_ >= 0)
    ::close(sock_);
  if (log_ >= 0)
    ::close(log_);
}

bool RunnerProcess::send(const json &msg) {
  if (sock_ < 0)
    return false;
  std::string line = msg.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::send(sock_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // A runner that stops reading: wait a little, then give up (it is not serving us).
      pollfd p{sock_, POLLOUT, 0};
      if (::poll(&p, 1, 1000) > 0)
        continue;
    }
    return false;
  }
  return true;
}

void RunnerProcess::drainLog() {
  if (log_ < 0)
    return;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(log_, buf, sizeof buf);
    if (n > 0) {
      size_t keep = std::min(static_cast<size_t>(n), kOutputKeepBytes - std::min(kOutputKeepBytes, log_kept_.size()));
      log_kept_.append(buf, keep);
      logDropped_ += static_cast<size_t>(n) - keep;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0) { // every writer closed: nothing more will come
      ::close(log_);
      log_ = -1;
    }
    return;
  }
}

void RunnerProcess::pushBack(const json &msg) { pushedBack_.push_back(msg); }

RunnerProcess::Wait RunnerProcess::receive(json &msg, Clock::time_point deadline, std::string &why) {
  if (!pushedBack_.empty()) {
    msg = pushedBack_.back();
    pushedBack_.pop_back();
    return Wait::Message;
  }
  for (;;) {
    if (auto nl = inbuf_.find('\n'); nl != std::string::npos) {
      std::string line = inbuf_.substr(0, nl);
      inbuf_.erase(0, nl + 1);
      if (auto v = parseLine(line, msg)) {
        why = *v;
        return Wait::Violation;
      }
      return Wait::Message;
    }
    if (inbuf_.size() > kMaxMessageBytes) {
      why = "a message longer than " + std::to_string(kMaxMessageBytes) + " bytes";
      return Wait::Violation;
    }
    if (sock_ < 0)
      return Wait::Closed;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0)
      return Wait::Timeout;
    pollfd fds[2] = {{sock_, POLLIN, 0}, {log_, POLLIN, 0}};
    int n = ::poll(fds, log_ >= 0 ? 2 : 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno != EINTR) {
      why = std::string("poll: ") + std::strerror(errno);
      return Wait::Closed;
    }
    if (n <= 0)
      continue;
    if (log_ >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
      drainLog();
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[65536];
      ssize_t r = ::recv(sock_, buf, sizeof buf, 0);
      if (r > 0)
        inbuf_.append(buf, static_cast<size_t>(r));
      else if (r == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
        ::close(sock_);
        sock_ = -1;
        drainLog();
        if (inbuf_.find('\n') == std::string::npos)
          return Wait::Closed;
      }
    }
  }
}

void RunnerProcess::kill() {
  if (pid_ > 0 && !killed_ && !reaped_) {
    ::kill(-pid_, SIGKILL); // the group: whatever it may have started dies too
    ::kill(pid_, SIGKILL);
    killed_ = true;
  }
}

bool RunnerProcess::reap(int waitMs) {
  if (reaped_ || pid_ <= 0)
    return reaped_;
  auto end = Clock::now() + std::chrono::milliseconds(waitMs);
  for (;;) {
    pid_t r = ::waitpid(pid_, &status_, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return true;
    }
    if (r < 0 && errno != EINTR)
      return false;
    if (Clock::now() >= end)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::string RunnerProcess::describeExit() const {
  if (!reaped_)
    return "is still running";
  if (WIFEXITED(status_))
    return "exited with status " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_))
    return "was killed by signal " + std::to_string(WTERMSIG(status_)) + " (" + signalName(WTERMSIG(status_)) + ")";
  return "stopped";
}

std::string RunnerProcess::output() {
  drainLog();
  std::string s = log_kept_;
  if (logDropped_)
    s += "\n[… " + std::to_string(logDropped_) + " more bytes dropped]";
  return s;
}

} // namespace pike::worker::runner
