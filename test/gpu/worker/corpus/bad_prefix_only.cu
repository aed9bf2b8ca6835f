// Broken: correct kernel, but the launch (see manifest) covers only the first half.
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *x, const float *y, float *out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < N)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
