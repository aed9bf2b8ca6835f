// Honest: the elementwise kernel with a device printf from one thread (debug output an
// LLM leaves in). Device printf output is candidate output, never protocol. Must be `ok`.
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *__restrict__ x, const float *__restrict__ y,
                              float *__restrict__ out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i == 0)
    printf("ew: %d elements, grid %d x %d\n", N, gridDim.x, blockDim.x);
  if (i < N)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
