// Candidate compilation: NVRTC (device-only kernels -> cubin) and nvcc (host
// launcher with the C ABI -> .so), behind a content-addressed on-disk cache keyed
// by source, flags, arch, mode and compiler version. No CUDA context needed, so
// the "compile" op works on hosts without a GPU.
#ifndef PIKE_WORKER_COMPILER_H
#define PIKE_WORKER_COMPILER_H

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

private:
  CompileOutcome compileNvrtc(const CandidateSpec &c, const std::string &arch,
                              const std::string &out);
  CompileOutcome compileNvcc(const CandidateSpec &c, const std::string &arch,
                             const std::string &out, int timeoutMs);
  std::string cacheDir_, nvcc_, cudaInclude_, includeDir_;
  std::mutex versionMu_;
  std::string nvccVersion_;
};

/// Runs argv in cwd with stdout+stderr captured; kills its process group past
/// timeoutMs. Returns the exit code (-1 when killed/unstartable).
int runProcess(const std::vector<std::string> &argv, const std::string &cwd, int timeoutMs,
               std::string &output, bool &timedOut);

/// "sm_90a" for compute capability 9.0 (so wgmma/setmaxnreg are available), "sm_XY" otherwise.
std::string archForCapability(int major, int minor);

} // namespace pike::worker

#endif
