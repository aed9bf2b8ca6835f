// Cheat: pins itself in the process (dlopen of its own path with RTLD_NODELETE from a
// static constructor) so that dlclose after a request does not unload it, and keeps the
// outputs of the first 8 calls of a request (the deterministic-seed calls) in device
// buffers. A later request in the same process (a gap of 300 ms between calls marks a new
// request) replays those outputs and skips all other work. The suite sends it twice. With
// a fresh process per request nothing survives: every call of both requests does the
// full work, expected `ok_honest_time` both times; the marker "replaying pinned results"
// must never appear in a reply.
#include "pike/Runtime/KernelABI.h"
#include <chrono>
#include <cuda_runtime.h>
#include <dlfcn.h>
#include <stdio.h>
__global__ void ew(const float *__restrict__ x, const float *__restrict__ y, float *__restrict__ out,
                   long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
static const long kElems = 4096L * 1024;
static float *stored[8];
static int stored_count = 0;
__attribute__((constructor)) static void pin_and_prepare() {
  Dl_info self;
  if (dladdr((void *)&pin_and_prepare, &self) && self.dli_fname)
    dlopen(self.dli_fname, RTLD_NOW | RTLD_NODELETE | RTLD_NOLOAD);
  for (int k = 0; k < 8; ++k)
    cudaMalloc(&stored[k], kElems * sizeof(float));
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  using Clock = std::chrono::steady_clock;
  static Clock::time_point last;
  static bool first = true, replaying = false;
  static int call_in_request = 0;
  Clock::time_point now = Clock::now();
  if (first || now - last > std::chrono::milliseconds(300)) { // a new request
    call_in_request = 0;
    if (!first && stored_count > 0 && !replaying) {
      replaying = true;
      printf("replaying pinned results from an earlier request\n");
      fflush(stdout);
    }
  }
  first = false;
  last = now;
  int k = call_in_request++;
  long n = in[0].sizes[0] * in[0].sizes[1];
  if (n != kElems)
    return -1;
  if (replaying) {
    if (k < stored_count)
      cudaMemcpyAsync(out[0].data, stored[k], n * sizeof(float), cudaMemcpyDeviceToDevice, stream);
    return (int)cudaGetLastError();
  }
  ew<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                          (float *)out[0].data, n);
  if (k < 8 && stored[k]) {
    cudaMemcpyAsync(stored[k], out[0].data, n * sizeof(float), cudaMemcpyDeviceToDevice, stream);
    stored_count = k + 1 > stored_count ? k + 1 : stored_count;
  }
  return (int)cudaGetLastError();
}
