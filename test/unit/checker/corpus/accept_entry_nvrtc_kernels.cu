// MODE: nvrtc
// KERNELS: bias_add reduce_rows
// Device-only source for NVRTC: the launch list names both kernels. Host code
// in such a source never runs (NVRTC compiles device code only), so the host
// helper below is not checked.
#include <cuda_fp16.h>

static int hostOnlyCounter = 0;
static void hostOnlyHelper() { ++hostOnlyCounter; }

__device__ __forceinline__ float warpSum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

extern "C" __global__ void bias_add(const float *x, const float *b, float *y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  y[i] = x[i] + b[threadIdx.x];
}

extern "C" {
__global__ void reduce_rows(const __half *x, float *y) {
  float v = __half2float(x[blockIdx.x * 32 + threadIdx.x]);
  v = warpSum(v);
  if (threadIdx.x == 0) y[blockIdx.x] = v;
}
}
