// Newline-delimited I/O on file descriptors (pipes and sockets), used by the
// worker's supervisor and by clients. No threads inside; callers lock writers.
#ifndef PIKE_WORKERCLIENT_LINEIO_H
#define PIKE_WORKERCLIENT_LINEIO_H

#include <string>

namespace pike::worker {

class LineReader {
public:
  enum class Result { Line, Eof, Timeout, TooLong, Error };
  explicit LineReader(int fd, size_t maxLine);
  /// Reads one line without its '\n'. timeoutMs < 0 waits forever. After TooLong
  /// the rest of the offending line is skipped.
  Result read(std::string &line, int timeoutMs = -1);
  /// Blocks for the next line within the limit, dropping longer ones; false at
  /// end of input or on an error.
  bool next(std::string &line);
  int fd() const { return fd_; }
  const std::string &error() const { return error_; }

private:
  int fd_;
  size_t maxLine_;
  std::string buf_;
  size_t scanned_ = 0; // bytes of buf_ already known to hold no '\n' (keeps long lines linear)
  bool skipping_ = false;
  std::string error_;
};

/// Writes `line` plus '\n' completely (retries on EINTR/short writes).
/// Returns false when the peer is gone.
bool writeLine(int fd, const std::string &line);

/// Ignores SIGPIPE process-wide once, so a dead peer shows up as a write error.
void ignoreSigpipe();

} // namespace pike::worker

#endif
