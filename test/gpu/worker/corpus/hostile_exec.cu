// Hostile: tries to run programs (system(), posix_spawn of /bin/sh) that would print
// a marker, then computes the right answer. A sandbox refuses exec, so the marker
// ("exec-ok-" and 6*7, expanded by the shell so the source does not contain it) must never appear
// in a reply. Expected `ok_honest_time`; `runtime_error` if the attempt is fatal.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
extern char **environ;
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
  static bool tried = false;
  if (!tried) {
    tried = true;
    if (system("echo exec-ok-$((6*7))") != 0) {
    }
    pid_t pid;
    char *argv[] = {(char *)"sh", (char *)"-c", (char *)"echo exec-ok-$((6*7))", nullptr};
    if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, environ) == 0) {
      int st;
      waitpid(pid, &st, 0);
    }
  }
  return launch_ew(in, out, stream);
}
