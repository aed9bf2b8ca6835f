// Exclusive flock(2) locks between processes: the tuning database's writers,
// the search log's single owner, the worker's compile cache and GPU timing.
#ifndef PIKE_SUPPORT_FILELOCK_H
#define PIKE_SUPPORT_FILELOCK_H

#include <string>

namespace pike {

/// Takes an exclusive flock on the open descriptor `fd`, retrying when a signal
/// interrupts the wait. With `wait` false it fails at once (EWOULDBLOCK) when
/// another open file description holds the lock. Returns 0 or the errno.
int lockExclusive(int fd, bool wait);

/// An exclusive lock on `path` (created with `mode` if missing), held from
/// construction to destruction; closing the descriptor releases it, so a
/// crashed holder never leaves it stuck.
class FileLock {
public:
  explicit FileLock(const std::string &path, unsigned mode = 0644);
  ~FileLock();
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;

  /// Whether the lock is held; when not, error() says why (open or lock failed).
  bool held() const { return fd_ >= 0; }
  const std::string &error() const { return error_; }

private:
  int fd_ = -1;
  std::string error_;
};

} // namespace pike

#endif
