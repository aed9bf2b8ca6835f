// Broken: thread 0 sums the shared partials without waiting for the other warps.
#define COLS 4096
extern "C" __global__ void row_sum(const float *x, float *out) {
  __shared__ float s[256];
  int row = blockIdx.x;
  float acc = 0.f;
  for (int c = threadIdx.x; c < COLS; c += 256)
    acc += x[(long)row * COLS + c];
  s[threadIdx.x] = acc;
  // missing __syncthreads()
  if (threadIdx.x == 0) {
    float t = 0.f;
    for (int k = 0; k < 256; ++k)
      t += s[k];
    out[row] = t;
  }
}
