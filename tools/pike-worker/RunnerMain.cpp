// pike-runner: runs one candidate for one evaluate request, then dies (the
// verifier SIGKILLs its process group). Started by the verifier (RunnerProcess)
// with the control channel on fd 3; speaks RunnerProtocol.h. It initialises CUDA
// first (while it waits as the verifier's spare), maps the request's input and
// output buffers through CUDA IPC, calibrates a null call, installs the sandbox,
// and only then loads candidate code (dlopen runs static constructors). From that
// moment everything in this process is the candidate's: the verifier trusts none
// of its messages beyond what it can check. CUDA runtime and driver only, no
// LibTorch, so it starts in a fraction of a second.
#include "Cupti.h"
#include "RunnerProtocol.h"
#include "Sandbox.h"
#include "pike/Runtime/KernelABI.h"
#include "pike/WorkerClient/LineIO.h"

#include <cstdint>
#include <cuda.h>
#include <cuda_runtime.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace pike::worker;
using namespace pike::worker::runner;

bool gDebug = false;
// TEST-ONLY: the worker passes --test-stall-map (PIKE_WORKER_TEST_OPS=1 and
// PIKE_WORKER_TEST_STALL_MAP=1, first runner only) so the GPU suite can check
// that a runner stuck in the buffer mapping is replaced and the request retried.
bool gTestStallMap = false;

void debug(const std::string &what) {
  if (gDebug)
    std::fprintf(stderr, "[pike-runner %d] %s\n", static_cast<int>(::getpid()), what.c_str());
}

std::string cudaErr(cudaError_t e) { return std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")"; }

double msBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// libcuda is opened at run time like in the verifier: the runner must start (and
// answer ping) on hosts without a driver.
struct Driver {
  decltype(&cuModuleLoadData) moduleLoadData = nullptr;
  decltype(&cuModuleGetFunction) moduleGetFunction = nullptr;
  decltype(&cuLaunchKernel) launchKernel = nullptr;
  decltype(&cuFuncSetAttribute) funcSetAttribute = nullptr;
  decltype(&cuGetErrorName) getErrorName = nullptr;

  std::string load() {
    void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!h)
      return std::string("cannot open libcuda.so.1: ") + dlerror();
    auto sym = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
      return fn != nullptr;
    };
    if (!sym(moduleLoadData, "cuModuleLoadData") || !sym(moduleGetFunction, "cuModuleGetFunction") ||
        !sym(launchKernel, "cuLaunchKernel") || !sym(funcSetAttribute, "cuFuncSetAttribute") ||
        !sym(getErrorName, "cuGetErrorName"))
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

struct Mapped {
  BufferDesc desc;
  void *base = nullptr;
  char *data = nullptr;
};

struct Launch {
  LaunchDesc desc;
  CUfunction fn = nullptr;
};

class Runner {
public:
  Runner(bool allowUnsandboxed, bool landlock) : allowUnsandboxed_(allowUnsandboxed), landlock_(landlock) {}

  void initCuda() {
    auto t0 = Clock::now();
    if (std::string e = drv_.load(); !e.empty()) {
      cudaStatus_ = e;
      return;
    }
    cudaError_t e = cudaSetDevice(0);
    if (e == cudaSuccess)
      e = cudaFree(nullptr); // creates the primary context now, while the runner is a spare
    if (e == cudaSuccess)
      // A blocking stream: work a launcher puts on the legacy default stream is
      // ordered before our e1, so it is timed, not hidden (bad_wrong_stream ran at
      // 0.47x of the honest time on the H100 with a non-blocking stream).
      e = cudaStreamCreate(&stream_);
    if (e == cudaSuccess)
      e = cudaEventCreate(&e0_);
    if (e == cudaSuccess)
      e = cudaEventCreate(&e1_);
    cudaStatus_ = e == cudaSuccess ? "ok" : cudaErr(e);
    debug("CUDA init " + cudaStatus_ + " in " + std::to_string(msBetween(t0, Clock::now())) + " ms");
  }

