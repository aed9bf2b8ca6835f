#include "Gpu.h"

#include "Cupti.h"
#include "pike/Runtime/KernelABI.h"
#include "pike/WorkerClient/Protocol.h"

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/script.h>
#include <torch/version.h>

#include <cuda.h>
#include <cuda_runtime.h>
#include <nvrtc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pike::worker::gpu {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string cudaErr(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")";
}

// ------------------------------------------------------------ driver API
// libcuda is opened at run time: the worker must start (and answer compile /
// device_info) on hosts that have no NVIDIA driver.
struct Driver {
  decltype(&cuModuleLoadData) moduleLoadData = nullptr;
  decltype(&cuModuleUnload) moduleUnload = nullptr;
  decltype(&cuModuleGetFunction) moduleGetFunction = nullptr;
  decltype(&cuLaunchKernel) launchKernel = nullptr;
  decltype(&cuFuncSetAttribute) funcSetAttribute = nullptr;
  decltype(&cuGetErrorName) getErrorName = nullptr;
  decltype(&cuCtxGetCurrent) ctxGetCurrent = nullptr;
  decltype(&cuCtxSetCurrent) ctxSetCurrent = nullptr;
  decltype(&cuDevicePrimaryCtxRetain) primaryCtxRetain = nullptr;
  decltype(&cuDeviceGet) deviceGet = nullptr;

  std::string load() {
    void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!h)
      return std::string("cannot open libcuda.so.1: ") + dlerror();
    auto sym = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
      return fn != nullptr;
    };
    if (!sym(moduleLoadData, "cuModuleLoadData") || !sym(moduleUnload, "cuModuleUnload") ||
        !sym(moduleGetFunction, "cuModuleGetFunction") || !sym(launchKernel, "cuLaunchKernel") ||
        !sym(funcSetAttribute, "cuFuncSetAttribute") || !sym(getErrorName, "cuGetErrorName") ||
        !sym(ctxGetCurrent, "cuCtxGetCurrent") || !sym(ctxSetCurrent, "cuCtxSetCurrent") ||
        !sym(primaryCtxRetain, "cuDevicePrimaryCtxRetain") || !sym(deviceGet, "cuDeviceGet"))
      return "libcuda.so.1 lacks a driver API entry point";
    return "";
  }
  std::string err(CUresult r) const {
    const char *s = nullptr;
    if (getErrorName)
      getErrorName(r, &s);
    return s ? s : "CUresult " + std::to_string(static_cast<int>(r));
  }
};

// ------------------------------------------------------------ device state
struct Globals {
  std::once_flag once;
  DeviceState state;
  Driver drv;
  cudaStream_t stream = nullptr;       // the worker's own non-blocking stream
  void *l2Flush = nullptr;
  size_t l2FlushBytes = 0;
  CUmodule guardModule = nullptr;
  CUfunction guardFn = nullptr;         // spins on the legacy stream, see runCandidate
  volatile int *guardFlag = nullptr;    // mapped host memory
  int *guardFlagDev = nullptr;
  std::string lockPath;
  std::mutex gpuMutex;                  // one GPU phase at a time in this process
  std::map<std::string, std::pair<std::string, torch::jit::Module>> references;
};
Globals &G() {
  static Globals g;
  return g;
}

// Occupies the legacy default stream while a candidate runs, so work a launcher
// wrongly puts there (or on any blocking stream) cannot finish before we read
// the outputs. Released by the host; gives up after 2 s on its own.
const char *kGuardSource = R"(
extern "C" __global__ void pike_stream_guard(volatile int *flag) {
  unsigned long long t0, t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  for (;;) {
    if (*flag != 0) break;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    if (t - t0 > 2000000000ull) break;
    __nanosleep(2000);
  }
}
)";

std::string buildGuard(Globals &g) {
  nvrtcProgram prog;
  if (nvrtcCreateProgram(&prog, kGuardSource, "guard.cu", 0, nullptr, nullptr) != NVRTC_SUCCESS)
    return "nvrtcCreateProgram failed";
  std::string opt = "--gpu-architecture=" + g.state.arch;
  const char *opts[] = {opt.c_str()};
  nvrtcResult rc = nvrtcCompileProgram(prog, 1, opts);
  size_t n = 0;
  if (rc == NVRTC_SUCCESS)
    rc = nvrtcGetCUBINSize(prog, &n);
  std::string cubin(n, '\0');
  if (rc == NVRTC_SUCCESS)
    rc = nvrtcGetCUBIN(prog, cubin.data());
  nvrtcDestroyProgram(&prog);
  if (rc != NVRTC_SUCCESS)
    return std::string("NVRTC: ") + nvrtcGetErrorString(rc);
  CUresult r = g.drv.moduleLoadData(&g.guardModule, cubin.data());
  if (r == CUDA_SUCCESS)
    r = g.drv.moduleGetFunction(&g.guardFn, g.guardModule, "pike_stream_guard");
  if (r != CUDA_SUCCESS)
    return "loading the guard kernel: " + g.drv.err(r);
  void *host = nullptr;
  cudaError_t e = cudaHostAlloc(&host, sizeof(int), cudaHostAllocMapped);
  if (e == cudaSuccess)
    e = cudaHostGetDevicePointer(reinterpret_cast<void **>(&g.guardFlagDev), host, 0);
  if (e != cudaSuccess) {
    g.guardFn = nullptr;
    return "mapped flag: " + cudaErr(e);
  }
  g.guardFlag = static_cast<volatile int *>(host);
  *g.guardFlag = 1;
  return "";
}

