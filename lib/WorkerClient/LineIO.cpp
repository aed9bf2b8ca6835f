#include "pike/WorkerClient/LineIO.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <poll.h>
#include <unistd.h>

namespace pike::worker {

LineReader::LineReader(int fd, size_t maxLine) : fd_(fd), maxLine_(maxLine) {}

LineReader::Result LineReader::read(std::string &line, int timeoutMs) {
  for (;;) {
    size_t nl = buf_.find('\n', scanned_);
    scanned_ = nl == std::string::npos ? buf_.size() : 0;
    if (nl != std::string::npos) {
      if (skipping_) {
        buf_.erase(0, nl + 1);
        skipping_ = false;
        continue;
      }
      if (nl > maxLine_) {
        buf_.erase(0, nl + 1);
        return Result::TooLong;
      }
      line.assign(buf_, 0, nl);
      buf_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      return Result::Line;
    }
    if (buf_.size() > maxLine_) {
      // Drop what we have and skip to the next newline: one bad line must not
      // wedge the stream.
      buf_.clear();
      scanned_ = 0;
      if (!skipping_) {
        skipping_ = true;
        return Result::TooLong;
      }
    }
    if (timeoutMs >= 0) {
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, timeoutMs);
      if (r == 0)
        return Result::Timeout;
      if (r < 0) {
        if (errno == EINTR)
          continue;
        error_ = std::strerror(errno);
        return Result::Error;
      }
    }
    char chunk[65536];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      error_ = std::strerror(errno);
      return Result::Error;
    }
    if (n == 0) {
      if (!buf_.empty() && !skipping_) { // last line without '\n'
        line.swap(buf_);
        buf_.clear();
        scanned_ = 0;
        return Result::Line;
      }
      return Result::Eof;
    }
    buf_.append(chunk, static_cast<size_t>(n));
  }
}

bool LineReader::next(std::string &line) {
  for (;;) {
    Result r = read(line);
    if (r == Result::Line)
      return true;
    if (r != Result::TooLong)
      return false;
  }
}

bool writeLine(int fd, const std::string &line) {
  std::string data = line;
  data.push_back('\n');
  const char *p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

void ignoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

} // namespace pike::worker
