// Hostile: walks up its ancestors through /proc/PID/stat and stops (SIGSTOP) and then
// kills (SIGKILL) every one whose name starts with "pike-" (the worker, its supervisor),
// plus its own process group; then returns without computing. It touches only pike-*
// processes so that a failed sandbox costs the worker, not the test driver. Expected
// `incorrect` (signals refused) or `runtime_error`; the worker must answer and survive.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int parent_of(int pid, char *name, size_t cap) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  size_t len = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[len] = 0;
  char *open = strchr(buf, '('), *close = strrchr(buf, ')'); // the (comm) field
  if (!open || !close)
    return -1;
  size_t n = (size_t)(close - open - 1) < cap - 1 ? (size_t)(close - open - 1) : cap - 1;
  memcpy(name, open + 1, n);
  name[n] = 0;
  int ppid = -1;
  char state;
  sscanf(close + 2, "%c %d", &state, &ppid);
  return ppid;
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  char name[64];
  int pid = getppid();
  for (int depth = 0; depth < 4 && pid > 1; ++depth) {
    int up = parent_of(pid, name, sizeof name);
    if (strncmp(name, "pike-", 5) == 0) {
      if (kill(pid, SIGSTOP) == 0)
        printf("SIGSTOP to %s (%d) succeeded\n", name, pid);
      if (kill(pid, SIGKILL) == 0)
        printf("SIGKILL to %s (%d) succeeded\n", name, pid);
    }
    pid = up;
  }
  kill(0, SIGKILL); // the whole process group
  return 0;
}
