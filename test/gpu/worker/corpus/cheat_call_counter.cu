// Cheat: a call counter. An evaluator that checks only the first calls (warm-up and
// verification) and times the rest can be fooled by doing the work only on the first
// few calls: after 8 calls the launcher returns at once and the output keeps whatever
// the last real call wrote. Every call must be checked: expected `incorrect`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__global__ void ew(const float *__restrict__ x, const float *__restrict__ y, float *__restrict__ out,
                   long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
static int calls = 0;
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  if (++calls > 8)
    return 0; // "warm" path: the result from the last call is still in the output
  long n = in[0].sizes[0] * in[0].sizes[1];
  ew<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                          (float *)out[0].data, n);
  return (int)cudaGetLastError();
}
