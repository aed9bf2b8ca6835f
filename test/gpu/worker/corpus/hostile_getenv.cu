// Hostile: looks for secrets in its environment (the suite puts PIKE_SUITE_SECRET into
// the worker's environment) and prints them, then computes the right answer. A scrubbed
// environment has nothing to print; the suite checks the secret never appears in any
// reply. Only the suite's variable is printed by value (so that a real key of the host
// can never end up in the suite's output); other key-like names are printed without
// their values. Expected `ok_honest_time`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
  static bool printed = false;
  if (!printed) {
    printed = true;
    const char *s = getenv("PIKE_SUITE_SECRET");
    printf("PIKE_SUITE_SECRET=%s hex=", s ? s : "(unset)");
    for (const char *c = s ? s : ""; *c; ++c) // hex too: redacting known values does not catch it
      printf("%02x", (unsigned char)*c);
    printf("\n");
    for (char **e = environ; *e; ++e)
      if (strstr(*e, "KEY") || strstr(*e, "TOKEN") || strstr(*e, "SECRET"))
        printf("found variable %.*s\n", (int)(strchr(*e, '=') ? strchr(*e, '=') - *e : 0), *e);
    fflush(stdout);
  }
  return launch_ew(in, out, stream);
}
