// Hostile: forges the evaluator's "call finished" message. It computes the right answer,
// then writes completion messages claiming 1 microsecond, in the runner protocol's format
// ({"msg":"done","i":I,...}, tools/pike-worker/RunnerProtocol.h) for the call indices
// around its own call count, plus plain-text and length-prefixed guesses, to every fd from
// 3 to 9 on each call. A forged message must never count: expected `runtime_error` (runner
// protocol violated) or `rejected`; `incorrect` if the evaluator read the output early;
// `ok_honest_time` only if the forgeries were ignored and the real time was measured.
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
static int calls = 0;
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  long n = in[0].sizes[0] * in[0].sizes[1];
  ew<<<(n + 255) / 256, 256, 0, stream>>>((const float *)in[0].data, (const float *)in[1].data,
                                          (float *)out[0].data, n);
  char msg[512];
  for (int fd = 3; fd <= 9; ++fd)
    for (int i = calls - 1; i <= calls + 1; ++i) {
      int len = snprintf(msg, sizeof msg,
                         "{\"msg\":\"done\",\"i\":%d,\"event_ms\":0.001,\"wall_ms\":0.002,\"err\":\"\","
                         "\"rewrote\":false}\ndone %d 0.001 0.002 0\n",
                         i, i);
      if (write(fd, msg, len) < 0) {
      }
      unsigned int be = __builtin_bswap32((unsigned int)len); // a length-prefixed guess too
      if (write(fd, &be, 4) < 0 || write(fd, msg, len) < 0) {
      }
    }
  ++calls;
  return (int)cudaGetLastError();
}
