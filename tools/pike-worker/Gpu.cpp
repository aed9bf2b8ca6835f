#include "Gpu.h"

#include "Cupti.h"
#include "ReferencePrecision.h"
#include "RunnerProcess.h"
#include "RunnerProtocol.h"
#include "RunnerTiming.h"
#include "pike/Runtime/KernelABI.h"
#include "pike/Support/DType.h"
#include "pike/Support/FileLock.h"
#include "pike/WorkerClient/Protocol.h"

#include <ATen/ATen.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/script.h>
#include <torch/version.h>

#include <cuda_runtime.h>
#include <nvrtc.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

namespace pike::worker::gpu {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using runner::RunnerProcess;
using runner::median;

namespace {

double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string cudaErr(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")";
}

// PIKE_WORKER_DEBUG=1: one stderr line per runner step, for debugging on a GPU host.
bool debugOn() {
  static const bool on = [] {
    const char *v = std::getenv("PIKE_WORKER_DEBUG");
    return v && *v && std::string(v) != "0";
  }();
  return on;
}
void dbg(const std::string &what) {
  if (debugOn())
    std::cerr << "[pike-worker] " + what + "\n" << std::flush;
}

struct Failure {
  std::string status, phase, log;
  json extra = json::object();
};

/// How long a runner may take to map a request's buffers (CUDA IPC), a step
/// that runs no candidate code and takes milliseconds when the machine is well.
/// A runner stuck there is replaced by a fresh one once (kMapAttempts).
constexpr int kMapDeadlineMs = 5000;
constexpr int kMapAttempts = 2;

// ------------------------------------------------------------ device state
// One runner lives for one request. The spare is started early (its CUDA context
// creation overlaps the current request) and used by the next one. Retired runners
// are SIGKILLed at once and reaped later, before their IO buffers are freed (an
// exported allocation must outlive every process that maps it).
struct Retired {
  std::unique_ptr<RunnerProcess> runner;
  std::vector<void *> buffers;
  size_t bytes = 0;
};

// A slot's reference as the verifier runs it. `module` is the yardstick as eager
// runs it (TF32 where its graph or the global flags allow it; timed and profiled);
// where it can compute in TF32, `strict` is a second load of the same file with
// every allow_tf32 set to False, run under StrictFp32Scope: the candidate is
// judged against it (docs/worker.md, "Verification against a TF32 reference").
struct Reference {
  torch::jit::Module module;
  std::optional<torch::jit::Module> strict;
  Tf32Use tf32;
};

struct Globals {
  std::once_flag once;
  DeviceState state;
  cudaStream_t stream = nullptr;       // the verifier's own non-blocking stream
  void *l2Flush = nullptr;
  size_t l2FlushBytes = 0;
  std::string lockPath;
  std::string runnerExe;
  std::unique_ptr<RunnerProcess> spare;
  std::vector<Retired> graveyard;
  std::mutex gpuMutex;                  // one GPU phase at a time in this process
  std::map<std::string, std::pair<std::string, Reference>> references;
  bool testStallMapOnce = false;        // TEST-ONLY, see spawnRunner
  std::vector<std::string> preloads;    // --preload for every runner (setRunnerPreloads)
};
Globals &G() {
  static Globals g;
  return g;
}

// pike-runner lives beside pike-worker; PIKE_RUNNER overrides (tests, installs).
std::string findRunner() {
  if (const char *v = std::getenv("PIKE_RUNNER"); v && *v)
    return v;
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return "pike-runner";
  std::string self(buf, static_cast<size_t>(n));
  return self.substr(0, self.rfind('/') + 1) + "pike-runner";
}

std::unique_ptr<RunnerProcess> spawnRunner(Globals &g, std::string &err) {
  std::vector<std::string> args = {"--parent", std::to_string(::getpid())};
  if (debugOn())
    args.push_back("--debug");
  if (const char *v = std::getenv("PIKE_WORKER_ALLOW_UNSANDBOXED"); v && std::string(v) == "1")
    args.push_back("--allow-unsandboxed");
  if (const char *v = std::getenv("PIKE_WORKER_NO_LANDLOCK"); v && std::string(v) == "1")
    args.push_back("--no-landlock");
  for (const auto &p : g.preloads)
    args.insert(args.end(), {"--preload", p});
  if (g.testStallMapOnce) { // the first runner only: the retry's runner maps normally
    args.push_back("--test-stall-map");
    g.testStallMapOnce = false;
  }
  auto r = RunnerProcess::spawn(g.runnerExe, args, err);
  if (r)
    dbg("spawned runner pid " + std::to_string(r->pid()));
  return r;
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
  // Candidates run in pike-runner, a child of this process with the same uid:
  // not dumpable means it cannot open /proc/<verifier>/mem or /environ.
  g.runnerExe = findRunner(); // (reads /proc/self/exe before the process turns non-dumpable)
  auto envIs1 = [](const char *n) { const char *v = std::getenv(n); return v && std::string(v) == "1"; };
  g.testStallMapOnce = envIs1("PIKE_WORKER_TEST_OPS") && envIs1("PIKE_WORKER_TEST_STALL_MAP");
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
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
            {"torch_version", TORCH_VERSION},
            {"candidate_isolation", "pike-runner process per request"},
            {"runner", g.runnerExe}};
  std::string err;
  g.spare = spawnRunner(g, err); // the first request need not wait for CUDA init
  if (!g.spare)
    s.info["runner_error"] = err;
}

// ------------------------------------------------------------ tensors
struct TensorSpec {
  std::vector<int64_t> shape;
  int dtype = 0;
  std::string init = "normal";
  // "layout": "nhwc": stored channels-last (physical N,H,W,C; `shape` stays
  // the logical N,C,H,W). Kernels get only pointers, so the candidate's buffer,
  // the reference's inputs and every copy the verifier makes are laid out so.
  bool channelsLast = false;
};

at::MemoryFormat memoryFormatOf(const TensorSpec &s) {
  return s.channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
}

// The table's values are LibTorch's (checked in lib/TorchScript/ScalarType.h;
// c10::ScalarType numbers are part of the .pt format, so no LibTorch changes them).
at::ScalarType scalarType(int pike) {
  if (const DTypeInfo *d = dtypeFromAbiCode(pike))
    return static_cast<at::ScalarType>(d->scalarType);
  throw std::runtime_error("unknown dtype code " + std::to_string(pike));
}

std::vector<TensorSpec> parseSpecs(const json &arr) {
  std::vector<TensorSpec> out;
  for (const auto &t : arr) {
    TensorSpec s;
    s.shape = t.at("shape").get<std::vector<int64_t>>();
    s.dtype = *parseDType(t.at("dtype").get<std::string>());
    s.init = t.value("init", "normal");
    s.channelsLast = t.value("layout", "contiguous") == "nhwc"; // validated: rank 4
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

// ------------------------------------------------------------ shared IO buffers
// Every input and output the candidate sees is its own cudaMalloc allocation
// (an IPC handle exports a whole allocation, so torch's caching allocator, which
// packs tensors into shared blocks, must not be used), laid out as
// [canary | data | canary]. A write past a canary leaves the allocation, which
// faults in the runner's context, never in the verifier's.
constexpr int64_t kCanaryBytes = 1 << 20;
constexpr uint8_t kCanaryByte = 0xCD;

struct SharedBuffer {
  void *base = nullptr;
  int64_t total = 0, nbytes = 0;
  TensorSpec spec;
  at::Tensor raw;  // uint8 over the whole allocation
  at::Tensor view; // the tensor the candidate sees
  std::string handle;

  // Throws Failure.
  static SharedBuffer make(const TensorSpec &s) {
    SharedBuffer b;
    b.spec = s;
    int64_t numel = 1;
    for (int64_t d : s.shape)
      numel *= d;
    b.nbytes = numel * static_cast<int64_t>(dtypeBytes(s.dtype));
    b.total = 2 * kCanaryBytes + ((b.nbytes + 255) / 256) * 256;
    cudaError_t e = cudaMalloc(&b.base, static_cast<size_t>(b.total));
    if (e == cudaErrorMemoryAllocation) { // torch's cache may hold what we need
      cudaGetLastError();
      c10::cuda::CUDACachingAllocator::emptyCache();
      e = cudaMalloc(&b.base, static_cast<size_t>(b.total));
    }
    if (e != cudaSuccess) {
      cudaGetLastError();
      throw Failure{"runtime_error", "setup",
                    "out of GPU memory: cannot allocate " + std::to_string(b.total) + " bytes for a " +
                        shapeStr(s.shape) + " buffer (" + cudaErr(e) + ")"};
    }
    cudaIpcMemHandle_t h;
    e = cudaIpcGetMemHandle(&h, b.base);
    if (e != cudaSuccess) {
      cudaFree(b.base);
      cudaGetLastError();
      throw Failure{"runtime_error", "setup", "cudaIpcGetMemHandle: " + cudaErr(e)};
    }
    b.handle = runner::toHex(&h, sizeof h);
    auto dev = at::TensorOptions().device(at::kCUDA, 0);
    b.raw = at::from_blob(b.base, {b.total}, dev.dtype(at::kByte));
    char *data = static_cast<char *>(b.base) + kCanaryBytes;
    auto opts = dev.dtype(scalarType(s.dtype));
    // Channels-last: exactly torch's memory_format=torch.channels_last strides,
    // so the verifier's logical copies and checks read the candidate's order.
    b.view = s.channelsLast ? at::from_blob(data, s.shape, c10::get_channels_last_strides_2d(s.shape), opts)
                            : at::from_blob(data, s.shape, opts);
    b.raw.fill_(kCanaryByte);
    return b;
  }
  runner::BufferDesc desc() const {
    runner::BufferDesc d;
    d.handle = handle;
    d.offset = kCanaryBytes;
    d.bytes = static_cast<uint64_t>(nbytes);
    d.dtype = spec.dtype;
    d.shape = spec.shape;
    return d;
  }
  at::Tensor head() const { return raw.narrow(0, 0, kCanaryBytes); }
  at::Tensor tail() const { return raw.narrow(0, kCanaryBytes + nbytes, total - kCanaryBytes - nbytes); }
  // A device bool: is either canary damaged? (No host sync.)
  at::Tensor canaryBad() const { return head().ne(kCanaryByte).any().logical_or(tail().ne(kCanaryByte).any()); }
  // "" when both canaries are intact, else which side was hit.
  std::string damage() const {
    bool h = head().ne(kCanaryByte).any().item<bool>();
    bool t = tail().ne(kCanaryByte).any().item<bool>();
    if (h && t)
      return "before and after";
    return h ? "before" : t ? "after" : "";
  }
  void poison() {
    if (at::isFloatingType(view.scalar_type()))
      view.fill_(std::nan(""));
    else if (nbytes > 0)
      raw.narrow(0, kCanaryBytes, nbytes).fill_(0xA5);
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
  // Row-major copies: the flat index and the multi-index are logical (N,C,H,W
  // of a channels-last output too), whatever either side's memory layout.
  auto g = got.to(at::kDouble).contiguous().flatten(), e = exp.to(at::kDouble).contiguous().flatten();
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

// What identifies one version of a reference file in the cache.
std::string fileStamp(const struct stat &st) { return std::to_string(st.st_mtime) + ":" + std::to_string(st.st_size); }

Reference &loadReference(Globals &g, const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw Failure{"runtime_error", "reference", "reference TorchScript '" + path + "' does not exist"};
  // A FIFO or device file would block or stream forever inside torch::jit::load.
  if (!S_ISREG(st.st_mode))
    throw Failure{"rejected", "reference", "reference TorchScript '" + path + "' is not a regular file"};
  const std::string stamp = fileStamp(st);
  auto it = g.references.find(path);
  if (it != g.references.end() && it->second.first == stamp)
    return it->second.second;
  try {
    Reference r{torch::jit::load(path, c10::Device(c10::kCUDA, 0)), std::nullopt, {}};
    r.module.eval();
    // The flags the reference runs under are the process's (LibTorch defaults:
    // cuDNN TF32 on, cuBLAS off); baked allow_tf32 constants override them.
    r.tf32 = findTf32Use(r.module, currentGlobalTf32Flags());
    if (r.tf32.any()) {
      // A second, independent load (its own compilation unit), rewritten before
      // it ever runs; the file must not have changed in between.
      torch::jit::Module strict = torch::jit::load(path, c10::Device(c10::kCUDA, 0));
      struct stat again;
      if (::stat(path.c_str(), &again) != 0 || fileStamp(again) != stamp)
        throw Failure{"runtime_error", "reference", "reference TorchScript '" + path + "' changed while it was loaded"};
      strict.eval();
      makeStrictFp32(strict);
      r.strict = std::move(strict);
    }
    if (g.references.size() > 64)
      g.references.clear();
    g.references.erase(path);
    return g.references.emplace(path, std::make_pair(stamp, std::move(r))).first->second.second;
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

// ------------------------------------------------------------ the runner session
// Limits of one request's candidate calls: every call is checked, so the count is
// capped to keep a request's verifier work bounded.
constexpr int kMaxCalls = 200;
constexpr int kNullCalls = 8;                 // calibration before the candidate is loaded
constexpr int kSupervisorGraceMs = 5000;      // the verifier answers `timeout` itself first
struct Session {
  std::unique_ptr<RunnerProcess> runner;
  uint64_t callIdKey = 0; // random per request, see wireCallId
  std::vector<SharedBuffer> ins, outs;
  std::string sandbox;
  bool l2Flush = false;
  Clock::time_point deadline;
  int deadlineMs = 0;
  json preload; // the runner's hello: libraries it loaded as the spare, and how long that took
};

// Waits for the runner's next message; throws Failure on timeout, death or garbage.
json awaitRunner(Session &s, const std::string &step) {
  json msg;
  std::string why;
  auto w = s.runner->receive(msg, s.deadline, why);
  switch (w) {
  case RunnerProcess::Wait::Message:
    dbg("runner " + std::to_string(s.runner->pid()) + " -> " + runner::clip(msg.dump(), 300));
    return msg;
  case RunnerProcess::Wait::Timeout:
    s.runner->kill();
    dbg("runner timed out during " + step);
    throw Failure{"timeout", "run",
                  "the candidate did not finish within deadline_ms (" + std::to_string(s.deadlineMs) +
                      " ms); stuck in: " + step + "; its runner process was killed"};
  case RunnerProcess::Wait::Closed: {
    s.runner->reap(500);
    std::string how = s.runner->exited() ? s.runner->describeExit() : "closed its control channel";
    s.runner->kill();
    dbg("runner gone during " + step + ": " + how);
    throw Failure{"runtime_error", "run", "the candidate's runner process " + how + " during " + step};
  }
  case RunnerProcess::Wait::Violation:
    s.runner->kill();
    throw Failure{"runtime_error", "run", "runner protocol violated: " + why + " (" + step + ")"};
  }
  throw Failure{"runtime_error", "run", "unreachable"};
}

void sendRunner(Session &s, const json &m, const std::string &step) {
  dbg("runner " + std::to_string(s.runner->pid()) + " <- " + m.value("op", "?") + " (" + step + ")");
  if (!s.runner->send(m)) {
    s.runner->reap(500);
    std::string how = s.runner->exited() ? s.runner->describeExit() : "stopped reading its control channel";
    s.runner->kill();
    throw Failure{"runtime_error", "run", "the candidate's runner process " + how + " before " + step};
  }
}

// Expects {"msg": name}; a runner-reported error becomes the failure it names.
json expectRunner(Session &s, const std::string &name, const std::string &step) {
  json m = awaitRunner(s, step);
  std::optional<runner::RunnerError> re;
  if (auto v = runner::expectMessage(m, name, re)) {
    s.runner->kill();
    throw Failure{"runtime_error", "run", "runner protocol violated: " + *v + " (" + step + ")"};
  }
  if (re) {
    std::string status = re->kind == "missing_entry" || re->kind == "missing_kernel" ? "compile_error" : "runtime_error";
    std::string what = re->stage == "sandbox" ? "the runner could not install its sandbox: " : "";
    throw Failure{status, re->stage == "load" || re->stage == "sandbox" ? "load" : "setup", what + re->detail};
  }
  return m;
}

void retireSession(Globals &g, Session &s) {
  if (s.runner)
    s.runner->kill();
  Retired r;
  r.runner = std::move(s.runner);
  for (auto *side : {&s.ins, &s.outs})
    for (auto &b : *side)
      if (b.base) {
        r.buffers.push_back(b.base);
        r.bytes += static_cast<size_t>(b.total);
      }
  s.ins.clear();
  s.outs.clear();
  g.graveyard.push_back(std::move(r));
}

// Takes the spare runner (or starts one), starts the next spare, and waits for
// this one's hello (CUDA initialised in its own context).
void startSession(Globals &g, Session &s) {
  std::string err;
  s.runner = std::move(g.spare);
  if (s.runner) {
    // A spare that died while it waited (e.g. the GPU went away), or whose CUDA
    // start-up failed (it started while the last candidate held all GPU memory),
    // is replaced once.
    json m;
    std::string why;
    auto w = s.runner->receive(m, s.deadline, why);
    if (w == RunnerProcess::Wait::Message && m.value("msg", "") == "hello" && m.value("cuda", "") == "ok") {
      s.runner->pushBack(m);
    } else {
      dbg("spare runner unusable, starting a fresh one");
      retireSession(g, s);
      s.runner.reset();
    }
  }
  if (!s.runner) {
    s.runner = spawnRunner(g, err);
    if (!s.runner)
      throw Failure{"runtime_error", "setup", "cannot start pike-runner: " + err};
  }
  json hello = expectRunner(s, "hello", "runner start-up (CUDA initialisation)");
  if (hello.contains("preload") && hello["preload"].is_object()) // sent before any candidate code
    s.preload = hello["preload"];
  if (hello.value("cuda", "") != "ok")
    throw Failure{"runtime_error", "setup", "the runner cannot use the GPU: " + runner::clip(hello.value("cuda", "?"), 500)};
}

// Frees what earlier requests left once their runners are gone. A SIGKILLed
// runner takes some milliseconds to tear its context down; the next request does
// not wait for that unless retired buffers pile up (more than two sessions or
// 256 MiB), then it reaps them all before allocating its own.
void collectGraveyard(Globals &g, bool force = false) {
  size_t bytes = 0;
  for (auto &r : g.graveyard)
    bytes += r.bytes;
  const bool block = force || g.graveyard.size() > 2 || bytes > (size_t(256) << 20);
  for (auto it = g.graveyard.begin(); it != g.graveyard.end();) {
    bool gone = !it->runner || it->runner->reap(block ? 5000 : 0);
    if (!gone && !block) {
      ++it;
      continue;
    }
    if (!gone)
      dbg("runner " + std::to_string(it->runner->pid()) + " did not exit 5 s after SIGKILL; waiting");
    it->runner.reset(); // waits for it if still running
    for (void *p : it->buffers)
      cudaFree(p);
    it = g.graveyard.erase(it);
  }
  cudaGetLastError();
}

std::string fmtMs(double v) { return fmt(v) + " ms"; }

// One candidate (or null) call, after the verifier has prepared the buffers.
struct CallTimes {
  double eventMs = 0, wallMs = 0, verifierMs = 0;
  runner::Done done;
};

// The id call `index` carries on the wire: a keyed scramble (splitmix64), so a
// `done` written ahead by candidate code cannot name the call it would have to
// answer without reading the verifier's message first.
int64_t wireCallId(const Session &s, int64_t index) {
  uint64_t z = static_cast<uint64_t>(index) + s.callIdKey + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return static_cast<int64_t>((z ^ (z >> 31)) >> 2);
}

CallTimes callRunner(Globals &g, Session &s, int64_t index, bool null, bool profile, const std::string &where) {
  const int64_t i = wireCallId(s, index);
  cudaError_t e = cudaStreamSynchronize(g.stream); // inputs, poison, canaries in place
  if (e != cudaSuccess)
    throw Failure{"runtime_error", "verify", "before call " + std::to_string(index) + ": " + cudaErr(e)};
  json m = {{"op", null ? "null" : "run"}, {"i", i}};
  if (profile)
    m["profile"] = true;
  auto t0 = Clock::now();
  sendRunner(s, m, where);
  json reply = awaitRunner(s, where);
  CallTimes t;
  t.verifierMs = msSince(t0);
  if (auto v = runner::parseDone(reply, i, t.done)) {
    s.runner->kill();
    throw Failure{"runtime_error", "run", "runner protocol violated: " + *v + " (" + where + ")"};
  }
  t.eventMs = t.done.eventMs;
  t.wallMs = t.done.wallMs;
  if (!t.done.err.empty())
    throw Failure{"runtime_error", "verify", t.done.err + " (" + where + ")"};
  if (!t.done.rewrote.empty())
    throw Failure{"rejected", "verify", t.done.rewrote + " (" + where + ")"};
  return t;
}

// Throws the detailed failure for a call whose fused check failed (or returns
// when it finds nothing, which the caller treats as an internal inconsistency).
// `atol[k]` is output k's absolute tolerance (the request's, or widened by the
// reference's TF32 noise `noise[k]`, see tf32Atol).
void diagnoseCall(Session &s, const std::vector<at::Tensor> &pristine, const std::vector<at::Tensor> &refOut,
                  const std::vector<double> &atol, const std::vector<double> &noise, double rtol, bool tf32Bound,
                  const std::string &where, const json &extra, double &maxAbs, double &maxRel,
                  std::vector<double> &maxAbsPerOutput) {
  for (size_t k = 0; k < s.outs.size(); ++k)
    if (auto d = s.outs[k].damage(); !d.empty())
      throw Failure{"runtime_error", "verify",
                    "out-of-bounds write: the guard region " + d + " out" + std::to_string(k) + " was overwritten (" +
                        where + ")"};
  for (size_t i = 0; i < s.ins.size(); ++i) {
    if (auto d = s.ins[i].damage(); !d.empty())
      throw Failure{"runtime_error", "verify",
                    "out-of-bounds write: the guard region " + d + " in" + std::to_string(i) + " was overwritten (" +
                        where + ")"};
    if (!at::equal(s.ins[i].view, pristine[i]))
      throw Failure{"rejected", "verify", "the candidate modified its input in" + std::to_string(i) + " (" + where + ")"};
  }
  for (size_t k = 0; k < s.outs.size(); ++k) {
    Mismatch m = compare(s.outs[k].view, refOut[k], atol[k], rtol);
    maxAbs = std::max(maxAbs, m.maxAbs);
    maxRel = std::max(maxRel, m.maxRel);
    if (k < maxAbsPerOutput.size() && !(m.maxAbs <= maxAbsPerOutput[k])) // NaN sticks
      maxAbsPerOutput[k] = m.maxAbs;
    if (m.ok)
      continue;
    std::string idx = "[";
    for (size_t d = 0; d < m.firstIndex.size(); ++d)
      idx += (d ? "," : "") + std::to_string(m.firstIndex[d]);
    idx += "]";
    Failure f{"incorrect", "verify",
              "output out" + std::to_string(k) + " " + shapeStr(s.outs[k].view.sizes()) + " mismatches at index " +
                  idx + " (flat " + std::to_string(m.firstFlat) + "): got " + fmt(m.got) + ", expected " +
                  fmt(m.expected) + "; " + std::to_string(m.bad) + " of " + std::to_string(m.total) +
                  " elements outside atol " + fmt(atol[k]) + " + rtol " + fmt(rtol) + "*|expected|" +
                  (noise[k] > 0 ? " (expected: the strict-fp32 reference; atol = max(request atol, " +
                                      fmt(kTf32NoiseFactor) + " x the reference's TF32 noise " + fmt(noise[k]) + "))"
                                : std::string()) +
                  (tf32Bound ? "; tf32_bound: no relative slack where the reference has TF32 sites under the strict "
                               "fp32 policy, so the candidate adds no more error than the reference's own TF32"
                             : std::string()) +
                  "; max abs err " + fmt(m.maxAbs) + " (" + where + ")"};
    f.extra = extra;
    f.extra["first_mismatch"] = {{"output", k},
                                 {"index", m.firstIndex},
                                 {"flat", m.firstFlat},
                                 {"got", jsonNumber(m.got)},
                                 {"expected", jsonNumber(m.expected)}};
    f.extra["bad_elements"] = m.bad;
    f.extra["max_abs_err"] = jsonNumber(maxAbs);
    f.extra["max_rel_err"] = jsonNumber(maxRel);
    f.extra["atol"] = jsonNumber(atol[k]);
    f.extra["tf32_noise"] = jsonNumber(noise[k]);
    f.extra["tf32_bound"] = tf32Bound;
    throw f;
  }
}

void checkReferenceOutputs(const std::vector<at::Tensor> &refOut, const std::vector<TensorSpec> &outSpecs) {
  if (refOut.size() != outSpecs.size())
    throw Failure{"runtime_error", "reference",
                  "the reference returned " + std::to_string(refOut.size()) + " tensors but the signature has " +
                      std::to_string(outSpecs.size()) + " outputs"};
  for (size_t k = 0; k < outSpecs.size(); ++k) {
    at::ScalarType want = scalarType(outSpecs[k].dtype);
    if (!refOut[k].sizes().equals(outSpecs[k].shape) || refOut[k].scalar_type() != want)
      throw Failure{"runtime_error", "reference",
                    "reference output " + std::to_string(k) + " is " + shapeStr(refOut[k].sizes()) + " " +
                        std::string(c10::toString(refOut[k].scalar_type())) + " but the signature says " +
                        shapeStr(outSpecs[k].shape) + " " + std::string(c10::toString(want))};
  }
}

// One module's outputs on clones of the pristine inputs, checked against the signature.
std::vector<at::Tensor> checkedRun(torch::jit::Module &m, const std::vector<at::Tensor> &pristine,
                                   const std::vector<TensorSpec> &outSpecs) {
  std::vector<at::Tensor> refIn;
  for (auto &p : pristine)
    refIn.push_back(p.clone()); // the reference may work in place
  std::vector<at::Tensor> refOut = runReference(m, refIn);
  checkReferenceOutputs(refOut, outSpecs);
  return refOut;
}

// The yardstick for the current pristine inputs. A strict-fp32 reference runs
// once and `noise` is all 0. A reference that can compute in TF32 runs as eager
// does and strictly (StrictFp32Scope + its strict twin); the strict outputs are
// the yardstick and noise[k] = max |tf32 - strict| of output k on these inputs.
// Only the verifier's own runs on its private inputs set the noise.
std::vector<at::Tensor> checkedReference(Reference &ref, const std::vector<at::Tensor> &pristine,
                                         const std::vector<TensorSpec> &outSpecs, std::vector<double> &noise) {
  noise.assign(outSpecs.size(), 0.0);
  std::vector<at::Tensor> out = checkedRun(ref.module, pristine, outSpecs);
  if (!ref.strict)
    return out;
  std::vector<at::Tensor> strict;
  {
    StrictFp32Scope strictFlags;
    strict = checkedRun(*ref.strict, pristine, outSpecs);
  }
  for (size_t k = 0; k < outSpecs.size(); ++k)
    noise[k] = tf32Noise(out[k], strict[k]);
  return strict;
}


void fillPristine(std::vector<at::Tensor> &pristine, const std::vector<TensorSpec> &specs, uint64_t seed) {
  for (size_t i = 0; i < specs.size(); ++i)
    fillInput(pristine[i], specs[i], seed * 1000003ull + i);
}

json profileReference(torch::jit::Module &ref, const std::vector<at::Tensor> &inputs, std::string &err) {
  cudaDeviceSynchronize();
  if (!cupti::begin(err))
    return json();
  runReference(ref, inputs);
  cudaDeviceSynchronize();
  return kernelsJson(cupti::end());
}

// The reference captured in a CUDA graph (LibTorch's, with its private memory
// pool) for timing as a package runs a slot; nullptr with the reason when a op
// of it cannot be captured (a host synchronisation, say): it is then timed plainly.
std::unique_ptr<at::cuda::CUDAGraph> captureReference(torch::jit::Module &ref, const std::vector<at::Tensor> &inputs,
                                                      cudaStream_t stream, std::string &err) {
  auto graph = std::make_unique<at::cuda::CUDAGraph>();
  cudaStreamSynchronize(stream);
  try {
    graph->capture_begin();
  } catch (const std::exception &e) {
    err = std::string("capture_begin: ") + e.what();
    cudaGetLastError();
    return nullptr;
  }
  try {
    runReference(ref, inputs);
  } catch (const std::exception &e) {
    err = e.what();
  }
  try {
    graph->capture_end(); // also when the run failed: ends the capture and the pool routing
  } catch (const std::exception &e) {
    if (err.empty())
      err = e.what();
  }
  cudaGetLastError();
  if (!err.empty()) {
    err = runner::clip(err, 300);
    return nullptr;
  }
  return graph;
}

json evaluateLocked(Globals &g, Session &s, const json &req, const CandidateSpec &cand,
                    const CompileOutcome &compiled, json &reply) {
  auto phaseStart = Clock::now();
  json phases = json::object();
  auto inSpecs = parseSpecs(req.at("inputs"));
  auto outSpecs = parseSpecs(req.at("outputs"));
  double atol = req.value("atol", 1e-2), rtol = req.value("rtol", 1e-2);
  std::vector<uint64_t> seeds = req.value("seeds", std::vector<uint64_t>{1, 2, 3});
  if (seeds.empty())
    seeds = {1};
  json timing = req.value("timing", json::object());
  const bool timed = timing.value("enabled", true);
  const bool profile = req.value("profile", true);
  // timing.cuda_graph: time both sides as a package runs them, replayed from a
  // CUDA graph (no host launch cost inside the timed interval).
  const bool cudaGraph = timed && timing.value("cuda_graph", false);
  // timing.reference false: the client keeps the reference's time from an earlier
  // evaluation of the same slot; skip its capture and timed runs (validated a bool).
  const bool timeReference = timed && timing.value("reference", true);

  c10::cuda::CUDAStream cs = c10::cuda::getStreamFromExternal(g.stream, 0);
  c10::cuda::CUDAStreamGuard streamGuard(cs);
  torch::NoGradGuard noGrad;

  Reference &reference = loadReference(g, req.at("reference").at("torchscript").get<std::string>());
  torch::jit::Module &ref = reference.module; // timed and profiled as eager runs it
  // tf32_bound (the client's strict fp32 policy): where the reference has TF32
  // sites, an output may differ from the strict-fp32 reference by its atol alone
  // (the request's, or 3x the reference's own TF32 deviation), with no relative
  // slack. Otherwise a TF32 candidate passes on a shape where the reference's
  // cuDNN ran exact fp32 (noise 0: rtol 1e-2 of large outputs hides TF32 error),
  // and such slots compound into a whole network eager does not match
  // (EfficientNet-B0, run nhwc-20261207i on an H200).
  const bool tf32Bound = req.value("tf32_bound", false) && reference.tf32.any();
  const double rtolChecked = tf32Bound ? 0.0 : rtol;
  // candidate.mode "reference": time the reference alone (eager profiling of a
  // slot before a search); its outputs are checked against the signature only.
  const bool refOnly = cand.mode == "reference";
  if (!refOnly)
    startSession(g, s);
  phases["runner_start_ms"] = msSince(phaseStart);

  // The verifier's private copies: pristine inputs (the reference's inputs and
  // the yardstick for "inputs unchanged") never leave this context.
  std::vector<at::Tensor> pristine;
  for (auto &sp : inSpecs)
    pristine.push_back(at::empty(
        sp.shape, at::TensorOptions().dtype(scalarType(sp.dtype)).device(at::kCUDA, 0).memory_format(memoryFormatOf(sp))));
  fillPristine(pristine, inSpecs, seeds[0]);
  // Per output: the reference's TF32 noise on the current inputs, the absolute
  // tolerance it gives (the request's atol when there is no noise), and both
  // maxima over every checked call (the reply's).
  std::vector<double> noise, atolOut(outSpecs.size(), atol);
  std::vector<double> maxNoise(outSpecs.size(), 0.0), maxAtol(outSpecs.size(), atol);
  std::vector<at::Tensor> refOut;
  auto yardstick = [&] {
    refOut = checkedReference(reference, pristine, outSpecs, noise);
    for (size_t k = 0; k < outSpecs.size(); ++k) {
      atolOut[k] = tf32Atol(atol, noise[k]);
      maxNoise[k] = std::max(maxNoise[k], noise[k]);
      maxAtol[k] = std::max(maxAtol[k], atolOut[k]);
    }
  };
  // What the reply says about the yardstick, whatever the outcome.
  auto describeYardstick = [&] {
    json n = json::array(), a = json::array();
    for (size_t k = 0; k < outSpecs.size(); ++k) {
      n.push_back(jsonNumber(maxNoise[k]));
      a.push_back(jsonNumber(maxAtol[k]));
    }
    reply["verify"]["reference_tf32"] = reference.tf32.any();
    reply["verify"]["tf32_bound"] = tf32Bound;
    if (reference.tf32.any()) {
      reply["verify"]["tf32_sites"] = reference.tf32.sites();
      reply["verify"]["tf32_noise_factor"] = kTf32NoiseFactor;
      reply["verify"]["compared_against"] = "strict_fp32_reference";
    }
    reply["verify"]["tf32_noise_per_output"] = n;
    reply["verify"]["atol_per_output"] = a;
  };
  {
    // The first reference runs on this request's shapes (cuDNN/cuBLAS plan
    // selection included): a phase of its own, so slow ones can be told apart.
    auto t0 = Clock::now();
    yardstick();
    phases["yardstick_ms"] = msSince(t0);
  }

  // Reference timing and profile first, while no candidate code exists anywhere
  // (on copies: a reference that works in place must not change the yardstick).
  std::vector<at::Tensor> refTimingIn;
  for (auto &p : pristine)
    refTimingIn.push_back(p.clone());
  json timingOut = json::object();
  // timing.reference_tf32 (the client's relaxed precision policy): the reference
  // is captured, timed and profiled with TF32 on for cuBLAS and cuDNN, as that
  // policy's package runs the slots it keeps. A speed-up then compares the
  // candidate with the package's own fallback, not with a strict-fp32 matmul a
  // TF32 package never runs (run full-20261207k, vanilla RNN step: a bf16 search
  // installed an fp32 cuBLASLt GEMM at 1.12x of the strict reference, and the
  // package lost to run j's, where the slot kept PyTorch's TF32 GEMM).
  // Verification still compares against the strict-fp32 yardstick above.
  const bool referenceTf32 = timed && timing.value("reference_tf32", false);
  std::optional<Tf32OnScope> tf32On;
  if (referenceTf32)
    tf32On.emplace();
  if (timeReference) {
    auto t0 = Clock::now();
    int warmup = std::clamp(timing.value("warmup", 3), 0, 1000);
    double budget = std::clamp(timing.value("budget_ms", 100.0), 0.0, 60000.0);
    int minReps = std::clamp(timing.value("min_reps", 10), 1, 100000);
    int maxReps = std::clamp(timing.value("max_reps", 1000), minReps, 100000);
    std::string graphErr;
    std::unique_ptr<at::cuda::CUDAGraph> refGraph;
    if (cudaGraph)
      refGraph = captureReference(ref, refTimingIn, g.stream, graphErr);
    if (refGraph)
      timingOut["reference"] = timeIt(g, [&] { refGraph->replay(); }, warmup, budget, minReps, maxReps);
    else
      timingOut["reference"] = timeIt(g, [&] { runReference(ref, refTimingIn); }, warmup, budget, minReps, maxReps);
    timingOut["reference"]["cuda_graph"] = refGraph != nullptr;
    if (!graphErr.empty())
      timingOut["reference"]["cuda_graph_error"] = graphErr;
    refGraph.reset();
    phases["time_reference_ms"] = msSince(t0);
    timingOut["reference"]["tf32"] = referenceTf32;
  }
  json kernels = json::object();
  std::string kernelsErr;
  if (profile) {
    auto t0 = Clock::now();
    json k = profileReference(ref, refTimingIn, kernelsErr);
    if (kernelsErr.empty())
      kernels["reference"] = k;
    phases["profile_reference_ms"] = msSince(t0);
  }
  tf32On.reset(); // the candidate's calls and checks run under the process's own flags

  if (refOnly) {
    // Each seed's reference output is checked against the signature.
    for (size_t si = 1; si < seeds.size(); ++si) {
      fillPristine(pristine, inSpecs, seeds[si]);
      yardstick();
    }
    reply["verify"] = {{"seeds", seeds}, {"runs_per_seed", 0}, {"atol", atol},
                       {"rtol", rtol},   {"reference_only", true}, {"nondeterministic", false}};
    describeYardstick();
    reply["max_abs_err"] = 0;
    reply["max_rel_err"] = 0;
    if (timed)
      reply["timing"] = timingOut;
    if (profile) {
      if (kernelsErr.empty())
        reply["kernels"] = kernels;
      else
        reply["kernels_error"] = kernelsErr;
    }
    return phases;
  }

  // ---- candidate: buffers, runner set-up, calibration, load
  auto setupStart = Clock::now();
  auto allocate = [&](const TensorSpec &sp) {
    try {
      return SharedBuffer::make(sp);
    } catch (const Failure &) {
      if (g.graveyard.empty())
        throw;
      collectGraveyard(g, /*force=*/true); // earlier requests' buffers, then once more
      return SharedBuffer::make(sp);
    }
  };
  for (auto &sp : inSpecs)
    s.ins.push_back(allocate(sp));
  for (auto &sp : outSpecs)
    s.outs.push_back(allocate(sp));
  json mapMsg = {{"op", "map"}, {"inputs", json::array()}, {"outputs", json::array()},
                 {"l2_flush_bytes", g.l2Flush ? g.l2FlushBytes : 0}, {"cuda_graph", cudaGraph}};
  for (auto &b : s.ins)
    mapMsg["inputs"].push_back(b.desc().toJson());
  for (auto &b : s.outs)
    mapMsg["outputs"].push_back(b.desc().toJson());
  cudaError_t se = cudaDeviceSynchronize(); // canaries written before the runner maps them
  if (se != cudaSuccess)
    throw Failure{"runtime_error", "setup", "preparing the buffers: " + cudaErr(se)};
  // The mapping comes before any candidate code: a runner stuck here (seen on
  // the H100 with six workers at once: 30 s each, holding the GPU lock every
  // search waits for) is a worker-side stall, not the candidate's timeout. It
  // gets a short deadline of its own; the stuck runner is killed and a fresh one
  // maps the buffers (kMapAttempts in all), and only then is it an error that
  // says so. The reply's phases count the retries (map_retries).
  json mapped;
  for (int attempt = 1;; ++attempt) {
    auto mapStart = Clock::now();
    sendRunner(s, mapMsg, "mapping the buffers");
    const Clock::time_point requestDeadline = s.deadline;
    s.deadline = std::min(requestDeadline, Clock::now() + std::chrono::milliseconds(kMapDeadlineMs));
    try {
      mapped = expectRunner(s, "mapped", "mapping the buffers (CUDA IPC)");
      s.deadline = requestDeadline;
      phases["map_ms"] = msSince(mapStart);
      break;
    } catch (const Failure &f) {
      s.deadline = requestDeadline;
      if (f.status != "timeout" || Clock::now() >= requestDeadline)
        throw;
      if (attempt >= kMapAttempts)
        throw Failure{"runtime_error", "setup",
                      "the runner did not map the buffers (CUDA IPC) within " + std::to_string(kMapDeadlineMs) +
                          " ms, " + std::to_string(attempt) +
                          " runners in turn, before any candidate code ran: a stall on the worker's side, "
                          "not the candidate's; the runners were killed"};
      dbg("runner stuck mapping the buffers; retrying with a fresh runner");
      // The stuck runner (already SIGKILLed) is reaped later; the buffers stay
      // with this session, whose new runner maps them.
      Retired r;
      r.runner = std::move(s.runner);
      g.graveyard.push_back(std::move(r));
      startSession(g, s);
      phases["map_retries"] = attempt;
    }
  }
  s.l2Flush = mapped.value("l2_flush", false);
  if (mapped.value("cuda_graph", false) != cudaGraph)
    throw Failure{"runtime_error", "setup", "the runner did not confirm CUDA-graph mode"};

  // Null calls: what a call costs without a candidate, seen by the runner (wall
  // around event pair + device sync) and by the verifier (message round trip).
  std::vector<double> nullWall, nullRt;
  int64_t callIndex = 0;
  for (int k = 0; k < kNullCalls; ++k) {
    // The verifier's own GPU work before the call, as before a real call: the
    // GPU then switches contexts (verifier -> runner) inside the round trip,
    // which the runner's events and wall clock never see (~0.2 ms on an H100).
    for (auto &o : s.outs)
      o.poison();
    CallTimes t = callRunner(g, s, callIndex++, true, false, "null call " + std::to_string(k));
    if (k > 0) {
      nullWall.push_back(t.wallMs);
      nullRt.push_back(t.verifierMs);
    }
  }
  const double nullWallMs = median(nullWall), nullRtMs = median(nullRt);
  dbg("null call: runner wall " + fmtMs(nullWallMs) + ", verifier round trip " + fmtMs(nullRtMs));

  // The next request's runner starts now, off this request's critical path.
  if (!g.spare) {
    std::string err;
    g.spare = spawnRunner(g, err);
    if (!g.spare)
      dbg("cannot start the spare runner: " + err);
  }

  json loadMsg = {{"op", "load"}, {"mode", cand.mode}, {"artifact", compiled.artifact}, {"entry", cand.entry},
                  {"launches", json::array()}};
  if (cand.mode == "nvrtc")
    for (const auto &l : cand.launches) {
      runner::LaunchDesc L;
      L.kernel = l.at("kernel").get<std::string>();
      auto dims = [](const json &a, unsigned *out) {
        for (size_t i = 0; i < a.size() && i < 3; ++i)
          out[i] = a[i].get<unsigned>();
      };
      dims(l.at("grid"), L.grid);
      dims(l.at("block"), L.block);
      L.smem = l.value("smem", 0u);
      for (const auto &a : l.at("args")) {
        std::string str = a.get<std::string>();
        bool out = str.rfind("out", 0) == 0;
        L.args.emplace_back(out, std::stoi(str.substr(out ? 3 : 2)));
      }
      loadMsg["launches"].push_back(L.toJson());
    }
  sendRunner(s, loadMsg, "loading the candidate");
  json loaded = expectRunner(s, "loaded", "loading the candidate (sandbox, dlopen/cuModuleLoadData, static constructors)");
  s.sandbox = runner::clip(loaded.value("sandbox", ""), 1024);
  phases["load_ms"] = msSince(setupStart);

  // ---- calls: every one with fresh inputs, poisoned outputs, and checked.
  auto verifyStart = Clock::now();
  double maxAbs = 0, maxRel = 0;
  // Per output, over the verification seeds (the report's error per output).
  std::vector<double> maxAbsPerOutput(outSpecs.size(), 0.0);
  bool nondeterministic = false;
  std::vector<double> events, walls, verifierWalls; // calls after the first, profile call excluded
  int calls = 0;
  json kernelsCand;
  std::string kernelsCandErr;
  std::vector<at::Tensor> expD, snap;
  auto prepareReference = [&] {
    expD.clear();
    for (auto &r : refOut)
      expD.push_back(r.to(at::kDouble));
  };
  auto loadBuffers = [&] {
    for (auto &o : s.outs)
      o.poison(); // NaN (integers 0xA5): an output not written cannot pass
    for (size_t i = 0; i < s.ins.size(); ++i)
      s.ins[i].view.copy_(pristine[i]);
  };
  // Returns after a clean check, throws the failure otherwise.
  double verifyCallsMs = 0, verifyChecksMs = 0, verifyYardstickMs = 0; // where verify_ms goes
  auto runChecked = [&](bool profileCall, const std::string &where, const json &extra, bool exact) {
    auto callStart = Clock::now();
    CallTimes t = callRunner(g, s, callIndex++, false, profileCall, where);
    auto checkStart = Clock::now();
    verifyCallsMs += std::chrono::duration<double, std::milli>(checkStart - callStart).count();
    struct AddOnExit {
      double &to;
      Clock::time_point from;
      ~AddOnExit() { to += msSince(from); }
    } checkTime{verifyChecksMs, checkStart};
    ++calls;
    at::Tensor bad = at::zeros({}, at::TensorOptions().dtype(at::kBool).device(at::kCUDA, 0));
    for (auto *side : {&s.ins, &s.outs})
      for (auto &b : *side)
        bad.logical_or_(b.canaryBad());
    for (size_t i = 0; i < s.ins.size(); ++i)
      bad.logical_or_(s.ins[i].view.ne(pristine[i]).any());
    for (size_t k = 0; k < s.outs.size(); ++k)
      bad.logical_or_(at::isclose(s.outs[k].view.to(at::kDouble), expD[k], rtolChecked, atolOut[k], /*equal_nan=*/true)
                          .logical_not()
                          .any());
    if (bad.item<bool>() || exact) {
      json ex = extra;
      ex["reference_tf32"] = reference.tf32.any();
      diagnoseCall(s, pristine, refOut, atolOut, noise, rtolChecked, tf32Bound, where, ex, maxAbs, maxRel,
                   maxAbsPerOutput);
      if (bad.item<bool>())
        // Only possible when the buffers changed between the two reads: the
        // candidate was still running after the runner claimed it was done.
        throw Failure{"incorrect", "verify",
                      "the outputs or inputs changed while the verifier read them: the candidate was still "
                      "writing after its runner answered done (" + where + ")"};
    }
    if (profileCall) {
      kernelsCand = t.done.kernels;
      kernelsCandErr = t.done.kernelsError;
    } else if (calls > 1) {
      events.push_back(t.eventMs);
      walls.push_back(t.wallMs);
      verifierWalls.push_back(t.verifierMs);
    }
  };

  for (size_t si = 0; si < seeds.size(); ++si) {
    uint64_t seed = seeds[si];
    if (si > 0) {
      auto t0 = Clock::now();
      fillPristine(pristine, inSpecs, seed);
      yardstick();
      verifyYardstickMs += msSince(t0);
    }
    prepareReference();
    // Twice per seed: races and nondeterminism show up as a difference.
    for (int run = 0; run < 2; ++run) {
      loadBuffers();
      std::string where = "seed " + std::to_string(seed) + ", run " + std::to_string(run + 1);
      runChecked(false, where, {{"seed", seed}, {"run", run + 1}}, true);
      if (run == 0) {
        snap.clear();
        for (auto &o : s.outs)
          snap.push_back(o.view.clone());
      } else {
        for (size_t k = 0; k < s.outs.size(); ++k)
          if (!at::equal(snap[k], s.outs[k].view))
            nondeterministic = true;
      }
    }
  }
  phases["verify_ms"] = msSince(verifyStart);
  phases["verify_calls_ms"] = verifyCallsMs;
  phases["verify_checks_ms"] = verifyChecksMs;
  phases["verify_yardstick_ms"] = verifyYardstickMs;

  // Timed calls: fresh random inputs the candidate cannot predict, each checked.
  std::random_device rd;
  if (timed) {
    auto t0 = Clock::now();
    double budget = std::clamp(timing.value("budget_ms", 100.0), 0.0, 60000.0);
    int minReps = std::clamp(timing.value("min_reps", 10), 1, 100000);
    int maxReps = std::clamp(timing.value("max_reps", 1000), minReps, 100000);
    int reps = runner::plannedTimedCalls(events.empty() ? 1.0 : median(events), budget, minReps, maxReps, calls,
                                         profile, kMaxCalls);
    // Stop early once min_reps are in and the phase has used its share of the
    // deadline or several times its budget (per-call checking costs host time).
    double wallCap = std::min(2 * budget + 20, 0.4 * s.deadlineMs);
    for (int r = 0; r < reps; ++r) {
      if (r >= minReps && msSince(t0) > wallCap)
        break;
      uint64_t seed = (static_cast<uint64_t>(rd()) << 32) | rd();
      fillPristine(pristine, inSpecs, seed);
      yardstick();
      prepareReference();
      loadBuffers();
      runChecked(false, "timed call " + std::to_string(r + 1) + " (random inputs)", {{"seed", seed}, {"run", 1}},
                 false);
    }
    phases["time_ms"] = msSince(t0);
  } else {
    // Without timing, still two calls on inputs nobody can know in advance: the
    // request's seeds are public, so outputs precomputed for them must not pass.
    for (int r = 0; r < 2; ++r) {
      uint64_t seed = (static_cast<uint64_t>(rd()) << 32) | rd();
      fillPristine(pristine, inSpecs, seed);
      yardstick();
      prepareReference();
      loadBuffers();
      runChecked(false, "random-input call " + std::to_string(r + 1), {{"seed", seed}, {"run", 1}}, false);
    }
  }
  if (profile) {
    auto t0 = Clock::now();
    uint64_t seed = (static_cast<uint64_t>(rd()) << 32) | rd();
    fillPristine(pristine, inSpecs, seed);
    yardstick();
    prepareReference();
    loadBuffers();
    runChecked(true, "profiled call (random inputs)", {{"seed", seed}, {"run", 1}}, false);
    phases["profile_ms"] = msSince(t0);
  }

  // ---- work outside the timed stream / forged answers
  json candTiming;
  if (events.size() >= 2) {
    std::vector<runner::CallSample> samples;
    for (size_t k = 0; k < events.size(); ++k)
      samples.push_back({events[k], walls[k], verifierWalls[k]});
    if (auto why = runner::judgeTimings(samples, {nullWallMs, nullRtMs}))
      throw Failure{"rejected", "time", *why};
    double wallMed = median(walls);
    std::vector<float> ev32(events.begin(), events.end());
    candTiming = stats(ev32);
    candTiming["warmup"] = 1; // the first call (lazy loading) is checked but not in the statistics
    // In CUDA-graph mode the first call ran the launcher plainly; every later call
    // (each checked) replayed the graph captured at the second.
    candTiming["cuda_graph"] = cudaGraph;
    candTiming["l2_flush"] = s.l2Flush;
    candTiming["checked"] = true;
    candTiming["wall_median_ms"] = wallMed;
    candTiming["null_wall_ms"] = nullWallMs;
    candTiming["verifier_wall_median_ms"] = median(verifierWalls);
    candTiming["null_roundtrip_ms"] = nullRtMs;
  }

  reply["verify"] = {{"seeds", seeds},
                     {"runs_per_seed", 2},
                     {"atol", atol},
                     {"rtol", rtol},
                     {"nondeterministic", nondeterministic},
                     {"checked_calls", calls},
                     {"fresh_inputs_per_call", true}};
  describeYardstick();
  reply["checked_calls"] = calls;
  reply["max_abs_err"] = jsonNumber(maxAbs);
  reply["max_rel_err"] = jsonNumber(maxRel);
  json perOutput = json::array();
  for (double e : maxAbsPerOutput)
    perOutput.push_back(jsonNumber(e));
  reply["max_abs_err_per_output"] = perOutput;
  if (timed) {
    if (!candTiming.is_null())
      timingOut["candidate"] = candTiming;
    reply["timing"] = timingOut;
  }
  if (profile) {
    if (!kernelsErr.empty())
      reply["kernels_error"] = kernelsErr;
    else if (!kernelsCandErr.empty())
      reply["kernels_error"] = "candidate: " + kernelsCandErr;
    if (!kernelsCand.is_null())
      kernels["candidate"] = kernelsCand;
    if (kernelsErr.empty())
      reply["kernels"] = kernels;
  }
  return phases;
}

} // namespace

void setRunnerPreloads(std::vector<std::string> paths) { G().preloads = std::move(paths); }

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
  auto lockStart = Clock::now();
  std::lock_guard<std::mutex> lk(g.gpuMutex);
  FileLock crossProcess(g.lockPath, 0666); // other workers on this GPU wait: no overlapping timings
  const double lockWaitMs = msSince(lockStart); // other workers' GPU phases (the reply's phases.lock_wait_ms)
  Session s;
  s.callIdKey = (static_cast<uint64_t>(std::random_device{}()) << 32) | std::random_device{}();
  s.deadlineMs = req.value("deadline_ms", 30000);
  // The supervisor's watchdog (which restarts this process) fires only if the
  // verifier itself hangs; a hung candidate is the verifier's own timeout.
  markRunning(s.deadlineMs + kSupervisorGraceMs);
  auto t0 = Clock::now();
  s.deadline = t0 + std::chrono::milliseconds(s.deadlineMs);
  cudaSetDevice(0);
  collectGraveyard(g);
  try {
    json phases = evaluateLocked(g, s, req, cand, compiled, reply);
    reply["status"] = "ok";
    reply["log"] = "";
    phases["lock_wait_ms"] = lockWaitMs;
    reply["phases"] = phases;
    if (!s.preload.is_null())
      reply["runner_preload"] = s.preload;
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
  if (s.runner) {
    reply["candidate_output"] = runner::redactEnvironmentValues(s.runner->output(), environ);
    reply["sandbox"] = {{"process", "pike-runner pid " + std::to_string(s.runner->pid()) +
                                        ", fresh for this request, own process group, fds 0-3 only, "
                                        "environment allow-list, killed after the request"},
                        {"seccomp", s.sandbox.empty() ? "not reached" : s.sandbox}};
    if (!s.runner->exited())
      s.runner->kill();
  }
  retireSession(g, s);
  // The candidate ran in another context: an error left in ours comes from the
  // verifier's own work (reference, checks). Sticky ones need a fresh process.
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
