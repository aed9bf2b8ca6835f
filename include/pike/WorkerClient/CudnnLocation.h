// Where cuDNN's headers and library are, for nvcc candidates that call cuDNN
// (generated convolutions) and for the package build.
//
// Resolved once, in this order: the directory in PIKE_CUDNN_DIR (an explicit
// setting must be right: a wrong one is an error, not a fallback), the torch
// install's pip package (<site-packages>/nvidia/cudnn beside torch/lib, where
// the GPU machines have it), then the CUDA toolkit (cudnn.h in its include/,
// libcudnn.so.9 in lib64/ or lib/). A root qualifies when it has
// include/cudnn.h and libcudnn.so.9 (or libcudnn.so) in lib/ or lib64/.
#ifndef PIKE_WORKERCLIENT_CUDNNLOCATION_H
#define PIKE_WORKERCLIENT_CUDNNLOCATION_H

#include <optional>
#include <string>

namespace pike::worker {

struct CudnnLocation {
  std::string root;       // the directory that qualified
  std::string includeDir; // holds cudnn.h
  std::string libDir;     // holds the library
  std::string library;    // file name to link with -l:NAME (libcudnn.so.9 preferred)
  std::string source;     // "PIKE_CUDNN_DIR", "torch" or "toolkit"
};

/// Pure resolution from the three places (empty strings: not available).
/// `torchLibDir` is torch's lib directory (…/site-packages/torch/lib);
/// `toolkitRoot` the CUDA toolkit's root (/usr/local/cuda). On failure returns
/// nullopt and says why in `why`.
std::optional<CudnnLocation> resolveCudnn(const std::string &envDir,
                                          const std::string &torchLibDir,
                                          const std::string &toolkitRoot, std::string &why);

/// The root's layout if it qualifies (source left empty), else nullopt.
std::optional<CudnnLocation> cudnnAt(const std::string &root);

} // namespace pike::worker

#endif