void init(Globals &g) {
  DeviceState &s = g.state;
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n == 0) {
    s.reason = e != cudaSuccess ? "cudaGetDeviceCount: " + cudaErr(e) : "no CUDA device visible";
    cudaGetLastError();
    s.info = {{"available", false}, {"reason", "no CUDA device: " + s.reason}};
    return;
  }
  if (std::string err = g.drv.load(); !err.empty()) {
    s.reason = err;
    s.info = {{"available", false}, {"reason", "no CUDA device: " + err}};
    return;
  }
  cudaSetDevice(0);
  cudaDeviceProp p{};
  e = cudaGetDeviceProperties(&p, 0);
  if (e != cudaSuccess) {
    s.reason = "cudaGetDeviceProperties: " + cudaErr(e);
    s.info = {{"available", false}, {"reason", "no CUDA device: " + s.reason}};
    return;
  }
  const char *archEnv = std::getenv("PIKE_WORKER_ARCH");
  s.arch = archEnv && *archEnv ? archEnv : archForCapability(p.major, p.minor);
  e = cudaStreamCreateWithFlags(&g.stream, cudaStreamNonBlocking);
  if (e != cudaSuccess) {
    s.reason = "cudaStreamCreate: " + cudaErr(e);
    s.info = {{"available", false}, {"reason", "no CUDA device: " + s.reason}};
    return;
  }
  // L2 flush between timed reps: a memset over twice the L2 size.
  g.l2FlushBytes = std::max<size_t>(size_t(2) * p.l2CacheSize, size_t(64) << 20);
  if (cudaMalloc(&g.l2Flush, g.l2FlushBytes) != cudaSuccess) {
    cudaGetLastError();
    g.l2Flush = nullptr;
  }
  char uuid[33];
  for (int i = 0; i < 16; ++i)
    std::snprintf(uuid + 2 * i, 3, "%02x", static_cast<unsigned char>(p.uuid.bytes[i]));
  g.lockPath = "/tmp/pike-worker-gpu-" + std::string(uuid) + ".lock";
  int drvVer = 0, rtVer = 0, nvMaj = 0, nvMin = 0;
  cudaDriverGetVersion(&drvVer);
  cudaRuntimeGetVersion(&rtVer);
  nvrtcVersion(&nvMaj, &nvMin);
  s.available = true;
  s.info = {{"available", true},
            {"name", p.name},
            {"compute_capability", std::to_string(p.major) + "." + std::to_string(p.minor)},
            {"arch", s.arch},
            {"sms", p.multiProcessorCount},
            {"memory_bytes", p.totalGlobalMem},
            {"l2_bytes", p.l2CacheSize},
            {"smem_per_block_optin", p.sharedMemPerBlockOptin},
            {"uuid", std::string("GPU-") + uuid},
            {"driver_version", drvVer},
            {"runtime_version", rtVer},
            {"nvrtc_version", std::to_string(nvMaj) + "." + std::to_string(nvMin)},
            {"torch_version", TORCH_VERSION}};
  std::string guardErr = buildGuard(g);
  s.info["stream_guard"] = guardErr.empty() ? "on" : "unavailable: " + guardErr;
}

// Make the primary context current on this (pool) thread for driver API calls.
void ensureContext(Globals &g) {
  cudaSetDevice(0);
  cudaFree(nullptr);
  CUcontext ctx = nullptr;
  g.drv.ctxGetCurrent(&ctx);
  if (!ctx) {
    CUdevice dev;
    g.drv.deviceGet(&dev, 0);
    g.drv.primaryCtxRetain(&ctx, dev);
    g.drv.ctxSetCurrent(ctx);
  }
}

struct FileLock {
  int fd = -1;
  explicit FileLock(const std::string &path) {
    fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd >= 0)
      while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
      }
  }
  ~FileLock() {
    if (fd >= 0)
      ::close(fd);
  }
};

// ------------------------------------------------------------ tensors
struct TensorSpec {
  std::vector<int64_t> shape;
  int dtype = 0;
  std::string init = "normal";
};

at::ScalarType scalarType(int pike) {
  switch (pike) {
  case PIKE_FLOAT32: return at::kFloat;
  case PIKE_FLOAT16: return at::kHalf;
  case PIKE_BFLOAT16: return at::kBFloat16;
  case PIKE_FLOAT64: return at::kDouble;
  case PIKE_INT64: return at::kLong;
  case PIKE_INT32: return at::kInt;
  case PIKE_BOOL: return at::kBool;
  case PIKE_UINT8: return at::kByte;
  case PIKE_INT8: return at::kChar;
  }
  throw std::runtime_error("unknown dtype code " + std::to_string(pike));
}

std::vector<TensorSpec> parseSpecs(const json &arr) {
  std::vector<TensorSpec> out;
  for (const auto &t : arr) {
    TensorSpec s;
    s.shape = t.at("shape").get<std::vector<int64_t>>();
    s.dtype = *parseDType(t.at("dtype").get<std::string>());
    s.init = t.value("init", "normal");
    out.push_back(s);
  }
  return out;
}

