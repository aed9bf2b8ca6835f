// Hostile: forks; the child launches the kernel and waits for it, the parent waits for
// the child. With a sandbox fork fails (EPERM) and the launcher returns the error; without
// one the child's CUDA calls fail after fork and the output stays poisoned. Either way
// not `ok`, and the worker must survive: `runtime_error`, `rejected` or `incorrect`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <sys/wait.h>
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
  pid_t pid = fork();
  if (pid < 0)
    return 999; // fork refused
  if (pid == 0) {
    launch_ew(in, out, stream);
    cudaStreamSynchronize(stream);
    _exit(0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return 0;
}
