#include "pike/WorkerClient/Process.h"

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

extern char **environ;

namespace pike::worker {

bool isSecretEnvName(const std::string &name) {
  std::string up;
  for (char c : name)
    up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const char *word : {"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH"})
    if (up.find(word) != std::string::npos)
      return true;
  return false;
}

PipedProcess spawnPiped(const std::vector<std::string> &args, const SpawnOptions &opts,
                        std::string &error) {
  PipedProcess p;
  if (args.empty()) {
    error = "nothing to run";
    return p;
  }
  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls (the parent may have other threads).
  std::vector<std::string> argStore = args;
  std::vector<char *> argv;
  for (auto &a : argStore)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> envStore;
  for (char **e = environ; *e; ++e) {
    std::string kv = *e;
    bool replaced = false;
    for (const auto &o : opts.env)
      if (kv.compare(0, o.first.size() + 1, o.first + "=") == 0)
        replaced = true;
    if (opts.dropSecrets && isSecretEnvName(kv.substr(0, kv.find('='))))
      continue;
    if (!replaced)
      envStore.push_back(kv);
  }
  for (const auto &o : opts.env)
    envStore.push_back(o.first + "=" + o.second);
  std::vector<char *> envp;
  for (auto &e : envStore)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  bool search = std::strchr(argv[0], '/') == nullptr;

  int toChild[2], fromChild[2];
  if (::pipe2(toChild, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return p;
  }
  if (::pipe2(fromChild, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    ::close(toChild[0]);
    ::close(toChild[1]);
    return p;
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    for (int fd : {toChild[0], toChild[1], fromChild[0], fromChild[1]})
      ::close(fd);
    return p;
  }
  if (pid == 0) {
    if (opts.dieWithParent) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) // the parent died before prctl took effect
        ::_exit(1);
    }
    ::dup2(toChild[0], 0);
    ::dup2(fromChild[1], 1);
    if (opts.stderrFd >= 0)
      ::dup2(opts.stderrFd, 2);
    if (search)
      ::execvpe(argv[0], argv.data(), envp.data());
    else
      ::execve(argv[0], argv.data(), envp.data());
    const char msg[] = "pike-worker: exec failed\n";
    ssize_t ignored = ::write(2, msg, sizeof msg - 1);
    (void)ignored;
    ::_exit(127);
  }
  ::close(toChild[0]);
  ::close(fromChild[1]);
  p.pid = pid;
  p.stdinFd = toChild[1];
  p.stdoutFd = fromChild[0];
  return p;
}

} // namespace pike::worker
