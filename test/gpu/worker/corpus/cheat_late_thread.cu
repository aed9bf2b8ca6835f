// Cheat: returns at once and lets a host thread launch the real work 2 ms later on a
// private stream, after the timed window (and after any check that happens right after
// the call). Expected `incorrect` (output still poisoned when read, or changing while
// read) or `rejected`.
#include "pike/Runtime/KernelABI.h"
#include <chrono>
#include <cuda_runtime.h>
#include <thread>
__global__ void ew(const float *__restrict__ x, const float *__restrict__ y, float *__restrict__ out,
                   long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  const float *x = (const float *)in[0].data, *y = (const float *)in[1].data;
  float *o = (float *)out[0].data;
  long n = in[0].sizes[0] * in[0].sizes[1];
  std::thread([=] {
    static cudaStream_t side = nullptr;
    if (!side)
      cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ew<<<(n + 255) / 256, 256, 0, side>>>(x, y, o, n);
  }).detach();
  return 0;
}
