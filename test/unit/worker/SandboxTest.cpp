// pike-runner's seccomp sandbox, checked on the CPU: each test forks a child,
// installs the filter there and probes what a candidate might try.
#include "Sandbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <string>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using pike::worker::sandbox::install;

// Exit code of `probe` run in a sandboxed child; 100 = install failed,
// 200 + N = killed by signal N. A probe returns 0 when it saw what it expects,
// else the number of the check that failed.
int inSandbox(const std::function<int()> &probe) {
  pid_t pid = ::fork();
  if (pid == 0) {
    auto r = install();
    if (!r.ok)
      ::_exit(100);
    ::_exit(probe());
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (WIFSIGNALED(st))
    return 200 + WTERMSIG(st);
  return WEXITSTATUS(st);
}

bool failsWith(long rc, int err) { return rc == -1 && errno == err; }

TEST(Sandbox, InstallsAndSaysWhatApplies) {
  pid_t pid = ::fork();
  if (pid == 0) {
    auto r = install();
    ::_exit(r.ok && r.applied.find("execve") != std::string::npos && r.error.empty() ? 0 : 1);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
}

TEST(Sandbox, ForkAndVforkFailWithEperm) {
  EXPECT_EQ(inSandbox([] {
              pid_t p = ::fork();
              if (p == 0)
                ::_exit(0); // the filter let it through
              if (!failsWith(p, EPERM))
                return 1;
#ifdef SYS_vfork
              if (!failsWith(::syscall(SYS_vfork), EPERM))
                return 2;
#endif
              // clone3 says ENOSYS so that glibc falls back to clone for threads.
              if (!failsWith(::syscall(SYS_clone3, nullptr, 0), ENOSYS))
                return 3;
              return 0;
            }),
            0);
}

TEST(Sandbox, ExecFailsWithEperm) {
  EXPECT_EQ(inSandbox([] {
              // /bin/false: an exec that got through exits 1, never 0.
              char *argv[] = {const_cast<char *>("/bin/false"), nullptr};
              char *envp[] = {nullptr};
              ::execve("/bin/false", argv, envp);
              return errno == EPERM ? 0 : 1;
            }),
            0);
}

TEST(Sandbox, SignalsReachOnlyItself) {
  EXPECT_EQ(inSandbox([] {
              if (!failsWith(::kill(::getppid(), 0), EPERM))
                return 1; // e.g. kill(getppid(), SIGKILL) of the verifier
              if (!failsWith(::kill(0, 0), EPERM))
                return 2; // its process group
              if (!failsWith(::kill(-1, 0), EPERM))
                return 3; // everything it may signal
              if (::kill(::getpid(), 0) != 0)
                return 4;
              std::signal(SIGUSR1, SIG_IGN);
              if (::raise(SIGUSR1) != 0) // tgkill(self, self-thread)
                return 5;
              if (!failsWith(::syscall(SYS_tgkill, ::getppid(), ::getppid(), 0), EPERM))
                return 6;
              return 0;
            }),
            0);
}

TEST(Sandbox, ThreadsStillStart) {
  EXPECT_EQ(inSandbox([] {
              std::atomic<int> ran{0};
              std::thread t([&] { ran = 1; });
              t.join();
              return ran == 1 ? 0 : 1;
            }),
            0);
}

TEST(Sandbox, NoNetworkSocketsButUnixSockets) {
  EXPECT_EQ(inSandbox([] {
              if (!failsWith(::socket(AF_INET, SOCK_STREAM, 0), EPERM))
                return 1;
              if (!failsWith(::socket(AF_INET6, SOCK_DGRAM, 0), EPERM))
                return 2;
              int u = ::socket(AF_UNIX, SOCK_STREAM, 0);
              if (u < 0)
                return 3;
              ::close(u);
              return 0;
            }),
            0);
}

TEST(Sandbox, NoTracingNoEscapeFromTheProcessGroup) {
  EXPECT_EQ(inSandbox([] {
              if (!failsWith(::ptrace(PTRACE_ATTACH, ::getppid(), nullptr, nullptr), EPERM))
                return 1;
              if (!failsWith(::setsid(), EPERM))
                return 2;
              if (!failsWith(::setpgid(0, 0), EPERM))
                return 3;
              if (!failsWith(::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0), EPERM))
                return 4;
              if (!failsWith(::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), EPERM))
                return 5;
              if (::prctl(PR_SET_NAME, "probe", 0, 0, 0) != 0)
                return 6; // other prctl options still work
              char buf[8];
              struct iovec local{buf, sizeof buf}, remote{buf, sizeof buf};
              if (!failsWith(::syscall(SYS_process_vm_readv, ::getppid(), &local, 1, &remote, 1, 0), EPERM))
                return 7;
              if (!failsWith(::syscall(SYS_io_uring_setup, 1, nullptr), EPERM))
                return 8;
              return 0;
            }),
            0);
}

