#include "pike/Support/FileLock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace pike {

int lockExclusive(int fd, bool wait) {
  while (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0)
    if (errno != EINTR)
      return errno;
  return 0;
}

FileLock::FileLock(const std::string &path, unsigned mode) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0) {
    error_ = "cannot open lock file '" + path + "': " + std::strerror(errno);
    return;
  }
  if (int err = lockExclusive(fd, /*wait=*/true)) {
    error_ = "cannot lock '" + path + "': " + std::strerror(err);
    ::close(fd);
    return;
  }
  fd_ = fd;
}

FileLock::~FileLock() {
  if (fd_ >= 0)
    ::close(fd_); // releases the lock
}

} // namespace pike
