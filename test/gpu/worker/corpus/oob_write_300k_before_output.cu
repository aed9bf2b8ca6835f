// Broken/hostile: the right answer plus stores 300 KiB before the start of the output.
// Expected `runtime_error`.
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *__restrict__ x, const float *__restrict__ y,
                              float *__restrict__ out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < N)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
  if (i < 32)
    out[-(300 * 1024 / 4) + i] = 1.0f;
}
