// Per-kernel device times through the CUPTI activity API (best effort: when CUPTI
// is missing or refuses, callers report why and carry on without kernel times).
#ifndef PIKE_WORKER_CUPTI_H
#define PIKE_WORKER_CUPTI_H

#include <string>
#include <vector>

namespace pike::worker::cupti {

struct KernelRecord {
  std::string name;
  double ms;
};

/// Starts recording kernel activity. Returns false with `err` set when unavailable.
bool begin(std::string &err);
/// Flushes, stops recording and returns the kernels seen since begin(), in start order.
std::vector<KernelRecord> end();

} // namespace pike::worker::cupti

#endif
