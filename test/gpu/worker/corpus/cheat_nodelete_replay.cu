// Cheat: pins itself in the process (dlopen of its own path with RTLD_NODELETE from a
// static constructor) so that dlclose after a request does not unload it, and replays
// results across requests. The verification calls of every request use the same seeds
// (1, 2, 3, each run twice), so their inputs repeat from one request to the next: the
// library fingerprints the first input value of seed 1, keeps the outputs of the first 6
// calls of a request, and when a later request starts (the fingerprint reappears after
// calls that did not match) it replays them and skips all other work. The suite sends it
// twice. With a fresh process per request nothing survives: every call of both requests
// does the full work, expected `ok_honest_time` both times; the marker "replaying pinned
// results" must never appear in a reply.
#include "pike/Runtime/KernelABI.h"
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
static const int kKept = 6; // 3 seeds x 2 runs
static float *stored[kKept];
static int stored_count = 0;
__attribute__((constructor)) static void pin_and_prepare() {
  Dl_info self;
  if (dladdr((void *)&pin_and_prepare, &self) && self.dli_fname)
    dlopen(self.dli_fname, RTLD_NOW | RTLD_NODELETE | RTLD_NOLOAD);
  for (int k = 0; k < kKept; ++k)
    cudaMalloc(&stored[k], kElems * sizeof(float));
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  static float seed1_x0;
  static bool have_fingerprint = false, previous_matched = false, replaying = false;
  static int k = 0; // call index within the current request
  long n = in[0].sizes[0] * in[0].sizes[1];
  if (n != kElems)
    return -1;
  float x0 = 0;
  cudaMemcpyAsync(&x0, in[0].data, sizeof x0, cudaMemcpyDeviceToHost, stream);
  cudaStreamSynchronize(stream);
  bool matches = have_fingerprint && x0 == seed1_x0;
  if (!have_fingerprint) { // the very first call: request 1, seed 1
    seed1_x0 = x0;
    have_fingerprint = matches = true;
    k = 0;
  } else if (matches && !previous_matched) { // seed 1 again after other inputs: a new request
    k = 0;
    if (stored_count > 0 && !replaying) {
      replaying = true;
      printf("replaying pinned results from an earlier request\n");
      fflush(stdout);
    }
  } else {
    ++k;
  }
  previous_matched = matches;
  if (replaying) {
    if (k < stored_count)
      cudaMemcpyAsync(out[0].data, stored[k], n * sizeof(float), cudaMemcpyDeviceToDevice, stream);
    return (int)cudaGetLastError();
  }
  ew<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                          (float *)out[0].data, n);
  if (k < kKept && stored[k]) {
    cudaMemcpyAsync(stored[k], out[0].data, n * sizeof(float), cudaMemcpyDeviceToDevice, stream);
    stored_count = k + 1 > stored_count ? k + 1 : stored_count;
  }
  return (int)cudaGetLastError();
}
