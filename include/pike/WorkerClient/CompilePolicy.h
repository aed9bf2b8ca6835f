// What a candidate's compile may read, which flags a client may pass, and what of
// the compiler's log goes back to the client. The worker applies all three before
// and after every NVRTC/nvcc compile (docs/worker.md, "Threat model"); they live
// here, torch-free, so they are unit-tested on any host.
#ifndef PIKE_WORKERCLIENT_COMPILEPOLICY_H
#define PIKE_WORKERCLIENT_COMPILEPOLICY_H

#include <optional>
#include <string>
#include <vector>

namespace pike::worker {

/// Checks every #include (also #include_next, #import, #embed, and the
/// digraph/trigraph spellings) of `source`, after line splicing and comment removal. Allowed: a
/// literal <name> or "name" (#include only) that is relative, has no ".." component, and names a
/// regular file under one of `includeDirs`. Returns one log line per violation,
/// "include not allowed: FILE(LINE): ...", naming the physical line; empty = ok.
std::vector<std::string> checkIncludes(const std::string &source,
                                       const std::vector<std::string> &includeDirs,
                                       const std::string &fileName = "candidate.cu");

/// Checks client-supplied compiler flags against the allow-list (-lineinfo, fast
/// math, -maxrregcount=N, -std=c++17|c++20, relaxed constexpr, extended lambdas,
/// -DNAME[=VALUE] with a safe charset, -Xptxas -v; nvcc only: -O0..-O3, -lcublas,
/// -lcublasLt, -lcudnn: the worker links its resolved cuDNN, see CudnnLocation.h). Returns "flag not allowed: ..." or nullopt.
std::optional<std::string> checkFlags(const std::vector<std::string> &flags,
                                      const std::string &mode);

/// The CUDA libraries an nvcc candidate is linked against, from the headers it
/// includes (<cublasLt.h> -> cublasLt, <cublas_v2.h>/<cublas.h> -> cublas, <cufft.h> ->
/// cufft, <curand.h> -> curand): the runner that loads it is a CUDA-only process (no
/// LibTorch), so nothing else provides their symbols. Returns "-l..." flags.
std::vector<std::string> linkLibrariesFor(const std::string &source);

/// Keeps only what a client may see of a compiler log: diagnostics about `fileName`
/// (NVRTC/EDG "FILE(LINE): ..." and gcc "FILE:LINE:COL: ..." with their source
/// echo and notes), the compilers' summary lines (error counts, ptxas, nvcc/nvrtc,
/// linker). Anything else, in particular diagnostics about other files (whose
/// text may quote those files), is dropped.
std::string scrubCompileLog(const std::string &log, const std::string &fileName = "candidate.cu");

} // namespace pike::worker

#endif