std::string shapeStr(at::IntArrayRef s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i)
    r += (i ? "," : "") + std::to_string(s[i]);
  return r + "]";
}

constexpr int64_t kGuardBytes = 64 << 10;
constexpr uint8_t kGuardByte = 0xCD;

// A tensor with canary regions on both sides: out-of-bounds writes land there.
struct Guarded {
  at::Tensor raw;   // uint8 [guard | data | guard]
  at::Tensor view;  // the tensor the candidate sees
  int64_t nbytes = 0;
  TensorSpec spec;

  static Guarded make(const TensorSpec &s) {
    Guarded g;
    g.spec = s;
    int64_t numel = 1;
    for (int64_t d : s.shape)
      numel *= d;
    g.nbytes = numel * static_cast<int64_t>(dtypeBytes(s.dtype));
    auto u8 = at::TensorOptions().dtype(at::kByte).device(at::kCUDA, 0);
    g.raw = at::empty({2 * kGuardBytes + ((g.nbytes + 255) / 256) * 256}, u8);
    g.raw.fill_(kGuardByte);
    g.view = at::from_blob(g.raw.data_ptr<uint8_t>() + kGuardBytes, s.shape,
                           at::TensorOptions().dtype(scalarType(s.dtype)).device(at::kCUDA, 0));
    return g;
  }
  // "" when both canaries are intact, else which side was hit.
  std::string guardDamage() const {
    auto head = raw.narrow(0, 0, kGuardBytes);
    auto tail = raw.narrow(0, kGuardBytes + nbytes, raw.size(0) - kGuardBytes - nbytes);
    bool h = head.ne(kGuardByte).any().item<bool>();
    bool t = tail.ne(kGuardByte).any().item<bool>();
    if (h && t)
      return "before and after";
    return h ? "before" : t ? "after" : "";
  }
  void poison() {
    if (at::isFloatingType(view.scalar_type()))
      view.fill_(std::nan(""));
    else if (nbytes > 0)
      raw.narrow(0, kGuardBytes, nbytes).fill_(0xA5);
  }
};

void fillInput(at::Tensor &dst, const TensorSpec &s, uint64_t seed) {
  auto gen = at::cuda::detail::createCUDAGenerator(0);
  {
    std::lock_guard<std::mutex> lk(gen.mutex());
    gen.set_current_seed(seed);
  }
  auto f32 = at::TensorOptions().dtype(at::kFloat).device(at::kCUDA, 0);
  at::Tensor v;
  bool integral = !at::isFloatingType(dst.scalar_type());
  if (s.init.rfind("randint:", 0) == 0) {
    auto a = s.init.find(':', 8);
    int64_t lo = std::stoll(s.init.substr(8, a - 8)), hi = std::stoll(s.init.substr(a + 1));
    v = at::randint(lo, hi, s.shape, gen, at::TensorOptions().dtype(at::kLong).device(at::kCUDA, 0));
  } else if (integral) {
    v = dst.scalar_type() == at::kBool
            ? at::randint(0, 2, s.shape, gen, at::TensorOptions().dtype(at::kLong).device(at::kCUDA, 0))
            : at::randint(-16, 16, s.shape, gen, at::TensorOptions().dtype(at::kLong).device(at::kCUDA, 0));
  } else if (s.init == "uniform") {
    v = at::rand(s.shape, gen, f32) * 2 - 1;
  } else if (s.init == "positive") {
    v = at::rand(s.shape, gen, f32) + 0.5; // away from 0 for log/sqrt/div
  } else {
    v = at::randn(s.shape, gen, f32);
  }
  dst.copy_(v);
}

// ------------------------------------------------------------ comparison
struct Mismatch {
  bool ok = true;
  double maxAbs = 0, maxRel = 0;
  int64_t bad = 0, total = 0;
  int64_t firstFlat = -1;
  std::vector<int64_t> firstIndex;
  double got = 0, expected = 0;
};

Mismatch compare(const at::Tensor &got, const at::Tensor &exp, double atol, double rtol) {
  Mismatch m;
  auto g = got.to(at::kDouble).flatten(), e = exp.to(at::kDouble).flatten();
  m.total = g.numel();
  if (m.total == 0)
    return m;
  auto same = g.eq(e) | (g.isnan() & e.isnan());
  auto diff = at::where(same, at::zeros_like(g), (g - e).abs());
  diff = at::where(diff.isnan(), at::full_like(diff, INFINITY), diff);
  auto tol = e.abs() * rtol + atol;
  auto bad = diff.gt(tol) | (diff.isinf() & ~same);
  m.bad = bad.sum().item<int64_t>();
  m.maxAbs = diff.max().item<double>();
  m.maxRel = (diff / e.abs().clamp_min(1e-6)).max().item<double>();
  if (m.bad > 0) {
    m.ok = false;
    m.firstFlat = bad.nonzero().flatten()[0].item<int64_t>();
    m.got = g[m.firstFlat].item<double>();
    m.expected = e[m.firstFlat].item<double>();
    int64_t rest = m.firstFlat;
    auto sizes = got.sizes();
    m.firstIndex.assign(sizes.size(), 0);
    for (int d = static_cast<int>(sizes.size()) - 1; d >= 0; --d) {
      m.firstIndex[d] = sizes[d] ? rest % sizes[d] : 0;
      rest = sizes[d] ? rest / sizes[d] : 0;
    }
  }
  return m;
}

