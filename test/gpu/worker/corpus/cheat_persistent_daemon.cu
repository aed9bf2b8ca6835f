// Cheat: a persistent "daemon" kernel. The first call starts, on a private stream, a
// grid that never exits and keeps recomputing the output from the inputs; every call
// then returns at once, so the timed stream sees no work at all. A full device
// synchronisation after each call never returns: expected `timeout` at the deadline (or
// `rejected`/`runtime_error`/`incorrect`), and the worker keeps serving.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__global__ void daemon(const float *x, const float *y, float *out, long n) {
  for (;;) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x)
      ((volatile float *)out)[i] = ((volatile const float *)x)[i] / (1.0f + __expf(-((volatile const float *)y)[i]));
  }
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  static bool started = false;
  if (!started) {
    started = true;
    cudaStream_t side;
    cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking);
    long n = in[0].sizes[0] * in[0].sizes[1];
    daemon<<<132, 256, 0, side>>>((const float *)in[0].data, (const float *)in[1].data, (float *)out[0].data, n);
  }
  return (int)cudaGetLastError();
}
