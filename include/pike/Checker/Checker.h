// Static checker for LLM-proposed CUDA candidates (nvcc path, host entry).
//
// A candidate must pass this check before any GPU time is spent on it: the
// source is parsed as CUDA (host side) with Clang and its AST is checked against
// the rules of docs/checker.md. Rejections come back as compiler-style
// diagnostics that the fix agent can act on:
//
//   candidate.cu:12:5: error: [stream] kernel launch without a stream argument ...
//
// The library is MLIR-free and torch-free; it links Clang's LibTooling.
#ifndef PIKE_CHECKER_CHECKER_H
#define PIKE_CHECKER_CHECKER_H

#include <string>
#include <vector>

namespace pike::checker {

// Rule ids, as they appear between brackets in a formatted diagnostic.
inline constexpr const char *kRuleParse = "parse";
inline constexpr const char *kRuleInclude = "include";
inline constexpr const char *kRuleHostCall = "host-call";
inline constexpr const char *kRuleStaticState = "static-state";
inline constexpr const char *kRuleStream = "stream";
inline constexpr const char *kRuleTiming = "timing";
inline constexpr const char *kRuleEntry = "entry";

struct Diagnostic {
  std::string rule;    // one of the kRule* ids
  std::string message;
  unsigned line = 0;   // 1-based; 0 when the problem has no place in the source
  unsigned column = 0; // 1-based
  // Set only for a parse error in a header that no #include of the candidate
  // leads to (the CUDA wrapper Clang pre-includes); empty: the candidate.
  std::string file;
};

struct CheckOptions {
  // "nvcc": a host entry with the C ABI (KernelABI.h). "nvrtc": device-only
  // source whose `extern "C" __global__` kernels pike launches itself; host code
  // in it never runs and is not checked.
  std::string mode = "nvcc";
  // nvrtc: the kernels the launch list names; each must be defined
  // `extern "C" __global__`. Empty: at least one such kernel.
  std::vector<std::string> kernels;
  // nvcc: the symbol pike's loader looks up; a correct entry with another name
  // is renamed to it in CheckResult::rewrittenSource.
  std::string entrySymbol = "pike_entry";
  // Name the candidate gets in diagnostics.
  std::string fileName = "candidate.cu";
  // CUDA toolkit whose headers the candidate is parsed against. Empty: $CUDA_HOME,
  // else $CUDA_PATH, else the toolkit CMake found at build time, else /usr/local/cuda.
  std::string cudaPath;
  // Clang builtin headers (__clang_cuda_*.h, stddef.h); empty: the directory of
  // the Clang this library was built against.
  std::string resourceDir;
  std::string gpuArch = "sm_90";
  // Allow cudaStreamSynchronize / cudaEventSynchronize / cudaStreamQuery /
  // cudaEventQuery on the entry's stream. Off: KernelABI.h forbids synchronisation
  // and the AOT package captures slots into CUDA graphs, where it is illegal.
  bool allowStreamSync = false;
  // Extra -I/-D style arguments for the parse.
  std::vector<std::string> extraArgs;
};

struct CheckResult {
  bool accepted = false;
  std::vector<Diagnostic> diags; // sorted by line, then column
  // The source to compile: the candidate with its entry renamed to
  // CheckOptions::entrySymbol (nvrtc: the source as given). Empty when rejected.
  std::string rewrittenSource;
  double parseSeconds = 0; // wall time of the parse + checks
};

CheckResult checkCandidate(const std::string &source, const CheckOptions &options = {});

// The toolkit an empty CheckOptions::cudaPath stands for.
std::string defaultCudaPath();

// "candidate.cu:12:5: error: [stream] message"
std::string formatDiagnostic(const Diagnostic &d, const std::string &fileName);
// All diagnostics, one per line.
std::string formatDiagnostics(const CheckResult &r, const std::string &fileName);

} // namespace pike::checker

#endif // PIKE_CHECKER_CHECKER_H
