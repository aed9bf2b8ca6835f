// The GPU architecture a search ran on, for arch=auto: tuning keys and the
// package follow the GPU of the worker that measured the kernels (its
// device_info, asked by startWorkers before the search).
#ifndef PIKE_TUNING_WORKERARCH_H
#define PIKE_TUNING_WORKERARCH_H

#include <string>

namespace pike {

/// Module attribute holding the architecture a search resolved (e.g. "sm_90");
/// pike-emit-package{cuda-arch=auto} builds for it.
inline constexpr const char *kCudaArchAttr = "pike.cuda_arch";

/// "sm_90a" -> "sm_90": tuning keys ignore the feature suffix.
std::string tuningArchOf(const std::string &deviceArch);

} // namespace pike

#endif
