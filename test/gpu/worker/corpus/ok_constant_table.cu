// Honest: legitimate static state. A __constant__ table, initialised at compile time,
// holds the coefficients of exp's range reduction (2^(k/8) for k = 0..7); the result
// does not depend on anything kept between calls. Must be `ok`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__constant__ float kPow2Eighths[8] = {1.0f,        1.09050773f, 1.18920712f, 1.29683955f,
                                      1.41421356f, 1.54221083f, 1.68179283f, 1.83400809f};
__device__ float exp_neg(float v) { // e^-v = 2^(-v*log2 e) = 2^i * 2^(k/8) * 2^f
  float t = -v * 1.44269504f;
  float whole = floorf(t * 8.0f);
  float f = t - whole * 0.125f; // in [0, 1/8)
  int w = (int)whole;
  int k = w & 7;
  int i = (w - k) / 8;
  return ldexpf(kPow2Eighths[k] * exp2f(f), i);
}
__global__ void ew(const float *__restrict__ x, const float *__restrict__ y, float *__restrict__ out,
                   long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + exp_neg(y[i]));
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  if (nin != 2 || nout != 1)
    return -1;
  long n = in[0].sizes[0] * in[0].sizes[1];
  ew<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                          (float *)out[0].data, n);
  return (int)cudaGetLastError();
}