  // The libraries nvcc candidates link (cuBLAS, cuDNN and its sub-libraries),
  // loaded while this runner waits as the spare: a candidate's dlopen and its
  // first cuDNN call then find them loaded instead of mapping and relocating
  // them inside the GPU phase every worker waits for. The paths come from the
  // verifier's own configuration (Compiler::runnerPreloads), never a client, and
  // load before the sandbox and before any candidate code. A library that does
  // not load is only reported: the candidate then loads it itself, as before.
  void preload(const std::vector<std::string> &paths) {
    if (paths.empty())
      return;
    auto t0 = Clock::now();
    json loaded = json::array(), errors = json::array();
    for (const auto &p : paths) {
      if (::dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL))
        loaded.push_back(p);
      else
        errors.push_back(clip(p + ": " + dlerror(), 300));
    }
    preload_ = {{"loaded", loaded}, {"errors", errors}, {"ms", msBetween(t0, Clock::now())}};
    debug("preloaded " + std::to_string(loaded.size()) + " of " + std::to_string(paths.size()) + " libraries in " +
          std::to_string(preload_["ms"].get<double>()) + " ms");
  }

  void serve() {
    json hello = {{"msg", "hello"}, {"pid", static_cast<int>(::getpid())}, {"cuda", cudaStatus_}};
    if (!preload_.is_null())
      hello["preload"] = preload_;
    send(hello);
    LineReader reader(kChannelFd, kMaxMessageBytes);
    std::string line;
    while (reader.next(line)) {
      json m;
      if (auto v = parseLine(line, m)) {
        fail("protocol", "bad_message", *v);
        continue;
      }
      std::string op = m.value("op", "");
      debug("op " + op);
      if (op == "ping")
        ping();
      else if (op == "say")
        say(m);
      else if (op == "map")
        map(m);
      else if (op == "null")
        call(m, false);
      else if (op == "load")
        load(m);
      else if (op == "run")
        call(m, true);
      else
        fail("protocol", "unknown_op", "unknown op '" + clip(op, 40) + "'");
    }
    ::_exit(0); // the verifier closed the channel
  }

