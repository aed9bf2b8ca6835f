#include <cuda_runtime.h>
#include <cstdio>
#include <cstdlib>
#include "pike/Runtime/KernelABI.h"

__global__ void copy(const float *x, float *y, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = x[i];
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  float *host = (float *)malloc(16); // EXPECT: [host-call]
  FILE *f = fopen("/tmp/x", "w"); // EXPECT: [host-call]
  fprintf(stderr, "n=%d\n", num_inputs); // EXPECT: [host-call]
  free(host); // EXPECT: [host-call]
  void *dev = nullptr;
  cudaMalloc(&dev, 64); // EXPECT: [host-call]
  copy<<<1, 32, 0, stream>>>((const float *)inputs[0].data, (float *)outputs[0].data, 32);
  cudaFree(dev); // EXPECT: [host-call]
  (void)f;
  return 0;
}
