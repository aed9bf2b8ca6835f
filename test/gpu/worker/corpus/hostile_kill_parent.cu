// Hostile: SIGKILLs its parent process (whatever runs the candidate's caller), then
// returns without computing. A sandbox refuses the kill (EPERM); if it got through, the
// worker must still answer (restart) and keep serving. Expected `incorrect` (kill
// refused, output poisoned) or `runtime_error` (the evaluator died and said so).
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  if (kill(getppid(), SIGKILL) == 0)
    printf("kill(parent) succeeded\n");
  return 0;
}