private:
  void send(const json &m) { writeLine(kChannelFd, m.dump(-1, ' ', false, json::error_handler_t::replace)); }
  void fail(const std::string &stage, const std::string &kind, const std::string &detail) {
    debug("error " + stage + "/" + kind + ": " + detail);
    send({{"msg", "error"}, {"stage", stage}, {"kind", kind}, {"detail", detail}});
  }

  // Process hygiene, observable from the verifier's tests.
  void ping() {
    json fds = json::array();
    if (DIR *d = ::opendir("/proc/self/fd")) {
      int self = ::dirfd(d);
      while (dirent *e = ::readdir(d)) {
        if (e->d_name[0] == '.')
          continue;
        int fd = std::atoi(e->d_name);
        if (fd != self)
          fds.push_back(fd);
      }
      ::closedir(d);
    }
    json env = json::array();
    for (char **e = environ; e && *e; ++e)
      env.push_back(std::string(*e).substr(0, std::string(*e).find('=')));
    char target[256] = {0};
    ssize_t n = ::readlink("/proc/self/fd/0", target, sizeof target - 1);
    send({{"msg", "pong"},
          {"pid", static_cast<int>(::getpid())},
          {"pgid", static_cast<int>(::getpgrp())},
          {"fds", fds},
          {"env", env},
          {"stdin", n > 0 ? std::string(target, static_cast<size_t>(n)) : ""},
          {"cuda", cudaStatus_},
          {"preload", preload_}});
  }

  void say(const json &m) {
    std::string t = m.value("text", "");
    std::fwrite(t.data(), 1, t.size(), stdout);
    std::fflush(stdout);
    std::fwrite(t.data(), 1, t.size(), stderr);
    send({{"msg", "said"}});
  }

  void map(const json &m) {
    if (cudaStatus_ != "ok")
      return fail("map", "no_cuda", "no CUDA device: " + cudaStatus_);
    if (mapped_)
      return fail("map", "protocol", "buffers are already mapped");
    if (gTestStallMap)
      ::sleep(120); // killed by the worker's map deadline long before this ends
    for (const char *side : {"inputs", "outputs"}) {
      if (!m.contains(side) || !m[side].is_array())
        return fail("map", "protocol", std::string("map without ") + side);
      for (const auto &b : m[side]) {
        Mapped mp;
        if (auto v = parseBuffer(b, mp.desc))
          return fail("map", "protocol", *v);
        cudaIpcMemHandle_t h;
        if (!fromHex(mp.desc.handle, &h, sizeof h))
          return fail("map", "protocol", "bad IPC handle");
        cudaError_t e = cudaIpcOpenMemHandle(&mp.base, h, cudaIpcMemLazyEnablePeerAccess);
        if (e != cudaSuccess)
          return fail("map", "ipc", "cudaIpcOpenMemHandle: " + cudaErr(e));
        mp.data = static_cast<char *>(mp.base) + mp.desc.offset;
        (std::string(side) == "inputs" ? ins_ : outs_).push_back(mp);
      }
    }
    size_t flush = std::min<uint64_t>(m.value("l2_flush_bytes", uint64_t(0)), uint64_t(1) << 30);
    if (flush) {
      if (cudaMalloc(&flush_, flush) == cudaSuccess)
        flushBytes_ = flush;
      else
        cudaGetLastError();
    }
    // CUDA-graph mode: every candidate call after the first replays one graph
    // captured from the launcher (as a package runs it), and the null calls
    // launch an empty graph, so the calibration pays the same launch.
    graphMode_ = m.value("cuda_graph", false);
    if (graphMode_) {
      cudaGraph_t empty = nullptr;
      cudaError_t e = cudaGraphCreate(&empty, 0);
      if (e == cudaSuccess)
        e = cudaGraphInstantiate(&nullExec_, empty, 0);
      if (empty)
        cudaGraphDestroy(empty);
      if (e != cudaSuccess)
        return fail("map", "cuda_graph", "an empty CUDA graph cannot be instantiated: " + cudaErr(e));
    }
    mapped_ = true;
    send({{"msg", "mapped"}, {"l2_flush", flushBytes_ > 0}, {"cuda_graph", graphMode_}});
  }

  void load(const json &m) {
    if (!mapped_)
      return fail("load", "protocol", "load before map");
    if (loaded_)
      return fail("load", "protocol", "a candidate is already loaded");
    std::string mode = m.value("mode", ""), artifact = m.value("artifact", "");
    // Fixed order: the sandbox goes on before any candidate code can run.
    sandbox::Report sb = sandbox::install(landlock_);
    if (!sb.ok && !allowUnsandboxed_)
      return fail("sandbox", "sandbox", sb.error);
    sandbox_ = sb.ok ? sb.applied : "none (" + sb.error + "; allowed by PIKE_WORKER_ALLOW_UNSANDBOXED)";
    debug("sandbox: " + sandbox_);
    if (mode == "nvrtc") {
      std::ifstream f(artifact, std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      std::string cubin = ss.str();
      if (cubin.empty())
        return fail("load", "load", "cannot read the cubin " + artifact);
      CUmodule mod = nullptr;
      CUresult r = drv_.moduleLoadData(&mod, cubin.data());
      if (r != CUDA_SUCCESS)
        return fail("load", "load", "cuModuleLoadData: " + drv_.err(r));
      std::map<std::string, CUfunction> fns;
      for (const auto &lj : m.value("launches", json::array())) {
        Launch L;
        if (auto v = parseLaunch(lj, ins_.size(), outs_.size(), L.desc))
          return fail("load", "protocol", *v);
        if (!fns.count(L.desc.kernel)) {
          CUfunction fn;
          r = drv_.moduleGetFunction(&fn, mod, L.desc.kernel.c_str());
          if (r != CUDA_SUCCESS)
            return fail("load", "missing_kernel",
                        "kernel '" + L.desc.kernel + "' is not in the compiled module (" + drv_.err(r) +
                            "); declare it extern \"C\" __global__");
          fns[L.desc.kernel] = fn;
        }
        L.fn = fns[L.desc.kernel];
        if (L.desc.smem > 48 * 1024) {
          r = drv_.funcSetAttribute(L.fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                    static_cast<int>(L.desc.smem));
          if (r != CUDA_SUCCESS)
            return fail("load", "load",
                        "cannot allow " + std::to_string(L.desc.smem) + " bytes of dynamic shared memory for '" +
                            L.desc.kernel + "': " + drv_.err(r));
        }
        launches_.push_back(L);
      }
      nvrtc_ = true;
    } else if (mode == "nvcc") {
      void *lib = dlopen(artifact.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!lib)
        return fail("load", "load", std::string("dlopen: ") + dlerror());
      std::string entry = m.value("entry", "pike_entry");
      entry_ = reinterpret_cast<PikeKernelEntry>(dlsym(lib, entry.c_str()));
      if (!entry_)
        return fail("load", "missing_entry",
                    "entry symbol '" + entry + "' is not exported by the library; declare it extern \"C\"");
      nvrtc_ = false;
    } else {
      return fail("load", "protocol", "unknown mode '" + clip(mode, 20) + "'");
    }
    loaded_ = true;
    send({{"msg", "loaded"}, {"sandbox", sandbox_}});
  }

  // Enqueues the candidate on stream_. Returns "" or the error; sets `rewrote`.
  std::string launchCandidate(std::string &rewrote) {
    if (nvrtc_) {
      for (auto &L : launches_) {
        std::vector<CUdeviceptr> ptrs;
        for (auto &[isOut, k] : L.desc.args)
          ptrs.push_back(reinterpret_cast<CUdeviceptr>((isOut ? outs_ : ins_)[k].data));
        std::vector<void *> params;
        for (auto &p : ptrs)
          params.push_back(&p);
        CUresult r = drv_.launchKernel(L.fn, L.desc.grid[0], L.desc.grid[1], L.desc.grid[2], L.desc.block[0],
                                       L.desc.block[1], L.desc.block[2], L.desc.smem,
                                       reinterpret_cast<CUstream>(stream_), params.data(), nullptr);
        if (r != CUDA_SUCCESS)
          return "cuLaunchKernel(" + L.desc.kernel + "): " + drv_.err(r);
      }
      return "";
    }
    auto ref = [](const Mapped &t) {
      PikeTensorRef r{};
      r.data = t.data;
      r.dtype = t.desc.dtype;
      r.ndim = static_cast<int32_t>(t.desc.shape.size());
      for (size_t i = 0; i < t.desc.shape.size() && i < PIKE_MAX_DIMS; ++i)
        r.sizes[i] = t.desc.shape[i];
      return r;
    };
    std::vector<PikeTensorRef> inRefs, outRefs;
    for (auto &t : ins_)
      inRefs.push_back(ref(t));
    for (auto &t : outs_)
      outRefs.push_back(ref(t));
    std::vector<PikeTensorRef> outOrig = outRefs;
    int rc = entry_(inRefs.data(), static_cast<int32_t>(inRefs.size()), outRefs.data(),
                    static_cast<int32_t>(outRefs.size()), reinterpret_cast<CUstream_st *>(stream_));
    for (size_t i = 0; i < outRefs.size() && rewrote.empty(); ++i)
      if (std::memcmp(&outRefs[i], &outOrig[i], sizeof(PikeTensorRef)) != 0) {
        rewrote = "the launcher rewrote outputs[" + std::to_string(i) + "]";
        for (size_t k = 0; k < inRefs.size(); ++k)
          if (outRefs[i].data == inRefs[k].data)
            rewrote += " to alias inputs[" + std::to_string(k) + "]";
        rewrote += "; outputs belong to the caller";
      }
    if (rc != 0)
      return "entry returned " + std::to_string(rc) +
             (rc > 0 ? std::string(" (") + cudaGetErrorName(static_cast<cudaError_t>(rc)) + ")" : "");
    return "";
  }

  // CUDA-graph mode, at the second candidate call (the first ran the launcher
  // plainly: its lazy set-up -- handles, workspaces, algorithm searches -- may
  // synchronise, which a capture forbids): captures one launcher call on our
  // stream in global mode, so work on any other stream not joined back, a
  // synchronisation or an allocation inside the call fails the capture.
  std::string captureCandidate(std::string &rewrote) {
    cudaError_t e = cudaStreamBeginCapture(stream_, cudaStreamCaptureModeGlobal);
    if (e != cudaSuccess)
      return "CUDA graph capture cannot begin: " + cudaErr(e);
    std::string err = launchCandidate(rewrote);
    cudaGraph_t graph = nullptr;
    cudaError_t end = cudaStreamEndCapture(stream_, &graph);
    if (err.empty() && end != cudaSuccess)
      err = "the launcher cannot be captured in a CUDA graph (a package runs it in one): " + cudaErr(end);
    if (err.empty() && graph) {
      cudaError_t inst = cudaGraphInstantiate(&graphExec_, graph, 0);
      if (inst != cudaSuccess)
        err = "the captured CUDA graph cannot be instantiated: " + cudaErr(inst);
    }
    if (graph)
      cudaGraphDestroy(graph);
    cudaGetLastError();
    if (!err.empty())
      graphExec_ = nullptr;
    return err;
  }

  // One call: L2 flush (finished before the clock starts), event pair around the
  // candidate on our stream, then a FULL device synchronisation, so work the
  // launcher left on any stream of this process is inside the wall time.
  void call(const json &m, bool candidate) {
    if (!mapped_ || (candidate && !loaded_))
      return fail("run", "protocol", candidate ? "run before load" : "null before map");
    if (!m.contains("i") || !m["i"].is_number_integer())
      return fail("run", "protocol", "call without an index");
    int64_t i = m["i"].get<int64_t>();
    bool profile = candidate && m.value("profile", false);
    std::string err, rewrote;
    if (flush_)
      cudaMemsetAsync(flush_, static_cast<int>(i & 0xff), flushBytes_, stream_);
    cudaStreamSynchronize(stream_);
    const bool replay = graphMode_ && (candidate ? candidateCalls_ > 0 : true);
    if (candidate && replay && !graphExec_)
      err = captureCandidate(rewrote);
    if (candidate)
      ++candidateCalls_;
    std::string cuptiErr;
    bool profiling = profile && cupti::begin(cuptiErr);
    auto t0 = Clock::now();
    cudaEventRecord(e0_, stream_);
    if (!err.empty()) {
      // capture failed: nothing is launched; the error ends the call
    } else if (replay) {
      cudaGraphExec_t exec = candidate ? graphExec_ : nullExec_;
      cudaError_t le = cudaGraphLaunch(exec, stream_);
      if (le != cudaSuccess)
        err = "cudaGraphLaunch: " + cudaErr(le);
    } else if (candidate) {
      err = launchCandidate(rewrote);
    }
    cudaEventRecord(e1_, stream_);
    cudaError_t se = cudaDeviceSynchronize();
    auto t1 = Clock::now();
    if (se == cudaSuccess)
      se = cudaGetLastError();
    if (se != cudaSuccess)
      err += (err.empty() ? "" : "; ") + std::string("kernel failed: ") + cudaErr(se);
    float ev = 0;
    if (se == cudaSuccess && cudaEventElapsedTime(&ev, e0_, e1_) != cudaSuccess) {
      cudaGetLastError();
      ev = 0;
    }
    json reply = {{"msg", "done"}, {"i", i}, {"event_ms", ev}, {"wall_ms", msBetween(t0, t1)},
                  {"err", err},    {"rewrote", rewrote}};
    if (profile) {
      if (profiling) {
        json ks = json::array();
        for (const auto &k : cupti::end())
          if (ks.size() < kMaxKernelRecords)
            ks.push_back({{"name", k.name}, {"ms", k.ms}});
        reply["kernels"] = ks;
      } else {
        reply["kernels_error"] = cuptiErr;
      }
    }
    send(reply);
  }

  bool allowUnsandboxed_, landlock_;
  Driver drv_;
  std::string cudaStatus_ = "not initialised";
  std::string sandbox_;
  json preload_; // null without --preload
  cudaStream_t stream_ = nullptr;
  cudaEvent_t e0_ = nullptr, e1_ = nullptr;
  void *flush_ = nullptr;
  size_t flushBytes_ = 0;
  std::vector<Mapped> ins_, outs_;
  bool mapped_ = false, loaded_ = false, nvrtc_ = true;
  bool graphMode_ = false;
  int64_t candidateCalls_ = 0;
  cudaGraphExec_t graphExec_ = nullptr, nullExec_ = nullptr;
  std::vector<Launch> launches_;
  PikeKernelEntry entry_ = nullptr;
};

} // namespace

