#include "pike/Search/JsonlLog.h"
#include "pike/Support/FileLock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace pike::search {
namespace {

std::string sysError(const std::string &what, const std::string &path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

void writeAll(int fd, const std::string &data, const std::string &path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw std::runtime_error(sysError("cannot write", path));
    }
    done += static_cast<size_t>(n);
  }
}

std::string dirOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

JsonlContents readJsonl(const std::string &path) {
  JsonlContents out;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return out;
  out.exists = true;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  size_t pos = 0, line = 0;
  while (pos < data.size()) {
    ++line;
    size_t nl = data.find('\n', pos);
    bool complete = nl != std::string::npos;
    size_t end = complete ? nl : data.size();
    std::string text = data.substr(pos, end - pos);
    size_t next = complete ? nl + 1 : data.size();
    std::string loc = path + ":" + std::to_string(line) + ": ";
    if (!complete) {
      out.warnings.push_back(loc + "ignoring torn last line (no newline; the writer was interrupted)");
      break;
    }
    if (text.find_first_not_of(" \t\r") == std::string::npos) {
      out.validBytes = next;
      pos = next;
      continue;
    }
    try {
      out.records.push_back({nlohmann::json::parse(text), line});
      out.validBytes = next;
    } catch (const nlohmann::json::exception &e) {
      // A complete but malformed line in the middle: keep what follows it.
      out.warnings.push_back(loc + "ignoring malformed record: " + e.what());
      out.validBytes = next;
    }
    pos = next;
  }
  return out;
}

JsonlWriter::~JsonlWriter() { close(); }

void JsonlWriter::open(const std::string &path, int64_t truncateTo, bool exclusive) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0)
    ::close(fd_);
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error(sysError("cannot open", path));
  if (int err = exclusive ? lockExclusive(fd_, /*wait=*/false) : 0) {
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK)
      throw std::runtime_error("'" + path + "' is in use by another process");
    errno = err;
    throw std::runtime_error(sysError("cannot lock", path));
  }
  if (truncateTo >= 0) {
    if (::ftruncate(fd_, truncateTo) != 0)
      throw std::runtime_error(sysError("cannot truncate", path));
    ::fsync(fd_);
  }
  // Make the file's directory entry durable too.
  int dfd = ::open(dirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void JsonlWriter::append(const nlohmann::json &record) {
  std::string line = record.dump() + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ < 0)
    throw std::runtime_error("JSONL writer is not open");
  writeAll(fd_, line, path_);
  if (::fsync(fd_) != 0)
    throw std::runtime_error(sysError("cannot fsync", path_));
}

void JsonlWriter::close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void writeFileAtomically(const std::string &path, const std::string &content) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error(sysError("cannot create", tmp));
  try {
    writeAll(fd, content, tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw std::runtime_error(sysError("cannot fsync", tmp));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error(sysError("cannot rename onto", path));
  }
  int dfd = ::open(dirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

} // namespace pike::search
