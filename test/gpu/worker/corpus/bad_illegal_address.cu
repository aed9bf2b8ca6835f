// Broken: writes through a wild pointer: illegal address, sticky CUDA error.
extern "C" __global__ void ew(const float *x, const float *y, float *out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  out[i + (1L << 36)] = x[i];
}