int main(int argc, char **argv) {
  long parent = -1;
  bool allowUnsandboxed = false, landlock = true;
  std::vector<std::string> preloads;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--parent" && i + 1 < argc)
      parent = std::atol(argv[++i]);
    else if (a == "--debug")
      gDebug = true;
    else if (a == "--allow-unsandboxed")
      allowUnsandboxed = true;
    else if (a == "--no-landlock")
      landlock = false;
    else if (a == "--preload" && i + 1 < argc)
      preloads.push_back(argv[++i]);
    else if (a == "--test-stall-map") // TEST-ONLY (PIKE_WORKER_TEST_OPS): a stuck buffer mapping
      gTestStallMap = true;
    else {
      std::fprintf(stderr, "pike-runner: unknown argument '%s' (started by pike-worker only)\n", a.c_str());
      return 64;
    }
  }
  // Nothing but fds 0-3 (the spawner closes the rest too where glibc can).
  ::syscall(SYS_close_range, kChannelFd + 1, ~0U, 0);
  // Dies with the verifier; the check closes the race with a verifier that died
  // before this line.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (parent > 0 && ::getppid() != parent)
    return 70;
  rlimit core{0, 0};
  ::setrlimit(RLIMIT_CORE, &core);
  if (::fcntl(kChannelFd, F_GETFD) < 0) {
    std::fprintf(stderr, "pike-runner: no control channel on fd %d (started by pike-worker only)\n", kChannelFd);
    return 64;
  }
  ignoreSigpipe(); // a verifier gone away shows up as a write error, then EOF
  Runner r(allowUnsandboxed, landlock);
  r.initCuda();
  r.preload(preloads);
  r.serve();
}
