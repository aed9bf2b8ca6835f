// out = x * sigmoid(y): host launcher with the pike C ABI.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__global__ void ew(const float *__restrict__ x, const float *__restrict__ y, float *__restrict__ out,
                   long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  if (nin != 2 || nout != 1 || in[0].dtype != PIKE_FLOAT32)
    return -1;
  long n = 1;
  for (int d = 0; d < in[0].ndim; ++d)
    n *= in[0].sizes[d];
  ew<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                          (float *)out[0].data, n);
  return (int)cudaGetLastError();
}
