#include "Cupti.h"

#include <algorithm>
#include <cstdlib>
#include <cxxabi.h>
#include <mutex>

#if PIKE_HAVE_CUPTI
#include <cupti.h>
#endif

namespace pike::worker::cupti {

#if PIKE_HAVE_CUPTI
namespace {
struct Raw {
  std::string name;
  unsigned long long start, end;
};
std::mutex mu;
std::vector<Raw> records;
bool registered = false;

std::string demangle(const char *name) {
  if (!name)
    return "?";
  int status = 0;
  char *d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string s = status == 0 && d ? d : name;
  std::free(d);
  if (s.size() > 200)
    s = s.substr(0, 197) + "...";
  return s;
}

void CUPTIAPI bufferRequested(uint8_t **buffer, size_t *size, size_t *maxNumRecords) {
  *size = 1 << 20;
  *buffer = static_cast<uint8_t *>(std::aligned_alloc(8, *size));
  *maxNumRecords = 0;
}

void CUPTIAPI bufferCompleted(CUcontext, uint32_t, uint8_t *buffer, size_t, size_t validSize) {
  CUpti_Activity *rec = nullptr;
  std::lock_guard<std::mutex> lk(mu);
  while (cuptiActivityGetNextRecord(buffer, validSize, &rec) == CUPTI_SUCCESS) {
    if (rec->kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL || rec->kind == CUPTI_ACTIVITY_KIND_KERNEL) {
      auto *k = reinterpret_cast<CUpti_ActivityKernel10 *>(rec);
      records.push_back({demangle(k->name), k->start, k->end});
    }
  }
  std::free(buffer);
}

std::string resultString(CUptiResult r) {
  const char *s = nullptr;
  cuptiGetResultString(r, &s);
  return s ? s : "CUPTI error " + std::to_string(static_cast<int>(r));
}
} // namespace

bool begin(std::string &err) {
  {
    std::lock_guard<std::mutex> lk(mu);
    records.clear();
  }
  if (!registered) {
    CUptiResult r = cuptiActivityRegisterCallbacks(bufferRequested, bufferCompleted);
    if (r != CUPTI_SUCCESS) {
      err = "cuptiActivityRegisterCallbacks: " + resultString(r);
      return false;
    }
    registered = true;
  }
  CUptiResult r = cuptiActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
  if (r != CUPTI_SUCCESS) {
    err = "cuptiActivityEnable: " + resultString(r);
    return false;
  }
  return true;
}

std::vector<KernelRecord> end() {
  cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  cuptiActivityDisable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
  std::lock_guard<std::mutex> lk(mu);
  std::sort(records.begin(), records.end(), [](const Raw &a, const Raw &b) { return a.start < b.start; });
  std::vector<KernelRecord> out;
  for (const auto &r : records)
    out.push_back({r.name, (r.end - r.start) / 1e6});
  records.clear();
  return out;
}
#else
bool begin(std::string &err) {
  err = "pike-worker was built without CUPTI";
  return false;
}
std::vector<KernelRecord> end() { return {}; }
#endif

} // namespace pike::worker::cupti
