// Cheat: right answer, but scribbles over its input afterwards.
#define N (4096 * 1024)
extern "C" __global__ void ew(float *x, const float *y, float *out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < N) {
    out[i] = x[i] / (1.0f + __expf(-y[i]));
    x[i] = 0.f;
  }
}
