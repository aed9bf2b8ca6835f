#include "pike/WorkerClient/Landlock.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// The kernel ABI, spelled out so the worker also builds against older headers.
namespace {
constexpr long kCreateRuleset = 444, kAddRule = 445, kRestrictSelf = 446; // all architectures
constexpr uint32_t kCreateRulesetVersion = 1u << 0;
constexpr int kRulePathBeneath = 1;

constexpr uint64_t kExecute = 1ull << 0, kWriteFile = 1ull << 1, kReadFile = 1ull << 2,
                   kReadDir = 1ull << 3, kRemoveDir = 1ull << 4, kRemoveFile = 1ull << 5,
                   kMakeChar = 1ull << 6, kMakeDir = 1ull << 7, kMakeReg = 1ull << 8,
                   kMakeSock = 1ull << 9, kMakeFifo = 1ull << 10, kMakeBlock = 1ull << 11,
                   kMakeSym = 1ull << 12, kRefer = 1ull << 13, kTruncate = 1ull << 14,
                   kIoctlDev = 1ull << 15;

struct RulesetAttr {
  uint64_t handledAccessFs;
};
struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowedAccess;
  int32_t parentFd;
};

uint64_t handledFor(int abi) {
  uint64_t h = kExecute | kWriteFile | kReadFile | kReadDir | kRemoveDir | kRemoveFile | kMakeChar |
               kMakeDir | kMakeReg | kMakeSock | kMakeFifo | kMakeBlock | kMakeSym;
  if (abi >= 2)
    h |= kRefer;
  if (abi >= 3)
    h |= kTruncate;
  if (abi >= 5)
    h |= kIoctlDev;
  return h;
}

bool exists(const std::string &p, bool *isDir) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0)
    return false;
  *isDir = S_ISDIR(st.st_mode);
  return true;
}
} // namespace

namespace pike::worker {

int landlockAbi(std::string *why) {
  long v = ::syscall(kCreateRuleset, nullptr, 0, kCreateRulesetVersion);
  if (v < 0) {
    if (why)
      *why = errno == ENOSYS     ? "the kernel has no Landlock (ENOSYS)"
             : errno == EOPNOTSUPP ? "Landlock is disabled in this kernel (EOPNOTSUPP)"
                                   : std::string("landlock_create_ruleset: ") + std::strerror(errno);
    return 0;
  }
  return static_cast<int>(v);
}

int buildLandlockRuleset(const LandlockPaths &paths, std::string &error) {
  int abi = landlockAbi(&error);
  if (abi <= 0)
    return -1;
  uint64_t handled = handledFor(abi);
  RulesetAttr attr{handled};
  int rs = static_cast<int>(::syscall(kCreateRuleset, &attr, sizeof attr, 0));
  if (rs < 0) {
    error = std::string("landlock_create_ruleset: ") + std::strerror(errno);
    return -1;
  }
  const uint64_t fileRead = kReadFile | kExecute;
  const uint64_t dirRead = fileRead | kReadDir;
  const uint64_t fileWrite = fileRead | kWriteFile | (handled & (kTruncate | kIoctlDev));
  const uint64_t dirWrite = handled; // everything beneath its own temp dir
  auto add = [&](const std::string &path, uint64_t dirAccess, uint64_t fileAccess) {
    bool isDir = false;
    if (!exists(path, &isDir))
      return true; // e.g. no /lib64 on this system
    int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) {
      error = "open " + path + ": " + std::strerror(errno);
      return false;
    }
    PathBeneathAttr pb{(isDir ? dirAccess : fileAccess) & handled, fd};
    long r = ::syscall(kAddRule, rs, kRulePathBeneath, &pb, 0);
    int e = errno;
    ::close(fd);
    if (r != 0) {
      error = "landlock_add_rule " + path + ": " + std::strerror(e);
      return false;
    }
    return true;
  };
  bool ok = true;
  for (const auto &d : paths.readDirs)
    ok = ok && add(d, dirRead, fileRead);
  for (const auto &f : paths.readFiles)
    ok = ok && add(f, fileRead, fileRead);
  for (const auto &d : paths.writeDirs)
    ok = ok && add(d, dirWrite, fileWrite);
  for (const auto &f : paths.writeFiles)
    ok = ok && add(f, fileWrite, fileWrite);
  if (!ok) {
    ::close(rs);
    return -1;
  }
  return rs;
}

int applyLandlockRuleset(int rulesetFd) {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return errno;
  if (::syscall(kRestrictSelf, rulesetFd, 0) != 0)
    return errno;
  return 0;
}

} // namespace pike::worker
