// The GPU architecture a search ran on, for arch=auto: tuning keys and the
// package follow the GPU of the worker that measured the kernels (its
// device_info, asked by startWorkers before the search).
#ifndef PIKE_TUNING_WORKERARCH_H
#define PIKE_TUNING_WORKERARCH_H

#include "pike/Dialect/AttrNames.h" // kCudaArchAttr

#include <string>

namespace pike {

/// "sm_90a" -> "sm_90": tuning keys ignore the feature suffix.
std::string tuningArchOf(const std::string &deviceArch);

} // namespace pike

#endif
