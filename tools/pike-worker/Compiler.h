// Candidate compilation: NVRTC (device-only kernels -> cubin, in the pike-nvrtc
// child) and nvcc (host launcher with the C ABI -> .so), behind a content-addressed
// on-disk cache keyed by source, flags, arch, mode and compiler version. No CUDA
// context needed, so the "compile" op works on hosts without a GPU.
//
// Every compile is sandboxed (docs/worker.md, "Threat model"): the source's
// #includes are checked first (pike/WorkerClient/CompilePolicy.h), the compiler
// runs as a child with a hard timeout, a scrubbed environment and, where the
// kernel has Landlock, file-system reads limited to the toolkit, pike's include
// dir and system directories; its log is scrubbed to the candidate's own
// diagnostics before it goes anywhere.
#ifndef PIKE_WORKER_COMPILER_H
#define PIKE_WORKER_COMPILER_H

#include "pike/WorkerClient/CudnnLocation.h"

#include <nlohmann/json.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pike::worker {

struct CandidateSpec {
  std::string mode;   // "nvrtc" | "nvcc" | "reference" (evaluate only: time the reference alone)
  std::string source;
  std::string entry;  // nvcc: exported C symbol
  std::vector<std::string> flags;
  nlohmann::json launches = nlohmann::json::array(); // nvrtc
};

/// Reads request["candidate"]; returns the reason it is unusable, or nullopt.
std::optional<std::string> parseCandidate(const nlohmann::json &req, CandidateSpec &out);

struct CompileOutcome {
  std::string status = "ok"; // ok | compile_error | timeout
  std::string log;
  nlohmann::json errors = nlohmann::json::array();
  bool cacheHit = false;
  double ms = 0;
  std::string artifact; // path of the cubin / .so
  std::string key;
  std::string arch;
  nlohmann::json sandbox = nlohmann::json::object(); // what confined the compile (reply: compile.sandbox)
  nlohmann::json toJson() const;
};

class Compiler {
public:
  Compiler(std::string cacheDir, std::string nvcc, std::string cudaInclude);
  /// arch: "sm_90a", "sm_80", ... Thread-safe; concurrent compiles of one key
  /// (in this or another process sharing the cache) compile once.
  CompileOutcome compile(const CandidateSpec &c, const std::string &arch, int timeoutMs);
  const std::string &cacheDir() const { return cacheDir_; }
  std::string nvrtcVersion() const;
  std::string nvccVersion();

  const std::string &nvrtcExecutable() const { return nvrtcExe_; }

  /// The libraries nvcc candidates link (cuBLAS/cuBLASLt from the toolkit's
  /// library directory, cuDNN and its sub-libraries from its resolved location),
  /// as paths for pike-runner to load while it waits as the spare
  /// (RunnerMain.cpp, --preload). Empty unless PIKE_WORKER_PRELOAD=1.
  std::vector<std::string> runnerPreloads();

private:
  CompileOutcome compileNvrtc(const CandidateSpec &c, const std::string &arch,
                              const std::string &out, int timeoutMs);
  CompileOutcome compileNvcc(const CandidateSpec &c, const std::string &arch,
                             const std::string &out, int timeoutMs);
  /// Runs one compiler in a fresh temp dir holding candidate.cu; fills log/status/sandbox.
  /// Returns the temp dir ("" on failure), which the caller removes.
  std::string runCompiler(const CandidateSpec &c, std::vector<std::string> argv, int timeoutMs,
                          const char *what, CompileOutcome &out);
  const std::vector<std::string> &hostIncludeDirs();
  /// cuDNN for candidates linked with -lcudnn, resolved once (CudnnLocation.h);
  /// nullopt (and `why`) when there is none.
  const std::optional<CudnnLocation> &cudnn(std::string *why = nullptr);
  bool cudnnResolved_ = false;
  std::optional<CudnnLocation> cudnn_;
  std::string cudnnWhy_;
  std::string cacheDir_, nvcc_, cudaInclude_, includeDir_, nvrtcExe_;
  std::mutex versionMu_;
  std::string nvccVersion_;
  bool hostDirsKnown_ = false;
  std::vector<std::string> hostIncludeDirs_;
};

/// How runProcess confines the child beyond its own process group.
struct ProcessSandbox {
  /// The environment (NAME=VALUE), replacing ours. Empty: compilerEnvironment().
  std::vector<std::string> env;
  /// >= 0: a Landlock ruleset (buildLandlockRuleset) the child applies before exec.
  int landlockFd = -1;
};

/// Runs argv in cwd with stdout+stderr captured; kills its process group past
/// timeoutMs. Returns the exit code (-1 when killed/unstartable). The child
/// always gets a scrubbed environment (sandbox.env or compilerEnvironment()).
int runProcess(const std::vector<std::string> &argv, const std::string &cwd, int timeoutMs,
               std::string &output, bool &timedOut, const ProcessSandbox &sandbox = {});

/// The allow-listed part of this process's environment that compilers need
/// (PATH, HOME, TMPDIR, LD_LIBRARY_PATH, CUDA_PATH/CUDA_HOME/CUDA_ROOT) plus
/// LC_ALL=C; tmpDir, when given, replaces TMPDIR. API keys, tokens and
/// NVCC_PREPEND_FLAGS/NVCC_APPEND_FLAGS never pass.
std::vector<std::string> compilerEnvironment(const std::string &tmpDir = "");

/// "sm_90a" for compute capability 9.0 (so wgmma/setmaxnreg are available), "sm_XY" otherwise.
std::string archForCapability(int major, int minor);

} // namespace pike::worker

#endif
