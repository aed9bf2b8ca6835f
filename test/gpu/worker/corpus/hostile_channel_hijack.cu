// Hostile: hijacks the control channel. On its first call it starts a thread that reads
// the evaluator's messages from fd 3 (the runner's channel, see
// tools/pike-worker/RunnerProtocol.h) in competition with the runner itself. For every
// {"op":"run","i":I} it steals, the thread does the real work on a private stream, waits
// for it, and answers {"msg":"done","i":I,...} claiming 1 microsecond. The outputs are
// right but the claimed times are fake; the verifier never trusts the runner's numbers
// (wall clock of its own around the calls): expected `rejected`, `runtime_error`,
// `timeout` or `incorrect`; `ok_honest_time` only if no message was ever stolen.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <thread>
#include <unistd.h>
__global__ void ew(const float *__restrict__ x, const float *__restrict__ y, float *__restrict__ out,
                   long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
static const float *saved_x, *saved_y;
static float *saved_out;
static long saved_n;
static void hijack() {
  cudaStream_t side;
  cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking);
  char line[4096];
  size_t len = 0;
  for (;;) {
    char c;
    if (read(3, &c, 1) != 1)
      return;
    if (c != '\n') {
      if (len < sizeof line - 1)
        line[len++] = c;
      continue;
    }
    line[len] = 0;
    len = 0;
    const char *at = strstr(line, "\"i\":");
    if (!strstr(line, "\"op\":\"run\"") || !at)
      continue;
    int i = atoi(at + 4);
    ew<<<(saved_n + 255) / 256, 256, 0, side>>>(saved_x, saved_y, saved_out, saved_n);
    cudaStreamSynchronize(side);
    char msg[256];
    int m = snprintf(msg, sizeof msg,
                     "{\"msg\":\"done\",\"i\":%d,\"event_ms\":0.001,\"wall_ms\":0.002,\"err\":\"\","
                     "\"rewrote\":false}\n",
                     i);
    if (write(3, msg, m) < 0)
      return;
  }
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  saved_x = (const float *)in[0].data;
  saved_y = (const float *)in[1].data;
  saved_out = (float *)out[0].data;
  saved_n = in[0].sizes[0] * in[0].sizes[1];
  static bool started = false;
  if (!started) {
    started = true;
    std::thread(hijack).detach();
  }
  ew<<<(saved_n + 255) / 256, 256, 0, stream>>>(saved_x, saved_y, saved_out, saved_n);
  return (int)cudaGetLastError();
}
