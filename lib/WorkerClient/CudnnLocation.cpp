// cuDNN location resolution (see pike/WorkerClient/CudnnLocation.h).
#include "pike/WorkerClient/CudnnLocation.h"

#include <climits>
#include <cstdlib>
#include <sys/stat.h>

namespace pike::worker {

namespace {

bool isFile(const std::string &p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string canonical(const std::string &p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : std::string();
}

} // namespace

std::optional<CudnnLocation> cudnnAt(const std::string &rootIn) {
  if (rootIn.empty())
    return std::nullopt;
  std::string root = canonical(rootIn);
  if (root.empty() || !isFile(root + "/include/cudnn.h"))
    return std::nullopt;
  for (const char *lib : {"lib", "lib64"})
    for (const char *name : {"libcudnn.so.9", "libcudnn.so"}) {
      std::string dir = root + "/" + lib;
      if (isFile(dir + "/" + name))
        return CudnnLocation{root, root + "/include", dir, name, ""};
    }
  return std::nullopt;
}

std::optional<CudnnLocation> resolveCudnn(const std::string &envDir,
                                          const std::string &torchLibDir,
                                          const std::string &toolkitRoot, std::string &why) {
  if (!envDir.empty()) {
    auto loc = cudnnAt(envDir);
    if (!loc) {
      why = "PIKE_CUDNN_DIR=" + envDir +
            " has no include/cudnn.h with libcudnn.so.9 (or libcudnn.so) in lib/ or lib64/";
      return std::nullopt;
    }
    loc->source = "PIKE_CUDNN_DIR";
    return loc;
  }
  if (!torchLibDir.empty())
    if (auto loc = cudnnAt(torchLibDir + "/../../nvidia/cudnn")) {
      loc->source = "torch";
      return loc;
    }
  if (auto loc = cudnnAt(toolkitRoot)) {
    loc->source = "toolkit";
    return loc;
  }
  why = "cuDNN not found: set PIKE_CUDNN_DIR, or install the nvidia-cudnn pip package beside "
        "torch" +
        (torchLibDir.empty() ? std::string() : " (looked in " + torchLibDir + "/../../nvidia/cudnn)") +
        ", or put cudnn.h and libcudnn.so.9 in the CUDA toolkit" +
        (toolkitRoot.empty() ? std::string() : " (" + toolkitRoot + ")");
  return std::nullopt;
}

} // namespace pike::worker
