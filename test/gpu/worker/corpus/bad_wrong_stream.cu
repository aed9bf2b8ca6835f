// Broken: launches on the default stream instead of the one it was given, no sync.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__global__ void ew(const float *x, const float *y, float *out, long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  long n = in[0].sizes[0] * in[0].sizes[1];
  ew<<<(n + 255) / 256, 256>>>((const float *)in[0].data, (const float *)in[1].data,
                               (float *)out[0].data, n);
  return (int)cudaGetLastError();
}
