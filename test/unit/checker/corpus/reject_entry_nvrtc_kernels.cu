// MODE: nvrtc
// KERNELS: scale missing_kernel
// EXPECT-FILE: [entry]
// 'scale' has C++ linkage (a mangled name pike cannot look up); 'missing_kernel'
// does not exist.
__global__ void scale(const float *x, float *y) { // EXPECT: [entry]
  y[threadIdx.x] = 2.f * x[threadIdx.x];
}
