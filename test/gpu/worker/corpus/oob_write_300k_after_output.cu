// Broken/hostile: the right answer plus stores 300 KiB past the end of the output (well
// past a 64 KiB canary, inside a 1 MiB guard). Expected `runtime_error`.
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *__restrict__ x, const float *__restrict__ y,
                              float *__restrict__ out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < N)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
  if (i < 32)
    out[N + 300 * 1024 / 4 + i] = 1.0f;
}
