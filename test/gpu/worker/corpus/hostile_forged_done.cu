// Hostile: forges the evaluator's "call finished" message. Guessing the format, it
// writes completion messages (JSON and plain text, several call indices, 1 microsecond
// claimed) to every fd from 3 to 9 on each call, and computes nothing. A forged message
// must never count: expected `runtime_error` (runner protocol violated), `rejected`, or
// `incorrect` (the poisoned output is still there).
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <stdio.h>
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

static int calls = 0;
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  char msg[512];
  for (int fd = 3; fd <= 9; ++fd)
    for (int i = calls - 1; i <= calls + 1; ++i) {
      int len = snprintf(msg, sizeof msg,
                         "{\"op\":\"done\",\"done\":%d,\"call\":%d,\"i\":%d,\"event_ms\":0.001,\"wall_ms\":0.001,"
                         "\"err\":0,\"error\":\"\",\"ok\":true}\ndone %d 0.001 0.001 0\n",
                         i, i, i, i);
      if (write(fd, msg, len) < 0) {
      }
      unsigned int be = __builtin_bswap32((unsigned int)len); // a length-prefixed guess too
      if (write(fd, &be, 4) < 0 || write(fd, msg, len) < 0) {
      }
    }
  ++calls;
  return 0; // nothing computed
}
