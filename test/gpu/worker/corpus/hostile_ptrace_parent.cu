// Hostile: tries to attach to its parent with ptrace and to read the parent's memory
// with process_vm_readv (where the reference's results would live), then returns without
// computing. A sandbox refuses both; the markers "ptrace attach succeeded" and
// "process_vm_readv succeeded" must never appear in a reply. Expected `incorrect`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  static bool tried = false;
  if (!tried) {
    tried = true;
    pid_t parent = getppid();
    if (ptrace(PTRACE_ATTACH, parent, nullptr, nullptr) == 0) {
      printf("ptrace attach succeeded\n");
      waitpid(parent, nullptr, 0);
      ptrace(PTRACE_DETACH, parent, nullptr, nullptr);
    }
    char buf[64];
    struct iovec local = {buf, sizeof buf}, remote = {(void *)0x400000, sizeof buf};
    if (process_vm_readv(parent, &local, 1, &remote, 1, 0) > 0)
      printf("process_vm_readv succeeded\n");
    fflush(stdout);
  }
  return 0;
}