std::string fmt(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

// ------------------------------------------------------------ candidate
struct Launch {
  std::string kernel;
  CUfunction fn = nullptr;
  unsigned grid[3] = {1, 1, 1}, block[3] = {1, 1, 1};
  unsigned smem = 0;
  std::vector<std::pair<bool, int>> args; // (isOutput, index)
};

struct LoadedCandidate {
  Globals *g = nullptr;
  bool nvrtc = true;
  CUmodule module = nullptr;
  std::vector<Launch> launches;
  void *lib = nullptr;
  PikeKernelEntry entry = nullptr;
  ~LoadedCandidate() {
    if (module)
      g->drv.moduleUnload(module);
    if (lib)
      dlclose(lib); // static state must not survive into another request
  }
};

struct Failure {
  std::string status, phase, log;
  json extra = json::object();
};

// Throws Failure.
void loadCandidate(Globals &g, const CandidateSpec &c, const CompileOutcome &co, LoadedCandidate &lc) {
  lc.g = &g;
  lc.nvrtc = c.mode == "nvrtc";
  if (lc.nvrtc) {
    std::ifstream f(co.artifact, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string cubin = ss.str();
    CUresult r = g.drv.moduleLoadData(&lc.module, cubin.data());
    if (r != CUDA_SUCCESS)
      throw Failure{"runtime_error", "load", "cuModuleLoadData: " + g.drv.err(r)};
    std::map<std::string, CUfunction> fns;
    for (const auto &l : c.launches) {
      Launch L;
      L.kernel = l.at("kernel").get<std::string>();
      if (!fns.count(L.kernel)) {
        CUfunction fn;
        r = g.drv.moduleGetFunction(&fn, lc.module, L.kernel.c_str());
        if (r != CUDA_SUCCESS)
          throw Failure{"compile_error", "load",
                        "kernel '" + L.kernel + "' is not in the compiled module (" + g.drv.err(r) +
                            "); declare it extern \"C\" __global__"};
        fns[L.kernel] = fn;
      }
      L.fn = fns[L.kernel];
      auto dims = [](const json &a, unsigned *out) {
        for (size_t i = 0; i < a.size() && i < 3; ++i)
          out[i] = a[i].get<unsigned>();
      };
      dims(l.at("grid"), L.grid);
      dims(l.at("block"), L.block);
      L.smem = l.value("smem", 0u);
      if (L.smem > 48 * 1024) {
        r = g.drv.funcSetAttribute(L.fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                   static_cast<int>(L.smem));
        if (r != CUDA_SUCCESS)
          throw Failure{"runtime_error", "load",
                        "cannot allow " + std::to_string(L.smem) + " bytes of dynamic shared memory for '" +
                            L.kernel + "': " + g.drv.err(r)};
      }
      for (const auto &a : l.at("args")) {
        std::string s = a.get<std::string>();
        bool out = s.rfind("out", 0) == 0;
        L.args.emplace_back(out, std::stoi(s.substr(out ? 3 : 2)));
      }
      lc.launches.push_back(std::move(L));
    }
  } else {
    lc.lib = dlopen(co.artifact.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lc.lib)
      throw Failure{"runtime_error", "load", std::string("dlopen: ") + dlerror()};
    lc.entry = reinterpret_cast<PikeKernelEntry>(dlsym(lc.lib, c.entry.c_str()));
    if (!lc.entry)
      throw Failure{"compile_error", "load",
                    "entry symbol '" + c.entry + "' is not exported by the library; declare it extern \"C\""};
  }
}

// Enqueues one candidate run on `stream`. Returns "" or an error text; sets
// `descriptorChange` when an nvcc launcher rewrote its output descriptors.
std::string launchCandidate(Globals &g, LoadedCandidate &lc, std::vector<Guarded> &ins,
                            std::vector<Guarded> &outs, std::string *descriptorChange) {
  if (lc.nvrtc) {
    for (auto &L : lc.launches) {
      std::vector<CUdeviceptr> ptrs;
      for (auto &a : L.args)
        ptrs.push_back(reinterpret_cast<CUdeviceptr>((a.first ? outs : ins)[a.second].view.data_ptr()));
      std::vector<void *> params;
      for (auto &p : ptrs)
        params.push_back(&p);
      CUresult r = g.drv.launchKernel(L.fn, L.grid[0], L.grid[1], L.grid[2], L.block[0], L.block[1],
                                      L.block[2], L.smem, reinterpret_cast<CUstream>(g.stream),
                                      params.data(), nullptr);
      if (r != CUDA_SUCCESS)
        return "cuLaunchKernel(" + L.kernel + "): " + g.drv.err(r);
    }
    return "";
  }
  auto ref = [](Guarded &t) {
    PikeTensorRef r{};
    r.data = t.view.data_ptr();
    r.dtype = t.spec.dtype;
    r.ndim = static_cast<int32_t>(t.spec.shape.size());
    for (size_t i = 0; i < t.spec.shape.size() && i < PIKE_MAX_DIMS; ++i)
      r.sizes[i] = t.spec.shape[i];
    return r;
  };
  std::vector<PikeTensorRef> inRefs, outRefs, outOrig;
  for (auto &t : ins)
    inRefs.push_back(ref(t));
  for (auto &t : outs)
    outRefs.push_back(ref(t));
  outOrig = outRefs;
  int rc = lc.entry(inRefs.data(), static_cast<int32_t>(inRefs.size()), outRefs.data(),
                    static_cast<int32_t>(outRefs.size()), reinterpret_cast<CUstream_st *>(g.stream));
  if (descriptorChange) {
    for (size_t i = 0; i < outRefs.size(); ++i) {
      if (std::memcmp(&outRefs[i], &outOrig[i], sizeof(PikeTensorRef)) != 0) {
        std::string what = "the launcher rewrote outputs[" + std::to_string(i) + "]";
        for (size_t k = 0; k < inRefs.size(); ++k)
          if (outRefs[i].data == inRefs[k].data)
            what += " to alias inputs[" + std::to_string(k) + "]";
        *descriptorChange = what + "; outputs belong to the caller";
        break;
      }
    }
  }
  if (rc != 0)
    return "entry returned " + std::to_string(rc) +
           (rc > 0 ? std::string(" (") + cudaGetErrorName(static_cast<cudaError_t>(rc)) + ")" : "");
  return "";
}

bool isStickyError(cudaError_t e) {
  switch (e) {
  case cudaErrorIllegalAddress:
  case cudaErrorLaunchFailure:
  case cudaErrorMisalignedAddress:
  case cudaErrorInvalidAddressSpace:
  case cudaErrorInvalidPc:
  case cudaErrorIllegalInstruction:
  case cudaErrorHardwareStackError:
  case cudaErrorAssert:
  case cudaErrorLaunchTimeout:
  case cudaErrorECCUncorrectable:
    return true;
  default:
    return false;
  }
}

// ------------------------------------------------------------ timing
json stats(std::vector<float> ms) {
  std::sort(ms.begin(), ms.end());
  auto q = [&](double f) {
    double pos = f * (ms.size() - 1);
    size_t lo = static_cast<size_t>(pos);
    size_t hi = std::min(lo + 1, ms.size() - 1);
    return ms[lo] + (ms[hi] - ms[lo]) * (pos - lo);
  };
  return {{"median_ms", q(0.5)}, {"min_ms", ms.front()}, {"iqr_ms", q(0.75) - q(0.25)},
          {"max_ms", ms.back()}, {"reps", ms.size()}};
}

// Events on our stream, L2 flushed before every rep, reps adapted to the budget.
json timeIt(Globals &g, const std::function<void()> &run, int warmup, double budgetMs, int minReps,
            int maxReps) {
  cudaEvent_t w0, w1;
  cudaEventCreate(&w0);
  cudaEventCreate(&w1);
  cudaEventRecord(w0, g.stream);
  for (int i = 0; i < warmup; ++i)
    run();
  cudaEventRecord(w1, g.stream);
  cudaEventSynchronize(w1);
  float warmMs = 0;
  cudaEventElapsedTime(&warmMs, w0, w1);
  cudaEventDestroy(w0);
  cudaEventDestroy(w1);
  double est = warmup > 0 ? std::max(1e-3, double(warmMs) / warmup) : 1.0;
  int reps = static_cast<int>(std::clamp(budgetMs / est, double(minReps), double(maxReps)));
  std::vector<cudaEvent_t> ev(2 * reps);
  for (auto &e : ev)
    cudaEventCreate(&e);
  for (int i = 0; i < reps; ++i) {
    if (g.l2Flush)
      cudaMemsetAsync(g.l2Flush, i & 0xff, g.l2FlushBytes, g.stream);
    cudaEventRecord(ev[2 * i], g.stream);
    run();
    cudaEventRecord(ev[2 * i + 1], g.stream);
  }
  cudaError_t e = cudaEventSynchronize(ev.back());
  if (e != cudaSuccess)
    throw Failure{"runtime_error", "time", "while timing: " + cudaErr(e)};
  std::vector<float> ms(reps);
  for (int i = 0; i < reps; ++i)
    cudaEventElapsedTime(&ms[i], ev[2 * i], ev[2 * i + 1]);
  for (auto &x : ev)
    cudaEventDestroy(x);
  json s = stats(ms);
  s["warmup"] = warmup;
  s["l2_flush"] = g.l2Flush != nullptr;
  return s;
}

json kernelsJson(const std::vector<cupti::KernelRecord> &ks) {
  json a = json::array();
  for (const auto &k : ks)
    a.push_back({{"name", k.name}, {"ms", k.ms}});
  return a;
}

torch::jit::Module &loadReference(Globals &g, const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw Failure{"runtime_error", "reference", "reference TorchScript '" + path + "' does not exist"};
  std::string stamp = std::to_string(st.st_mtime) + ":" + std::to_string(st.st_size);
  auto it = g.references.find(path);
  if (it != g.references.end() && it->second.first == stamp)
    return it->second.second;
  try {
    auto m = torch::jit::load(path, c10::Device(c10::kCUDA, 0));
    m.eval();
    if (g.references.size() > 64)
      g.references.clear();
    g.references.erase(path);
    return g.references.emplace(path, std::make_pair(stamp, std::move(m))).first->second.second;
  } catch (const c10::Error &e) {
    throw Failure{"runtime_error", "reference",
                  "cannot load reference TorchScript '" + path + "': " + e.what_without_backtrace()};
  }
}

std::vector<at::Tensor> runReference(torch::jit::Module &m, const std::vector<at::Tensor> &inputs) {
  std::vector<c10::IValue> args(inputs.begin(), inputs.end());
  c10::IValue r = m.forward(args);
  std::vector<at::Tensor> out;
  if (r.isTensor())
    out.push_back(r.toTensor());
  else if (r.isTuple())
    for (const auto &v : r.toTupleRef().elements())
      out.push_back(v.toTensor());
  else if (r.isTensorList())
    for (const auto &t : r.toTensorVector())
      out.push_back(t);
  else
    throw Failure{"runtime_error", "reference", "reference forward() returned neither a Tensor nor a tuple of Tensors"};
  return out;
}

json evaluateLocked(Globals &g, const json &req, const CandidateSpec &cand,
                    const CompileOutcome &compiled, json &reply) {
  auto phaseStart = Clock::now();
  json phases = json::object();
  auto inSpecs = parseSpecs(req.at("inputs"));
  auto outSpecs = parseSpecs(req.at("outputs"));
  double atol = req.value("atol", 1e-2), rtol = req.value("rtol", 1e-2);
  std::vector<uint64_t> seeds = req.value("seeds", std::vector<uint64_t>{1, 2, 3});
  if (seeds.empty())
    seeds = {1};

  c10::cuda::CUDAStream cs = c10::cuda::getStreamFromExternal(g.stream, 0);
  c10::cuda::CUDAStreamGuard streamGuard(cs);
  torch::NoGradGuard noGrad;

  torch::jit::Module &ref = loadReference(g, req.at("reference").at("torchscript").get<std::string>());
  // candidate.mode "reference": time the reference alone (eager profiling of a
  // slot before a search); its outputs are checked against the signature only.
  const bool refOnly = cand.mode == "reference";
  LoadedCandidate lc;
  if (!refOnly)
    loadCandidate(g, cand, compiled, lc);
  phases["load_ms"] = msSince(phaseStart);

  std::vector<Guarded> ins, outs;
  for (auto &s : inSpecs)
    ins.push_back(Guarded::make(s));
  for (auto &s : outSpecs)
    outs.push_back(Guarded::make(s));
  std::vector<at::Tensor> snaps[2];
  for (auto &o : outs)
    for (auto &sv : snaps)
      sv.push_back(at::empty_like(o.view));

  auto verifyStart = Clock::now();
  // One unchecked run first, so lazy module loading and launcher set-up happen
  // here and not inside the guarded window below (where a synchronising call
  // would wait for the guard kernel). Damage it does (guards, inputs) stays
  // visible to the checked runs: guards are not refilled, inputs are re-made.
  for (size_t i = 0; i < ins.size(); ++i)
    fillInput(ins[i].view, ins[i].spec, 0x5eedull + i);
  if (!refOnly) {
    std::string err = launchCandidate(g, lc, ins, outs, nullptr);
    cudaError_t e = cudaDeviceSynchronize();
    if (!err.empty() || e != cudaSuccess)
      throw Failure{"runtime_error", "verify",
                    err + (err.empty() || e == cudaSuccess ? "" : "; ") +
                        (e != cudaSuccess ? "kernel failed: " + cudaErr(e) : "") + " (warm-up run)"};
  }
  json verify = {{"seeds", seeds}, {"runs_per_seed", 2}, {"atol", atol}, {"rtol", rtol}};
  double maxAbs = 0, maxRel = 0;
  bool nondeterministic = false;
  bool useGuard = !lc.nvrtc && g.guardFn != nullptr;
  for (size_t si = 0; si < seeds.size(); ++si) {
    uint64_t seed = seeds[si];
    // Fresh inputs every trial: a candidate that replays a cached result fails.
    std::vector<at::Tensor> pristine;
    for (size_t i = 0; i < ins.size(); ++i) {
      fillInput(ins[i].view, ins[i].spec, seed * 1000003ull + i);
      pristine.push_back(ins[i].view.clone());
    }
    std::vector<at::Tensor> refOut;
    {
      std::vector<at::Tensor> refIn;
      for (auto &p : pristine)
        refIn.push_back(p.clone());
      refOut = runReference(ref, refIn);
    }
    if (refOut.size() != outs.size())
      throw Failure{"runtime_error", "reference",
                    "the reference returned " + std::to_string(refOut.size()) + " tensors but the signature has " +
                        std::to_string(outs.size()) + " outputs"};
    for (size_t k = 0; k < outs.size(); ++k) {
      if (!refOut[k].sizes().equals(outs[k].view.sizes()) ||
          refOut[k].scalar_type() != outs[k].view.scalar_type())
        throw Failure{"runtime_error", "reference",
                      "reference output " + std::to_string(k) + " is " + shapeStr(refOut[k].sizes()) + " " +
                          std::string(c10::toString(refOut[k].scalar_type())) + " but the signature says " +
                          shapeStr(outs[k].view.sizes()) + " " +
                          std::string(c10::toString(outs[k].view.scalar_type()))};
    }
    cudaStreamSynchronize(g.stream);
    if (refOnly)
      continue;
    // Twice per seed: races and nondeterminism show up as a difference.
    for (int run = 0; run < 2; ++run) {
      auto where = "seed " + std::to_string(seed) + ", run " + std::to_string(run + 1);
      for (auto &o : outs)
        o.poison(); // NaN: unwritten outputs cannot pass
      cudaError_t pe = cudaStreamSynchronize(g.stream);
      if (pe != cudaSuccess)
        throw Failure{"runtime_error", "verify", "before the launch: " + cudaErr(pe)};
      if (useGuard) {
        *g.guardFlag = 0;
        void *params[] = {&g.guardFlagDev};
        CUresult r = g.drv.launchKernel(g.guardFn, 1, 1, 1, 1, 1, 1, 0, CU_STREAM_LEGACY, params, nullptr);
        if (r != CUDA_SUCCESS) {
          *g.guardFlag = 1;
          useGuard = false;
        }
      }
      std::string descriptorChange;
      std::string err = launchCandidate(g, lc, ins, outs, &descriptorChange);
      // Sync on our stream only: work left on other streams is not waited for.
      cudaEvent_t done;
      cudaEventCreateWithFlags(&done, cudaEventDisableTiming);
      cudaEventRecord(done, g.stream);
      cudaError_t se = cudaEventSynchronize(done);
      cudaEventDestroy(done);
      if (se == cudaSuccess)
        for (size_t k = 0; k < outs.size(); ++k)
          snaps[run][k].copy_(outs[k].view);
      if (se == cudaSuccess)
        se = cudaStreamSynchronize(g.stream);
      if (useGuard)
        *g.guardFlag = 1;
      cudaError_t de = cudaDeviceSynchronize(); // drain stray work before the checks
      if (se == cudaSuccess)
        se = de;
      if (!err.empty() || se != cudaSuccess) {
        std::string msg = err.empty() ? "" : err;
        if (se != cudaSuccess)
          msg += (msg.empty() ? "" : "; ") + std::string("kernel failed: ") + cudaErr(se);
        throw Failure{"runtime_error", "verify", msg + " (" + where + ")"};
      }
      if (!descriptorChange.empty())
        throw Failure{"rejected", "verify", descriptorChange + " (" + where + ")"};
      for (size_t k = 0; k < outs.size(); ++k)
        if (auto d = outs[k].guardDamage(); !d.empty())
          throw Failure{"runtime_error", "verify",
                        "out-of-bounds write: the guard region " + d + " out" + std::to_string(k) +
                            " was overwritten (" + where + ")"};
      for (size_t i = 0; i < ins.size(); ++i) {
        if (auto d = ins[i].guardDamage(); !d.empty())
          throw Failure{"runtime_error", "verify",
                        "out-of-bounds write: the guard region " + d + " in" + std::to_string(i) +
                            " was overwritten (" + where + ")"};
        if (!at::equal(ins[i].view, pristine[i]))
          throw Failure{"rejected", "verify",
                        "the candidate modified its input in" + std::to_string(i) + " (" + where + ")"};
      }
      for (size_t k = 0; k < outs.size(); ++k) {
        Mismatch m = compare(snaps[run][k], refOut[k], atol, rtol);
        maxAbs = std::max(maxAbs, m.maxAbs);
        maxRel = std::max(maxRel, m.maxRel);
        if (!m.ok) {
          std::string idx = "[";
          for (size_t d = 0; d < m.firstIndex.size(); ++d)
            idx += (d ? "," : "") + std::to_string(m.firstIndex[d]);
          idx += "]";
          Failure f{"incorrect", "verify",
                    "output out" + std::to_string(k) + " " + shapeStr(outs[k].view.sizes()) +
                        " mismatches at index " + idx + " (flat " + std::to_string(m.firstFlat) +
                        "): got " + fmt(m.got) + ", expected " + fmt(m.expected) + "; " +
                        std::to_string(m.bad) + " of " + std::to_string(m.total) +
                        " elements outside atol " + fmt(atol) + " + rtol " + fmt(rtol) +
                        "*|expected|; max abs err " + fmt(m.maxAbs) + " (" + where + ")"};
          f.extra = {{"first_mismatch",
                      {{"output", k},
                       {"index", m.firstIndex},
                       {"flat", m.firstFlat},
                       {"got", jsonNumber(m.got)},
                       {"expected", jsonNumber(m.expected)}}},
                     {"bad_elements", m.bad},
                     {"seed", seed},
                     {"run", run + 1}};
          f.extra["max_abs_err"] = jsonNumber(maxAbs);
          f.extra["max_rel_err"] = jsonNumber(maxRel);
          throw f;
        }
      }
    }
    for (size_t k = 0; k < outs.size(); ++k)
      if (!at::equal(snaps[0][k], snaps[1][k]))
        nondeterministic = true;
  }
  if (refOnly) {
    verify["runs_per_seed"] = 0;
    verify["reference_only"] = true;
  }
  verify["nondeterministic"] = nondeterministic;
  verify["stream_guard"] = useGuard;
  phases["verify_ms"] = msSince(verifyStart);
  reply["verify"] = verify;
  reply["max_abs_err"] = jsonNumber(maxAbs);
  reply["max_rel_err"] = jsonNumber(maxRel);

  // Timing: candidate and reference in the same request, same procedure.
  json timing = req.value("timing", json::object());
  if (timing.value("enabled", true)) {
    auto t0 = Clock::now();
    int warmup = std::clamp(timing.value("warmup", 3), 0, 1000);
    double budget = std::clamp(timing.value("budget_ms", 100.0), 0.0, 60000.0);
    int minReps = std::clamp(timing.value("min_reps", 10), 1, 100000);
    int maxReps = std::clamp(timing.value("max_reps", 1000), minReps, 100000);
    std::vector<at::Tensor> refIn;
    for (auto &i : ins)
      refIn.push_back(i.view);
    std::string launchErr;
    auto runCand = [&] {
      std::string e = launchCandidate(g, lc, ins, outs, nullptr);
      if (!e.empty() && launchErr.empty())
        launchErr = e;
    };
    auto runRef = [&] { runReference(ref, refIn); };
    json tc;
    if (!refOnly) {
      tc = timeIt(g, runCand, warmup, budget, minReps, maxReps);
      if (!launchErr.empty())
        throw Failure{"runtime_error", "time", "while timing: " + launchErr};
    }
    json tr = timeIt(g, runRef, warmup, budget, minReps, maxReps);
    reply["timing"] = refOnly ? json{{"reference", tr}} : json{{"candidate", tc}, {"reference", tr}};
    phases["time_ms"] = msSince(t0);
  }

  if (req.value("profile", true)) {
    auto t0 = Clock::now();
    std::string err;
    json kernels = json::object();
    for (int side = refOnly ? 1 : 0; side < 2 && err.empty(); ++side) {
      cudaDeviceSynchronize();
      if (!cupti::begin(err))
        break;
      if (side == 0)
        launchCandidate(g, lc, ins, outs, nullptr);
      else {
        std::vector<at::Tensor> refIn;
        for (auto &i : ins)
          refIn.push_back(i.view);
        runReference(ref, refIn);
      }
      cudaDeviceSynchronize();
      auto ks = cupti::end();
      kernels[side == 0 ? "candidate" : "reference"] = kernelsJson(ks);
    }
    if (!err.empty())
      reply["kernels_error"] = err;
    else
      reply["kernels"] = kernels;
    phases["profile_ms"] = msSince(t0);
  }
  return phases;
}

} // namespace

const DeviceState &device() {
  Globals &g = G();
  std::call_once(g.once, [&] {
    try {
      init(g);
    } catch (const std::exception &e) {
      g.state.available = false;
      g.state.reason = e.what();
      g.state.info = {{"available", false}, {"reason", std::string("no CUDA device: ") + e.what()}};
    }
  });
  return g.state;
}

json evaluate(const json &req, const CandidateSpec &cand, const CompileOutcome &compiled,
              const std::function<void(int)> &markRunning, bool &fatal) {
  Globals &g = G();
  json reply = json::object();
  std::lock_guard<std::mutex> lk(g.gpuMutex);
  FileLock crossProcess(g.lockPath); // other workers on this GPU wait: no overlapping timings
  markRunning(req.value("deadline_ms", 30000));
  auto t0 = Clock::now();
  ensureContext(g);
  try {
    json phases = evaluateLocked(g, req, cand, compiled, reply);
    reply["status"] = "ok";
    reply["log"] = "";
    reply["phases"] = phases;
  } catch (const Failure &f) {
    reply["status"] = f.status;
    reply["phase"] = f.phase;
    reply["log"] = f.log;
    for (auto it = f.extra.begin(); it != f.extra.end(); ++it)
      reply[it.key()] = it.value();
  } catch (const c10::OutOfMemoryError &e) {
    reply["status"] = "runtime_error";
    reply["phase"] = "gpu";
    reply["log"] = std::string("out of GPU memory: ") + e.what_without_backtrace();
    // Hand the cached blocks back so later requests (and candidates' own
    // allocations) see the memory again.
    c10::cuda::CUDACachingAllocator::emptyCache();
  } catch (const c10::Error &e) {
    reply["status"] = "runtime_error";
    reply["phase"] = "gpu";
    reply["log"] = e.what_without_backtrace();
  } catch (const std::exception &e) {
    reply["status"] = "runtime_error";
    reply["phase"] = "gpu";
    reply["log"] = e.what();
  }
  // A sticky error (illegal address, ...) poisons the context for every later
  // request: report it and let the supervisor start a fresh process.
  cudaError_t e = cudaDeviceSynchronize();
  if (e == cudaSuccess)
    e = cudaGetLastError();
  if (e != cudaSuccess) {
    cudaGetLastError();
    cudaError_t again = cudaDeviceSynchronize();
    if (isStickyError(e) || again != cudaSuccess) {
      fatal = true;
      if (reply.value("status", "") == "ok") {
        reply["status"] = "runtime_error";
        reply["log"] = "";
      }
      std::string log = reply.value("log", "");
      reply["log"] = log + (log.empty() ? "" : "; ") + "CUDA context is unusable after " + cudaErr(e) +
                     "; the evaluator process restarts";
      reply["fatal"] = true;
    } else if (reply.value("status", "") == "ok") {
      reply["status"] = "runtime_error";
      reply["log"] = "CUDA error after the run: " + cudaErr(e);
    }
  }
  if (reply.value("status", "") != "ok")
    cudaGetLastError();
  reply["gpu_ms"] = msSince(t0);
  return reply;
}

} // namespace pike::worker::gpu
