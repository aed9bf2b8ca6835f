// Honest: two kernels in sequence on the given stream (the first writes sigmoid(y) into
// the output, the second multiplies by x in place). Must be `ok`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__global__ void sigmoid_into(const float *__restrict__ y, float *__restrict__ out, long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = 1.0f / (1.0f + __expf(-y[i]));
}
__global__ void scale_by(const float *__restrict__ x, float *__restrict__ out, long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] *= x[i];
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  if (nin != 2 || nout != 1)
    return -1;
  long n = in[0].sizes[0] * in[0].sizes[1];
  float *o = (float *)out[0].data;
  sigmoid_into<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[1].data, o, n);
  scale_by<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, o, n);
  return (int)cudaGetLastError();
}
