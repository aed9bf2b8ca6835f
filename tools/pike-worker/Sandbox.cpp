#include "Sandbox.h"

#include <cstdint>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace pike::worker::sandbox {

namespace {

#if defined(__x86_64__)
constexpr unsigned kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kArch = AUDIT_ARCH_AARCH64;
#else
#error "pike-runner's sandbox knows the system-call ABI of x86_64 and aarch64 only"
#endif

constexpr unsigned kNr = offsetof(struct seccomp_data, nr);
constexpr unsigned kArchOff = offsetof(struct seccomp_data, arch);
// Low 32 bits of argument i (little endian): pids, flags and domains are ints.
constexpr unsigned argLo(int i) { return offsetof(struct seccomp_data, args) + 8 * i; }

constexpr uint32_t kAllow = SECCOMP_RET_ALLOW;
constexpr uint32_t kEperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
constexpr uint32_t kEnosys = SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA);
constexpr uint32_t kKill = SECCOMP_RET_KILL_PROCESS;

sock_filter stmt(uint16_t code, uint32_t k) { return BPF_STMT(code, k); }
sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { return BPF_JUMP(code, k, jt, jf); }

// A program is a list of blocks, each "if nr == N then <body>"; bodies end in a
// return, so a block that does not match skips exactly its own body.
struct Program {
  std::vector<sock_filter> code;

  void ret(uint32_t action) { code.push_back(stmt(BPF_RET | BPF_K, action)); }

  void whenSyscall(long nr, const std::vector<sock_filter> &body) {
    code.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0,
                        static_cast<uint8_t>(body.size())));
    code.insert(code.end(), body.begin(), body.end());
  }
  void deny(long nr, uint32_t action = kEperm) { whenSyscall(nr, {stmt(BPF_RET | BPF_K, action)}); }

  // Allowed only when argument `arg` equals `value` (e.g. the runner's own pid).
  void onlyWithArg(long nr, int arg, uint32_t value) {
    whenSyscall(nr, {stmt(BPF_LD | BPF_W | BPF_ABS, argLo(arg)),
                     jump(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 1), stmt(BPF_RET | BPF_K, kAllow),
                     stmt(BPF_RET | BPF_K, kEperm)});
  }
  // Denied when argument `arg` equals one of `values`.
  void denyArgValues(long nr, int arg, const std::vector<uint32_t> &values) {
    std::vector<sock_filter> body{stmt(BPF_LD | BPF_W | BPF_ABS, argLo(arg))};
    // Each test jumps to the final EPERM on a match: distance = tests left + the ALLOW.
    for (size_t i = 0; i < values.size(); ++i)
      body.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, values[i], static_cast<uint8_t>(values.size() - i), 0));
    body.push_back(stmt(BPF_RET | BPF_K, kAllow));
    body.push_back(stmt(BPF_RET | BPF_K, kEperm));
    whenSyscall(nr, body);
  }
};

std::vector<sock_filter> buildFilter(pid_t self) {
  Program p;
  p.code.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kArchOff));
  // Another ABI (int 0x80 on x86_64) would dodge every number below: not allowed.
  p.code.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0));
  p.ret(kKill);
  p.code.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kNr));
#if defined(__x86_64__)
  p.code.push_back(jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u /* __X32_SYSCALL_BIT */, 0, 1));
  p.ret(kKill);
#endif
  // New programs and processes.
  p.deny(__NR_execve);
  p.deny(__NR_execveat);
#ifdef __NR_fork
  p.deny(__NR_fork);
#endif
#ifdef __NR_vfork
  p.deny(__NR_vfork);
#endif
  p.deny(__NR_clone3, kEnosys); // glibc then creates threads with clone(CLONE_THREAD)
  // clone: threads only. (x86_64 and aarch64 both pass the flags first.)
  p.whenSyscall(__NR_clone, {stmt(BPF_LD | BPF_W | BPF_ABS, argLo(0)),
                             jump(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1),
                             stmt(BPF_RET | BPF_K, kAllow), stmt(BPF_RET | BPF_K, kEperm)});
  // Other processes: no tracing, no memory access, no signals, no namespaces.
  p.deny(__NR_ptrace);
  p.deny(__NR_process_vm_readv);
  p.deny(__NR_process_vm_writev);
  p.deny(__NR_pidfd_open);
  p.deny(__NR_pidfd_send_signal);
  p.deny(__NR_pidfd_getfd);
  p.deny(__NR_kcmp);
  p.deny(__NR_setns);
  p.deny(__NR_unshare);
  p.onlyWithArg(__NR_kill, 0, static_cast<uint32_t>(self));
  p.onlyWithArg(__NR_tgkill, 0, static_cast<uint32_t>(self));
  p.onlyWithArg(__NR_tkill, 0, static_cast<uint32_t>(self));
  p.onlyWithArg(__NR_rt_sigqueueinfo, 0, static_cast<uint32_t>(self));
  p.onlyWithArg(__NR_rt_tgsigqueueinfo, 0, static_cast<uint32_t>(self));
  // Staying in the process group the verifier kills.
  p.deny(__NR_setsid);
  p.deny(__NR_setpgid);
  // No network; AF_UNIX stays (the CUDA driver may use it).
  p.denyArgValues(__NR_socket, 0, {AF_INET, AF_INET6});
  // io_uring operations are not seen by seccomp.
  p.deny(__NR_io_uring_setup);
  p.deny(__NR_io_uring_enter);
  p.deny(__NR_io_uring_register);
  // Keep the parent-death signal, non-dumpability and no-ptracer settings.
  p.denyArgValues(__NR_prctl, 0, {PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_PTRACER});
  p.ret(kAllow);
  return p.code;
}

