// Hostile: computes the right answer, then sprays garbage (NULs, half JSON, newlines,
// a 64 KiB line) on fds 0 to 9. Whatever the evaluator's channels are, the garbage
// must not crash or confuse it: the worker must answer and stay alive. Expected
// `runtime_error`/`rejected` (control channel violated), or `ok_honest_time` if the
// garbage reached only captured output.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <string.h>
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
  static char big[65536];
  memset(big, '{', sizeof big - 1); // "{{{{...", never closed
  big[sizeof big - 1] = '\n';
  const char junk[] = "\x00\x01\xff{\"protocol\":1,\"id\":\n}}}]]\n\x00garbage\n{\"done\":";
  for (int fd = 0; fd <= 9; ++fd) {
    if (write(fd, junk, sizeof junk) < 0) {
    }
    if (write(fd, big, sizeof big) < 0) {
    }
  }
  return rc;
}
