#include "pike/TorchScript/SafeTensors.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace pike;

namespace {

constexpr const char *kSourceKey = "pike.source";
constexpr const char *kSourceSizeKey = "pike.source_size";
constexpr const char *kSourceMtimeKey = "pike.source_mtime_ns";
constexpr const char *kSourceTensorsKey = "pike.source_tensors";

/// pread until `n` bytes or the end of the file; the count read.
size_t readAt(int fd, uint64_t offset, uint8_t *dst, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd, dst + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    done += static_cast<size_t>(got);
  }
  return done;
}

struct Fd {
  int fd;
  explicit Fd(const std::string &path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

/// Reads the tensors a weights file takes from its source model (see the header).
bool readSourceTensors(const std::string &path, const nlohmann::json &meta,
                       std::map<std::string, RawTensor> &tensors, std::string &error) {
  auto text = [&](const char *key) -> std::string {
    auto it = meta.find(key);
    return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string source = text(kSourceKey), size = text(kSourceSizeKey), mtime = text(kSourceMtimeKey);
  nlohmann::json refs = nlohmann::json::parse(text(kSourceTensorsKey), nullptr, false);
  if (source.empty() || size.empty() || mtime.empty() || !refs.is_object()) {
    error = "'" + path + "' has a malformed '" + kSourceTensorsKey + "' entry";
    return false;
  }
  std::optional<SourceFileStamp> now = stampOf(source);
  int statError = errno;
  if (!now) {
    error = "the weights file '" + path + "' takes " + std::to_string(refs.size()) +
            " tensors from the model '" + source + "', which cannot be read (" +
            std::strerror(statError) + "): import the model again";
    return false;
  }
  if (std::to_string(now->size) != size || std::to_string(now->mtimeNs) != mtime) {
    error = "the weights file '" + path + "' takes " + std::to_string(refs.size()) +
            " tensors from the model '" + source +
            "', which changed since the import (its size or modification time differ): "
            "import the model again";
    return false;
  }
  Fd in(source);
  if (in.fd < 0) {
    error = "cannot open the model '" + source + "' that '" + path + "' takes tensors from";
    return false;
  }
  for (auto &[name, entry] : refs.items()) {
    RawTensor t;
    try {
      t.dtype = entry.at("dtype").get<std::string>();
      t.shape = entry.at("shape").get<std::vector<int64_t>>();
      auto offs = entry.at("file_offsets").get<std::vector<uint64_t>>();
      if (offs.size() != 2 || offs[0] > offs[1] || offs[1] > now->size) {
        error = "tensor '" + name + "' in '" + path + "' points outside its model '" + source + "'";
        return false;
      }
      t.bytes.resize(offs[1] - offs[0]);
      if (readAt(in.fd, offs[0], t.bytes.data(), t.bytes.size()) != t.bytes.size()) {
        error = "cannot read tensor '" + name + "' of '" + path + "' from its model '" + source + "'";
        return false;
      }
    } catch (const std::exception &e) {
      error = "tensor '" + name + "' in '" + path + "' has a malformed entry: " + e.what();
      return false;
    }
    if (tensors.count(name)) {
      error = "tensor '" + name + "' appears twice in '" + path + "'";
      return false;
    }
    tensors[name] = std::move(t);
  }
  return true;
}

} // namespace

std::optional<SourceFileStamp> pike::stampOf(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return std::nullopt;
  SourceFileStamp s;
  s.path = path;
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

bool pike::writeSafeTensors(const std::string &path,
                            const std::map<std::string, RawTensor> &tensors, std::string &error,
                            const SourceFileStamp *source) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  nlohmann::ordered_json fromSource = nlohmann::ordered_json::object();
  uint64_t offset = 0;
  for (const auto &[name, t] : tensors) {
    if (t.sourceOffset) {
      if (!source) {
        error = "tensor '" + name + "' lies in the model file, but no model file was given";
        return false;
      }
      fromSource[name] = {{"dtype", t.dtype}, {"shape", t.shape},
                          {"file_offsets", {*t.sourceOffset, *t.sourceOffset + t.size()}}};
      continue;
    }
    header[name] = {{"dtype", t.dtype}, {"shape", t.shape},
                    {"data_offsets", {offset, offset + t.size()}}};
    offset += t.size();
  }
  if (!fromSource.empty()) {
    nlohmann::ordered_json meta = {{kSourceKey, source->path},
                                   {kSourceSizeKey, std::to_string(source->size)},
                                   {kSourceMtimeKey, std::to_string(source->mtimeNs)},
                                   {kSourceTensorsKey, fromSource.dump()}};
    nlohmann::ordered_json withMeta = {{"__metadata__", meta}};
    withMeta.update(header);
    header = std::move(withMeta);
  }
  std::string text = header.dump();
  // The format asks for 8-byte alignment of the data section.
  while ((text.size() % 8) != 0)
    text.push_back(' ');
  std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) {
    error = "cannot open '" + tmp + "' for writing";
    return false;
  }
  uint64_t len = text.size();
  unsigned char lenBytes[8];
  for (int i = 0; i < 8; ++i)
    lenBytes[i] = static_cast<unsigned char>((len >> (8 * i)) & 0xff);
  out.write(reinterpret_cast<const char *>(lenBytes), 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const auto &[name, t] : tensors)
    if (!t.sourceOffset)
      out.write(reinterpret_cast<const char *>(t.data()), static_cast<std::streamsize>(t.size()));
  out.close();
  if (!out) {
    error = "failed writing '" + tmp + "'";
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot rename '" + tmp + "' to '" + path + "'";
    return false;
  }
  return true;
}

bool pike::readSafeTensors(const std::string &path, std::map<std::string, RawTensor> &tensors,
                           std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open weights file '" + path + "'";
    return false;
  }
  unsigned char lenBytes[8];
  if (!in.read(reinterpret_cast<char *>(lenBytes), 8)) {
    error = "'" + path + "' is too short to be a safetensors file";
    return false;
  }
  uint64_t len = 0;
  for (int i = 7; i >= 0; --i)
    len = (len << 8) | lenBytes[i];
  if (len > (1u << 30)) {
    error = "'" + path + "' has an implausible header length";
    return false;
  }
  std::string text(len, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(len))) {
    error = "'" + path + "' ends inside its header";
    return false;
  }
  nlohmann::json header = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) {
    error = "'" + path + "' has a malformed JSON header";
    return false;
  }
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (auto &[name, entry] : header.items()) {
    if (name == "__metadata__")
      continue;
    RawTensor t;
    try {
      t.dtype = entry.at("dtype").get<std::string>();
      t.shape = entry.at("shape").get<std::vector<int64_t>>();
      auto offs = entry.at("data_offsets").get<std::vector<uint64_t>>();
      if (offs.size() != 2 || offs[0] > offs[1] || offs[1] > data.size()) {
        error = "tensor '" + name + "' in '" + path + "' points outside the file";
        return false;
      }
      t.bytes.assign(data.begin() + offs[0], data.begin() + offs[1]);
    } catch (const std::exception &e) {
      error = "tensor '" + name + "' in '" + path + "' has a malformed entry: " + e.what();
      return false;
    }
    tensors[name] = std::move(t);
  }
  auto meta = header.find("__metadata__");
  if (meta != header.end() && meta->is_object() && meta->contains(kSourceTensorsKey))
    return readSourceTensors(path, *meta, tensors, error);
  return true;
}
