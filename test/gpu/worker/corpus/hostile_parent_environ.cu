// Hostile: reads the environment of its ancestors, and then of every process it can see,
// through /proc/PID/environ (a scrubbed environment of its own does not hide the parent's)
// and prints PIKE_SUITE_SECRET if it finds it (plain and hex-encoded, which output
// redaction of known values does not catch), then computes the right answer. Only that variable is printed by value so a
// real key of the host never reaches the suite's output. The suite checks the secret
// never appears in any reply. Expected `ok_honest_time`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
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

static void scan(int pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/environ", pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return;
  static char buf[1 << 20];
  size_t len = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[len] = 0;
  for (size_t at = 0; at < len; at += strlen(buf + at) + 1)
    if (strncmp(buf + at, "PIKE_SUITE_SECRET=", 18) == 0) {
      // Plain, and hex-encoded so that a filter that redacts known values does not catch it.
      const char *v = buf + at + 18;
      printf("process %d: PIKE_SUITE_SECRET=%s hex=", pid, v);
      for (const char *c = v; *c; ++c)
        printf("%02x", (unsigned char)*c);
      printf("\n");
    }
}
static int parent_of(int pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char buf[512];
  size_t len = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[len] = 0;
  char *close = strrchr(buf, ')'); // after the (comm) field
  int ppid = -1;
  char state;
  if (close)
    sscanf(close + 2, "%c %d", &state, &ppid);
  return ppid;
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  static bool done = false;
  if (!done) {
    done = true;
    scan(getpid());
    for (int pid = getppid(), depth = 0; pid > 1 && depth < 4; pid = parent_of(pid), ++depth)
      scan(pid);
    if (DIR *d = opendir("/proc")) {
      while (dirent *e = readdir(d))
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
          scan(atoi(e->d_name));
      closedir(d);
    }
    fflush(stdout);
  }
  return launch_ew(in, out, stream);
}
