// The entry's stream reaches launches through copies, helpers, structs and
// launch configs; events order work on that same stream.
#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

__global__ void fill(float *y, float v, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = v;
}

struct Launch {
  dim3 grid, block;
  cudaStream_t stream;
};

static void launchFill(const Launch &l, float *y, int n) {
  fill<<<l.grid, l.block, 0, l.stream>>>(y, 1.f, n);
}

static cudaError_t zero(void *p, size_t bytes, cudaStream_t s) {
  return cudaMemsetAsync(p, 0, bytes, s);
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  int n = (int)outputs[0].sizes[0];
  cudaStream_t s = stream;
  Launch l{dim3((n + 127) / 128), dim3(128), s};
  zero(outputs[0].data, n * sizeof(float), s);
  launchFill(l, (float *)outputs[0].data, n);
  cudaLaunchConfig_t cfg = {};
  cfg.gridDim = dim3((n + 127) / 128);
  cfg.blockDim = dim3(128);
  cfg.stream = stream;
  cudaLaunchKernelEx(&cfg, fill, (float *)outputs[0].data, 2.f, n);
  cudaEvent_t done;
  cudaEventCreateWithFlags(&done, cudaEventDisableTiming);
  cudaEventRecord(done, stream);
  cudaStreamWaitEvent(stream, done, 0);
  cudaEventDestroy(done);
  return (int)cudaGetLastError();
}
