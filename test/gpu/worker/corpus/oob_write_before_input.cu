// Broken/hostile: the right answer plus a store 40 KiB before the start of the first
// input (a negative index; the const is cast away). The guard before the input catches
// it: expected `runtime_error` (or `rejected` if reported as an input modification).
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *__restrict__ x, const float *__restrict__ y,
                              float *__restrict__ out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < N)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
  if (i == 0)
    ((float *)x)[-(40 * 1024 / 4)] = 1.0f;
}
