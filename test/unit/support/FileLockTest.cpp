#include "pike/Support/FileLock.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

/// A file name in a fresh directory, both removed at the end of the test.
class TempPath {
public:
  explicit TempPath(const char *name) {
    char tmpl[] = "/tmp/pike-filelock-XXXXXX";
    EXPECT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/" + name;
  }
  ~TempPath() {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  operator const std::string &() const { return path_; }
  const char *c_str() const { return path_.c_str(); }

private:
  std::string dir_, path_;
};

/// Whether another open file description could take the lock now.
int tryLockElsewhere(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  int err = pike::lockExclusive(fd, /*wait=*/false);
  ::close(fd);
  return err;
}

TEST(FileLock, HeldUntilDestroyedThenFree) {
  TempPath path("db.lock");
  {
    pike::FileLock lock(path);
    ASSERT_TRUE(lock.held()) << lock.error();
    EXPECT_EQ(tryLockElsewhere(path), EWOULDBLOCK);
  }
  EXPECT_EQ(tryLockElsewhere(path), 0);
}

TEST(FileLock, CreatesTheFileWithTheGivenMode) {
  TempPath path("gpu.lock");
  mode_t old = ::umask(0);
  {
    pike::FileLock lock(path, 0666);
    ASSERT_TRUE(lock.held()) << lock.error();
  }
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0666u);
}

TEST(FileLock, UnopenablePathIsAnErrorNamingIt) {
  pike::FileLock lock("/nonexistent-pike-dir/x.lock");
  EXPECT_FALSE(lock.held());
  EXPECT_NE(lock.error().find("cannot open lock file '/nonexistent-pike-dir/x.lock'"), std::string::npos)
      << lock.error();
}

} // namespace
