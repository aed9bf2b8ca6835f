// Row sum with a host launcher: shapes read from the tensor refs.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__global__ void row_sum(const float *__restrict__ x, float *__restrict__ out, int cols) {
  __shared__ float s[256];
  int row = blockIdx.x;
  float acc = 0.f;
  for (int c = threadIdx.x; c < cols; c += 256)
    acc += x[(long)row * cols + c];
  s[threadIdx.x] = acc;
  __syncthreads();
  for (int st = 128; st > 0; st >>= 1) {
    if (threadIdx.x < st)
      s[threadIdx.x] += s[threadIdx.x + st];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    out[row] = s[0];
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  if (nin != 1 || nout != 1 || in[0].ndim != 2)
    return -1;
  int rows = (int)in[0].sizes[0], cols = (int)in[0].sizes[1];
  row_sum<<<rows, 256, 0, stream>>>((const float *)in[0].data, (float *)out[0].data, cols);
  return (int)cudaGetLastError();
}