// A runner started by root keeps uid 0 but loses every capability, so it cannot
// bypass the verifier's non-dumpable protection (/proc/<pid>/mem needs
// CAP_SYS_PTRACE then) or file permissions. A no-op for an unprivileged runner.
std::string dropCapabilities() {
  for (int cap = 0; cap <= 63; ++cap)
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL && errno != EPERM)
      return std::string("prctl(PR_CAPBSET_DROP): ") + std::strerror(errno);
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capset, &hdr, data) != 0)
    return std::string("capset: ") + std::strerror(errno);
  return "";
}

// Landlock (best effort, Linux 5.13+ with the LSM enabled): the candidate may open
// files for writing, create, remove or rename anything only under /dev (device
// nodes, /dev/null, /dev/shm). It cannot overwrite a reference .pt, the compile
// cache or /proc/<pid>/mem of another process. Reads stay allowed. Applies to the
// calling (main) thread and every thread it creates later, which is where
// candidate code runs. Returns what applied.
std::string restrictWrites() {
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
  constexpr uint64_t LANDLOCK_ACCESS_FS_TRUNCATE = 1ULL << 14;
#endif
  long abi = ::syscall(__NR_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1)
    return std::string("landlock unavailable (") + std::strerror(errno) + ")";
  uint64_t handled = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                     LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                     LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                     LANDLOCK_ACCESS_FS_MAKE_SYM;
  if (abi >= 2)
    handled |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3)
    handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
  landlock_ruleset_attr attr{};
  attr.handled_access_fs = handled;
  int rs = static_cast<int>(::syscall(__NR_landlock_create_ruleset, &attr, sizeof attr, 0));
  if (rs < 0)
    return std::string("landlock unavailable (create_ruleset: ") + std::strerror(errno) + ")";
  int dev = ::open("/dev", O_PATH | O_CLOEXEC | O_DIRECTORY);
  landlock_path_beneath_attr rule{};
  rule.allowed_access = handled;
  rule.parent_fd = dev;
  std::string err;
  if (dev < 0 || ::syscall(__NR_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0)
    err = std::string("add_rule(/dev): ") + std::strerror(errno);
  else if (::syscall(__NR_landlock_restrict_self, rs, 0) != 0)
    err = std::string("restrict_self: ") + std::strerror(errno);
  if (dev >= 0)
    ::close(dev);
  ::close(rs);
  if (!err.empty())
    return "landlock unavailable (" + err + ")";
  return "landlock(abi " + std::to_string(abi) + ": writes only under /dev)";
}

} // namespace

Report install(bool landlock) {
  Report r;
  if (std::string e = dropCapabilities(); !e.empty()) {
    r.error = e;
    return r;
  }
  rlimit core{0, 0};
  if (::setrlimit(RLIMIT_CORE, &core) != 0) {
    r.error = std::string("setrlimit(RLIMIT_CORE): ") + std::strerror(errno);
    return r;
  }
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    r.error = std::string("prctl(PR_SET_NO_NEW_PRIVS): ") + std::strerror(errno);
    return r;
  }
  // Before seccomp: the filter does not list the landlock calls, but keeping
  // the order fixed makes the report reflect the state candidate code meets.
  std::string fsRule = landlock ? restrictWrites() : "landlock off (PIKE_WORKER_NO_LANDLOCK)";
  std::vector<sock_filter> code = buildFilter(::getpid());
  sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
  if (::syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0) {
    r.error = std::string("seccomp(SECCOMP_SET_MODE_FILTER): ") + std::strerror(errno);
    return r;
  }
  r.ok = true;
  r.applied = fsRule + ",seccomp(deny: execve,execveat,fork,vfork,clone-without-CLONE_THREAD,clone3=ENOSYS,ptrace,"
              "process_vm_readv/writev,pidfd_*,kcmp,setns,unshare,setsid,setpgid,io_uring,"
              "socket(AF_INET|AF_INET6),prctl(PDEATHSIG|DUMPABLE|PTRACER),"
              "kill/tkill/tgkill/rt_sigqueueinfo/rt_tgsigqueueinfo to other pids),"
              "no_new_privs,no_capabilities,rlimit_core=0";
  return r;
}

} // namespace pike::worker::sandbox
