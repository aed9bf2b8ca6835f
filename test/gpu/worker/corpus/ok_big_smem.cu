// Honest: row sums with 128 KiB of dynamic shared memory per block (8 rows of 4096 floats
// staged per block; the launch in the manifest asks for 131072 bytes, above the 48 KiB
// default, so the worker must raise the kernel's limit). Must be `ok`.
#define COLS 4096
#define ROWS_PER_BLOCK 8
extern "C" __global__ void row_sum(const float *__restrict__ x, float *__restrict__ out) {
  extern __shared__ float tile[]; // [ROWS_PER_BLOCK][COLS]
  __shared__ float partial[256];
  int row0 = blockIdx.x * ROWS_PER_BLOCK;
  for (int k = threadIdx.x; k < ROWS_PER_BLOCK * COLS; k += blockDim.x)
    tile[k] = x[(long)row0 * COLS + k];
  __syncthreads();
  for (int r = 0; r < ROWS_PER_BLOCK; ++r) {
    float acc = 0.f;
    for (int c = threadIdx.x; c < COLS; c += blockDim.x)
      acc += tile[r * COLS + c];
    partial[threadIdx.x] = acc;
    __syncthreads();
    for (int st = 128; st > 0; st >>= 1) {
      if (threadIdx.x < st)
        partial[threadIdx.x] += partial[threadIdx.x + st];
      __syncthreads();
    }
    if (threadIdx.x == 0)
      out[row0 + r] = partial[0];
    __syncthreads();
  }
}
