#include "pike/Search/CheckerVerdictCache.h"

#include "pike/Search/TuningDb.h"
#include "pike/Support/JsonDepth.h"
#include "pike/Support/Sha256.h"

#include <cstdlib>
#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace pike::search {
namespace {

std::string fromHex(const std::string &hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

/// HMAC-SHA256 (RFC 2104) with a 32-byte key.
std::string hmacHex(const std::string &key, const std::string &message) {
  std::string k = key;
  if (k.size() > 64)
    k = fromHex(sha256Hex(k));
  k.resize(64, '\0');
  std::string inner(64, '\0'), outer(64, '\0');
  for (size_t i = 0; i < 64; ++i) {
    inner[i] = static_cast<char>(k[i] ^ 0x36);
    outer[i] = static_cast<char>(k[i] ^ 0x5c);
  }
  return sha256Hex(outer + fromHex(sha256Hex(inner + message)));
}

bool makeDirs(const std::string &dir) {
  for (size_t pos = 1; pos != std::string::npos;) {
    pos = dir.find('/', pos + 1);
    std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return false;
  }
  return true;
}

/// The secret key: read, or created with 32 random bytes (mode 0600).
std::string loadOrCreateKey(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (key.size() >= 32)
    return key;
  size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0 && !makeDirs(path.substr(0, slash)))
    return "";
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string fresh(32, '\0');
  if (!random.read(&fresh[0], 32))
    return "";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) { // created meanwhile by another process: use theirs
    std::ifstream again(path, std::ios::binary);
    std::string theirs((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
    return theirs.size() >= 32 ? theirs : "";
  }
  bool ok = ::write(fd, fresh.data(), fresh.size()) == static_cast<ssize_t>(fresh.size());
  ::close(fd);
  return ok ? fresh : "";
}

} // namespace

std::string CheckerVerdictCache::defaultKeyPath() {
  if (const char *p = std::getenv("PIKE_VERDICT_KEY"); p && *p)
    return p;
  if (const char *x = std::getenv("XDG_CACHE_HOME"); x && *x)
    return std::string(x) + "/pike/checker-verdict.key";
  if (const char *h = std::getenv("HOME"); h && *h)
    return std::string(h) + "/.cache/pike/checker-verdict.key";
  return "";
}

std::string CheckerVerdictCache::codeDigest(const CandidateCode &code) {
  std::string text = std::string(kVerdictVersion) + '\0' + code.mode + '\0' + code.entry + '\0';
  for (const auto &launch : code.launches)
    if (launch.is_object() && launch.contains("kernel") && launch["kernel"].is_string())
      text += launch["kernel"].get<std::string>() + ',';
  return sha256Hex(text + '\0' + code.source);
}

CheckerVerdictCache::CheckerVerdictCache(std::string path, std::string keyPath) : path_(std::move(path)) {
  if (keyPath.empty())
    return;
  key_ = loadOrCreateKey(keyPath);
  if (key_.empty())
    return;
  std::ifstream in(path_);
  std::string line;
  // Bounded like a database line; entries that are not ours are skipped.
  while (std::getline(in, line)) {
    if (line.size() > 64 * 1024 || findJsonNestingDeeperThan(line, 2))
      continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("digest") || !j["digest"].is_string() || !j.contains("accepted") ||
        !j["accepted"].is_boolean() || !j.contains("why") || !j["why"].is_string() || !j.contains("mac") ||
        !j["mac"].is_string())
      continue;
    CheckerVerdict v{j["accepted"].get<bool>(), j["why"].get<std::string>()};
    std::string digest = j["digest"].get<std::string>();
    if (j["mac"].get<std::string>() == mac(digest, v))
      entries_[digest] = v;
  }
}

std::string CheckerVerdictCache::mac(const std::string &digest, const CheckerVerdict &v) const {
  return hmacHex(key_, digest + '\0' + (v.accepted ? "1" : "0") + '\0' + v.why);
}

std::optional<CheckerVerdict> CheckerVerdictCache::lookup(const std::string &digest) const {
  auto it = entries_.find(digest);
  if (!usable() || it == entries_.end())
    return std::nullopt;
  return it->second;
}

void CheckerVerdictCache::store(const std::string &digest, const CheckerVerdict &verdict) {
  if (!usable())
    return;
  entries_[digest] = verdict;
  nlohmann::json j = {{"digest", digest}, {"accepted", verdict.accepted}, {"why", verdict.why},
                      {"mac", mac(digest, verdict)}};
  std::string line = j.dump() + "\n";
  // One append per entry: concurrent pike-opt runs interleave whole lines.
  int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
}

} // namespace pike::search
