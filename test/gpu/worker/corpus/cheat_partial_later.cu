// Cheat: full work on the first calls (the ones an evaluator usually checks), then only
// the first half of the output on later calls: the timed calls look twice as fast and
// the second half keeps the previous call's values. Expected `incorrect`.
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
  long n = in[0].sizes[0] * in[0].sizes[1];
  long todo = ++calls > 8 ? n / 2 : n;
  ew<<<(todo + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                             (float *)out[0].data, todo);
  return (int)cudaGetLastError();
}
