// Broken: does not compile (undeclared identifier on line 5).
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *x, const float *y, float *out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < N) out[i] = x[i] * sigmoid_of(y[i]);
}
