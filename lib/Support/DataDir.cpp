#include "pike/Support/DataDir.h"

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>
#include <vector>

namespace pike {

namespace fs = std::filesystem;

namespace {
bool isDataDir(const fs::path &p) {
  std::error_code ec;
  return fs::is_directory(p / "package", ec) && fs::is_directory(p / "prompts", ec);
}
} // namespace

std::string findDataDir(const char *env, const std::string &exePath, const std::string &sourceDataDir) {
  if (env && *env) {
    // An explicit setting that is wrong is an error, not a reason to look elsewhere.
    if (isDataDir(env))
      return fs::path(env).lexically_normal().string();
    throw std::runtime_error(std::string("PIKE_DATA_DIR=") + env +
                             " is not pike's data directory (it has no package/ and prompts/)");
  }
  std::vector<std::string> tried;
  if (!exePath.empty()) {
    fs::path installed = (fs::path(exePath).parent_path() / ".." / "share" / "pike").lexically_normal();
    if (isDataDir(installed))
      return installed.string();
    tried.push_back(installed.string());
  }
  if (!sourceDataDir.empty()) {
    if (isDataDir(sourceDataDir))
      return sourceDataDir;
    tried.push_back(sourceDataDir);
  }
  std::string msg = "pike data directory not found (set PIKE_DATA_DIR); tried:";
  for (const std::string &t : tried)
    msg += " " + t;
  throw std::runtime_error(msg);
}

std::string dataDir() {
  std::string exe;
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0)
    exe.assign(buf, static_cast<size_t>(n));
#ifdef PIKE_SOURCE_DATA_DIR
  const char *source = PIKE_SOURCE_DATA_DIR;
#else
  const char *source = "";
#endif
  return findDataDir(std::getenv("PIKE_DATA_DIR"), exe, source);
}

} // namespace pike