TEST(Sandbox, NoCoreDumps) {
  EXPECT_EQ(inSandbox([] {
              rlimit r{};
              ::getrlimit(RLIMIT_CORE, &r);
              return r.rlim_cur == 0 && r.rlim_max == 0 ? 0 : 1;
            }),
            0);
}

TEST(Sandbox, NoCapabilitiesLeft) {
  EXPECT_EQ(inSandbox([] {
              __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
              __user_cap_data_struct data[2] = {};
              if (::syscall(SYS_capget, &hdr, data) != 0)
                return 1;
              for (auto &d : data)
                if (d.effective || d.permitted || d.inheritable)
                  return 2;
              return ::prctl(PR_CAPBSET_READ, CAP_SYS_PTRACE, 0, 0, 0) == 0 ? 0 : 3;
            }),
            0);
}

// What install() reports in a child (the parent must stay unsandboxed).
std::string appliedInChild() {
  int p[2];
  if (::pipe(p) != 0)
    return "";
  pid_t pid = ::fork();
  if (pid == 0) {
    auto r = install();
    std::string s = r.ok ? r.applied : "failed: " + r.error;
    (void)!::write(p[1], s.data(), s.size());
    ::_exit(0);
  }
  ::close(p[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  ::waitpid(pid, nullptr, 0);
  return out;
}

TEST(Sandbox, WritesOnlyUnderDevWhenLandlockIsAvailable) {
  std::string applied = appliedInChild();
  ASSERT_FALSE(applied.empty());
  if (applied.find("landlock(abi") == std::string::npos)
    GTEST_SKIP() << "Landlock not available on this kernel: " << applied;
  // An existing file stands for a reference .pt or a compile-cache entry.
  std::string existing = "/tmp/pike-sandbox-existing-" + std::to_string(::getpid());
  std::string fresh = "/tmp/pike-sandbox-new-" + std::to_string(::getpid());
  int fd = ::open(existing.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_EQ(inSandbox([&] {
              if (!failsWith(::open(existing.c_str(), O_WRONLY), EACCES))
                return 1;
              if (!failsWith(::open(fresh.c_str(), O_WRONLY | O_CREAT, 0600), EACCES))
                return 2;
              if (!failsWith(::unlink(existing.c_str()), EACCES))
                return 3;
              if (!failsWith(::rename(existing.c_str(), fresh.c_str()), EACCES) && errno != EXDEV)
                return 4;
              int devnull = ::open("/dev/null", O_WRONLY);
              if (devnull < 0)
                return 5;
              ::close(devnull);
              int r = ::open(existing.c_str(), O_RDONLY); // reads stay allowed
              if (r < 0)
                return 6;
              ::close(r);
              return 0;
            }),
            0);
  ::unlink(fresh.c_str());
  ::unlink(existing.c_str());
}

TEST(Sandbox, OtherSyscallsStillWork) {
  EXPECT_EQ(inSandbox([] {
              int p[2];
              if (::pipe(p) != 0)
                return 1;
              if (::write(p[1], "x", 1) != 1)
                return 2;
              char c = 0;
              if (::read(p[0], &c, 1) != 1 || c != 'x')
                return 3;
              return ::getpid() > 0 ? 0 : 4;
            }),
            0);
}

} // namespace
