// Includes only the CUDA toolkit, the C/C++ standard library and pike's ABI header.
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cstdint>
#include <cmath>
#include "pike/Runtime/KernelABI.h"

__global__ void relu_half(const __half *x, __half *y, int64_t n) {
  int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
  if (i < n) y[i] = __hgt(x[i], __float2half(0.f)) ? x[i] : __float2half(0.f);
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  if (num_inputs != 1 || num_outputs != 1) return -1;
  int64_t n = 1;
  for (int d = 0; d < inputs[0].ndim; ++d) n *= inputs[0].sizes[d];
  const int threads = 256;
  const int blocks = (int)((n + threads - 1) / threads);
  relu_half<<<blocks, threads, 0, stream>>>((const __half *)inputs[0].data,
                                             (__half *)outputs[0].data, n);
  return (int)cudaGetLastError();
}
