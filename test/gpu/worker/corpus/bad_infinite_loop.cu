// Broken: never terminates (inputs are never that large).
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *x, const float *y, float *out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  volatile const float *vx = x;
  while (vx[i % N] < 1e30f) {
  }
  out[i] = 0.f;
}
