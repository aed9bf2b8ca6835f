// Broken/hostile: the right answer plus one stray store 40 KiB past the end of the
// output (an off-by-a-tile index bug, or a candidate probing what lies next to its
// buffer). A guard region of at least 1 MiB catches it: expected `runtime_error`.
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *__restrict__ x, const float *__restrict__ y,
                              float *__restrict__ out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < N)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
  if (i == 0)
    out[N + 40 * 1024 / 4] = 1.0f;
}
