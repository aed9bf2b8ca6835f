// out[r] = sum_c x[r, c], x [2048, 4096] float32: one block per row.
#define COLS 4096
extern "C" __global__ void row_sum(const float *__restrict__ x, float *__restrict__ out) {
  __shared__ float s[256];
  int row = blockIdx.x;
  float acc = 0.f;
  for (int c = threadIdx.x; c < COLS; c += 256)
    acc += x[(long)row * COLS + c];
  s[threadIdx.x] = acc;
  __syncthreads();
  for (int st = 128; st > 0; st >>= 1) {
    if (threadIdx.x < st)
      s[threadIdx.x] += s[threadIdx.x + st];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    out[row] = s[0];
}
