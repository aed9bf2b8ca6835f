// Crash-safe JSON-lines files: each record is one line written with a single
// write() and fsync()ed before append() returns, so after kill -9 or power loss
// at most the last line is torn. Readers skip bad lines with a file:line warning.
#ifndef PIKE_SEARCH_JSONLLOG_H
#define PIKE_SEARCH_JSONLLOG_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace pike::search {

struct JsonlRecord {
  nlohmann::json value;
  size_t line = 0; // 1-based
};

struct JsonlContents {
  std::vector<JsonlRecord> records;
  std::vector<std::string> warnings; // "path:line: why"
  /// Bytes up to the end of the last complete, well-formed line: what a writer
  /// may keep before appending (a torn tail is cut off).
  uint64_t validBytes = 0;
  bool exists = false;
};

/// Reads every line; malformed lines become warnings (a torn last line included).
JsonlContents readJsonl(const std::string &path);

/// Appends records durably. Thread-safe.
class JsonlWriter {
public:
  JsonlWriter() = default;
  ~JsonlWriter();
  JsonlWriter(const JsonlWriter &) = delete;
  JsonlWriter &operator=(const JsonlWriter &) = delete;

  /// Opens (creating) `path` for appending; when truncateTo is given, first cuts
  /// the file to that many bytes (drops a torn tail). With `exclusive`, takes a
  /// non-blocking flock held until close() (or process death), so two runs
  /// cannot append to one log. Throws std::runtime_error.
  void open(const std::string &path, int64_t truncateTo = -1, bool exclusive = false);
  void append(const nlohmann::json &record);
  void close();
  bool isOpen() const { return fd_ >= 0; }
  const std::string &path() const { return path_; }

private:
  std::mutex mu_;
  int fd_ = -1;
  std::string path_;
};

/// Writes `content` to `path` atomically: temp file, fsync, rename, fsync dir.
void writeFileAtomically(const std::string &path, const std::string &content);

} // namespace pike::search

#endif
