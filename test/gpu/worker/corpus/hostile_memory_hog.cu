// Hostile: on its first call allocates GPU memory in 1 GiB pieces until allocation fails
// and keeps it, starving whatever else uses the GPU (the evaluator's reference and
// checks), then computes the right answer on every call. The evaluator must either
// cope (`ok_honest_time`) or fail this request only (`runtime_error`, out of memory); the
// memory must come back for the next requests (the honest control after it).
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
  static bool hogged = false;
  if (!hogged) {
    hogged = true;
    void *p;
    for (int k = 0; k < 1024 && cudaMalloc(&p, size_t(1) << 30) == cudaSuccess; ++k) {
    }
    cudaGetLastError(); // clear the allocation failure
  }
  long n = in[0].sizes[0] * in[0].sizes[1];
  ew<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                          (float *)out[0].data, n);
  return (int)cudaGetLastError();
}
