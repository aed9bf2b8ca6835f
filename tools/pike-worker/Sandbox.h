// The system-call sandbox pike-runner installs on itself before it loads a
// candidate (static constructors run at dlopen): a raw seccomp-bpf filter, no
// libseccomp. What the candidate can no longer do: start programs (execve,
// execveat), make processes (fork, vfork, clone without CLONE_THREAD; clone3
// answers ENOSYS so glibc falls back to clone for threads), trace or read other
// processes (ptrace, process_vm_readv/writev, pidfd_*), signal any process but its
// own (kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo), leave its process
// group (setsid, setpgid), open network sockets (AF_INET, AF_INET6), use io_uring
// (its operations bypass seccomp) or undo the parent-death signal / dumpable flag
// (prctl). Denied calls fail with EPERM; nothing is killed, so a launcher that
// checks errors reports them.
#ifndef PIKE_WORKER_SANDBOX_H
#define PIKE_WORKER_SANDBOX_H

#include <cstdint>
#include <string>

namespace pike::worker::sandbox {

struct Report {
  bool ok = false;
  std::string applied; // what is in force, e.g. "seccomp(fork,exec,...),rlimit_core=0"
  std::string error;   // why not, when !ok
};

/// Installs the filter on the calling thread and every thread it creates later
/// (SECCOMP_FILTER_FLAG_TSYNC: threads that already exist, e.g. the CUDA
/// driver's, get it too). Drops every capability (a runner started by root keeps
/// uid 0 but cannot bypass permissions or ptrace checks), sets PR_SET_NO_NEW_PRIVS
/// and RLIMIT_CORE 0. Irreversible.
/// `landlock` false skips the filesystem rule (PIKE_WORKER_NO_LANDLOCK=1, for
/// debugging a driver that needs to write somewhere).
Report install(bool landlock = true);

} // namespace pike::worker::sandbox

#endif
