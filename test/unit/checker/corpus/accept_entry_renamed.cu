// The entry has the ABI signature under another name, with a prior declaration;
// the checker renames both (and the reference) to the ABI symbol.
#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

extern "C" int fused_gelu_slot(const PikeTensorRef *inputs, int32_t num_inputs,
                               PikeTensorRef *outputs, int32_t num_outputs,
                               cudaStream_t stream);

__global__ void gelu(const float *x, float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = 0.5f * x[i] * (1.f + erff(x[i] * 0.70710678f));
}

static PikeKernelEntry const kSelf = fused_gelu_slot;

extern "C" int fused_gelu_slot(const PikeTensorRef *inputs, int32_t num_inputs,
                               PikeTensorRef *outputs, int32_t num_outputs,
                               cudaStream_t stream) {
  (void)kSelf;
  int n = (int)inputs[0].sizes[0];
  gelu<<<(n + 255) / 256, 256, 0, stream>>>((const float *)inputs[0].data,
                                             (float *)outputs[0].data, n);
  return (int)cudaGetLastError();
}
