// Hostile: computes the right answer, then closes every file descriptor of the process
// (the evaluator's channels, CUDA's device files). The evaluator must notice that the
// candidate's process can no longer answer, and the worker must stay alive. Expected
// `runtime_error` or `timeout`; `rejected` if the damage is reported as a violation;
// `ok_honest_time` if the evaluator's channels survive it.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <unistd.h>
__global__ void ew(const float *__restrict__ x, const float *__restrict__ y, float *__restrict__ out,
                   long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
static int launch_ew(const PikeTensorRef *in, PikeTensorRef *out, cudaStream_t stream) {
  long n = in[0].sizes[0] * in[0].sizes[1];
  ew<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                          (float *)out[0].data, n);
  return (int)cudaGetLastError();
}

extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  int rc = launch_ew(in, out, stream);
  for (int fd = 0; fd < 65536; ++fd)
    close(fd);
  return rc;
}
