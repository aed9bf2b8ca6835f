// MODE: nvrtc
// KERNELS: once
// An NVRTC candidate has no host code that could reset device state, so any
// __device__ variable its kernels write survives from one launch to the next.
__device__ int gDone; // EXPECT: [static-state]
__device__ const float kScale = 2.f;

extern "C" __global__ void once(const float *x, float *y) {
  if (gDone) return;
  y[threadIdx.x] = kScale * x[threadIdx.x];
  if (threadIdx.x == 0) gDone = 1;
}
