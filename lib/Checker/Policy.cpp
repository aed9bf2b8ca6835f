#include "Policy.h"

#include "llvm/ADT/StringSet.h"

namespace pike::checker::policy {
namespace {

bool inSet(llvm::StringRef name, std::initializer_list<const char *> names) {
  for (const char *n : names)
    if (name == n)
      return true;
  return false;
}

} // namespace

bool isForbiddenInclude(llvm::StringRef spelled) {
  // The candidate runs behind a C ABI in a process that may not even load torch.
  for (const char *prefix : {"torch/", "ATen/", "c10/", "caffe2/", "pybind11/", "THC/", "THC.h"})
    if (spelled.starts_with(prefix))
      return true;
  return spelled == "Python.h" || spelled == "torch.h" || spelled == "pybind11.h";
}

bool isTimingFunction(llvm::StringRef name) {
  // libcu++'s PTX wrappers: cuda::ptx::get_sreg_clock64(), get_sreg_globaltimer_lo() ...
  if (name.starts_with("get_sreg_clock") || name.starts_with("get_sreg_globaltimer"))
    return true;
  return inSet(name, {// device clocks (clock64 timing cheats), and their NVVM builtins
                      "clock", "clock64", "__globaltimer", "__nvvm_read_ptx_sreg_clock",
                      "__nvvm_read_ptx_sreg_clock64", "__nvvm_read_ptx_sreg_globaltimer",
                      // host clocks
                      "time", "gettimeofday", "clock_gettime", "timespec_get", "ftime", "times",
                      "getrusage", "__rdtsc", "__rdtscp", "__builtin_ia32_rdtsc",
                      "__builtin_ia32_rdtscp", "__builtin_readcyclecounter",
                      "__builtin_readsteadycounter",
                      // event timing
                      "cudaEventElapsedTime", "cudaEventElapsedTime_v2", "cuEventElapsedTime",
                      "cuEventElapsedTime_v2"});
}

bool isAllowedCudaRuntime(llvm::StringRef name) {
  return inSet(name, {
      // errors
      "cudaGetLastError", "cudaPeekAtLastError", "cudaGetErrorString", "cudaGetErrorName",
      // launches (the stream argument is checked separately)
      "cudaLaunchKernel", "cudaLaunchKernelEx", "cudaLaunchKernelExC",
      "cudaLaunchCooperativeKernel",
      // kernel attributes and occupancy queries: no device work
      "cudaFuncSetAttribute", "cudaFuncGetAttributes", "cudaFuncSetCacheConfig",
      "cudaFuncSetSharedMemConfig", "cudaOccupancyMaxActiveBlocksPerMultiprocessor",
      "cudaOccupancyMaxActiveBlocksPerMultiprocessorWithFlags",
      "cudaOccupancyMaxPotentialBlockSize", "cudaOccupancyMaxPotentialBlockSizeVariableSMem",
      "cudaOccupancyMaxPotentialBlockSizeWithFlags",
      "cudaOccupancyMaxPotentialBlockSizeVariableSMemWithFlags",
      "cudaOccupancyAvailableDynamicSMemPerBlock", "cudaOccupancyMaxPotentialClusterSize",
      "cudaOccupancyMaxActiveClusters",
      // device queries
      "cudaGetDevice", "cudaDeviceGetAttribute", "cudaGetDeviceProperties",
      "cudaGetDeviceProperties_v2", "cudaDeviceGetLimit", "cudaPointerGetAttributes",
      "cudaGetSymbolAddress", "cudaGetSymbolSize", "cudaDriverGetVersion",
      "cudaRuntimeGetVersion",
      // stream-ordered memory work
      "cudaMemcpyAsync", "cudaMemcpy2DAsync", "cudaMemcpy3DAsync", "cudaMemcpyToSymbolAsync",
      "cudaMemcpyFromSymbolAsync", "cudaMemsetAsync", "cudaMemset2DAsync", "cudaMemset3DAsync",
      "cudaMallocAsync", "cudaFreeAsync",
      // events and waits on the given stream
      "cudaEventCreate", "cudaEventCreateWithFlags", "cudaEventDestroy", "cudaEventRecord",
      "cudaEventRecordWithFlags", "cudaStreamWaitEvent"});
}

bool isHostSynchronisation(llvm::StringRef name) {
  return inSet(name, {"cudaStreamSynchronize", "cudaEventSynchronize", "cudaStreamQuery",
                      "cudaEventQuery"});
}

bool explainDeniedCudaRuntime(llvm::StringRef name, std::string &rule, std::string &message) {
  if (name.starts_with("cudaStreamCreate") || name == "cuStreamCreate" ||
      name == "cuStreamCreateWithPriority") {
    rule = "stream";
    message = "'" + name.str() +
              "' creates a new stream; all device work must be enqueued on the entry's "
              "'stream'";
    return true;
  }
  if (inSet(name, {"cudaMemcpy", "cudaMemcpy2D", "cudaMemcpy3D", "cudaMemcpyToSymbol",
                   "cudaMemcpyFromSymbol", "cudaMemset", "cudaMemset2D", "cudaMemset3D",
                   "cudaMemcpyPeer", "cudaMemcpy2DToArray", "cudaMemcpyToArray"})) {
    rule = "stream";
    message = "'" + name.str() +
              "' is synchronous and runs on the default stream; use '" + name.str() +
              "Async(..., stream)' with the entry's 'stream'";
    return true;
  }
  if (inSet(name, {"cudaDeviceSynchronize", "cudaThreadSynchronize", "cudaDeviceReset",
                   "cudaSetDevice", "cudaDeviceSetLimit", "cudaDeviceSetCacheConfig",
                   "cudaDeviceSetSharedMemConfig"})) {
    rule = "host-call";
    message = "'" + name.str() +
              "' acts on the whole device; it synchronises or reconfigures work outside the "
              "entry's 'stream' (and hides wrong-stream bugs); enqueue work on 'stream' and "
              "return without synchronising";
    return true;
  }
  if (inSet(name, {"cudaMalloc", "cudaFree", "cudaMallocManaged", "cudaMallocHost",
                   "cudaHostAlloc", "cudaFreeHost", "cudaMallocPitch", "cudaMalloc3D",
                   "cudaMallocArray", "cudaHostRegister"})) {
    rule = "host-call";
    message = "'" + name.str() +
              "' allocates outside stream order (cudaFree synchronises the device); use "
              "cudaMallocAsync/cudaFreeAsync on the entry's 'stream'";
    return true;
  }
  return false;
}

bool explainDeniedLibraryCall(llvm::StringRef name, std::string &rule, std::string &message) {
  // cuBLAS's blocking host<->device copies (the *Async forms take a stream).
  if (inSet(name, {"cublasSetMatrix", "cublasGetMatrix", "cublasSetVector", "cublasGetVector",
                   "cublasSetMatrix_64", "cublasGetMatrix_64", "cublasSetVector_64",
                   "cublasGetVector_64"})) {
    rule = "stream";
    message = "'" + name.str() +
              "' is a synchronous copy outside the entry's 'stream'; use "
              "cudaMemcpyAsync(..., stream) or the cuBLAS *Async form with 'stream'";
    return true;
  }
  return false;
}

bool isAllowedLibraryCall(llvm::StringRef name) {
  // cublasXt drives several GPUs with its own streams and threads.
  if (name.starts_with("cublasXt"))
    return false;
  return name.starts_with("cublas") || name.starts_with("cudnn");
}

bool isMathFunction(llvm::StringRef name) {
  static const llvm::StringSet<> base = {
      "acos", "asin", "atan", "atan2", "cos", "sin", "tan", "acosh", "asinh", "atanh",
      "cosh", "sinh", "tanh", "exp", "exp2", "expm1", "frexp", "ldexp", "log", "log10",
      "log1p", "log2", "logb", "modf", "scalbn", "scalbln", "ilogb", "cbrt", "fabs",
      "hypot", "pow", "sqrt", "erf", "erfc", "lgamma", "tgamma", "ceil", "floor",
      "nearbyint", "rint", "lrint", "llrint", "round", "lround", "llround", "trunc",
      "fmod", "remainder", "remquo", "copysign", "nan", "nextafter", "nexttoward", "fdim",
      "fmax", "fmin", "fma", "isfinite", "isinf", "isnan", "isnormal", "signbit",
      "fpclassify", "abs", "labs", "llabs", "div", "ldiv", "lldiv"};
  if (base.contains(name))
    return true;
  // float and long double variants: sqrtf, sqrtl.
  if (name.size() > 1 && (name.ends_with("f") || name.ends_with("l")))
    return base.contains(name.drop_back());
  return false;
}

bool isAllowedStdFunction(llvm::StringRef name) {
  static const llvm::StringSet<> names = {
      "min", "max", "clamp", "swap", "move", "forward", "min_element", "max_element",
      "minmax", "fill", "fill_n", "copy", "copy_n", "accumulate", "iota", "size", "begin",
      "end", "cbegin", "cend", "data", "get", "make_pair", "make_tuple", "tie", "to_string",
      "memcpy", "memset", "memmove", "memcmp", "exchange", "gcd", "lcm", "all_of", "any_of",
      "none_of", "find", "count", "equal", "reverse", "sort", "transform", "distance",
      "next", "prev", "addressof", "declval", "as_const", "bit_cast", "to_underlying"};
  return names.contains(name);
}

bool isAllowedStdClass(llvm::StringRef name) {
  return inSet(name, {"vector", "array", "pair", "tuple", "basic_string", "initializer_list",
                      "numeric_limits", "reference_wrapper", "integral_constant",
                      "runtime_error", "logic_error", "invalid_argument", "out_of_range",
                      "exception", "allocator", "__normal_iterator", "reverse_iterator",
                      "_Vector_base", "_Tuple_impl", "_Head_base"});
}

bool isAllowedCFunction(llvm::StringRef name) {
  // assert() calls these only on failure.
  return inSet(name, {"memcpy", "memset", "memmove", "memcmp", "strlen", "strcmp",
                      "__assert_fail", "__assert_perror_fail", "__assert"});
}

std::string denyReason(llvm::StringRef name) {
  if (inSet(name, {"malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign",
                   "valloc", "memalign"}))
    return "host heap allocation; size buffers statically or use cudaMallocAsync on the "
           "entry's 'stream'";
  if (inSet(name, {"printf", "fprintf", "puts", "fputs", "putchar", "fopen", "fclose", "fread",
                   "fwrite", "fflush", "fscanf", "scanf", "sprintf", "snprintf", "open",
                   "close", "read", "write", "perror", "mmap", "munmap", "ioctl"}))
    return "file or console I/O; report failures through the entry's return value";
  if (inSet(name, {"system", "popen", "pclose", "fork", "vfork", "execv", "execve", "execvp",
                   "execl", "execlp", "dlopen", "dlsym", "dlclose", "kill", "raise", "signal"}))
    return "spawns processes, loads code or signals; a candidate is one self-contained "
           "translation unit";
  if (inSet(name, {"getenv", "setenv", "unsetenv", "putenv", "secure_getenv"}))
    return "reads or changes the environment; a candidate must behave the same in every "
           "process";
  if (name.starts_with("pthread_") || inSet(name, {"async", "thread", "sleep", "usleep",
                                                   "nanosleep", "sched_yield"}))
    return "threads and sleeps; all work is enqueued on the entry's 'stream' from the "
           "calling thread";
  if (inSet(name, {"exit", "_exit", "_Exit", "abort", "quick_exit", "atexit", "terminate"}))
    return "terminates the process; return a non-zero status from the entry instead";
  if (inSet(name, {"rand", "srand", "random", "srandom", "drand48"}))
    return "host randomness makes results differ between calls";
  return "";
}

} // namespace pike::checker::policy
