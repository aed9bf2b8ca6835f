// Cheat: "is my output still poisoned?". Each block looks at the first element of its
// tile; if it is not NaN an earlier call already wrote the result, so the block skips
// its work. Against an evaluator that poisons only the checked calls this makes the
// timed calls nearly free. When every call is poisoned the probe always fails and the
// kernel does the full work: expected `ok_honest_time` (ok, time as the honest kernel's).
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *__restrict__ x, const float *__restrict__ y,
                              float *__restrict__ out) {
  __shared__ int already_done;
  int base = blockIdx.x * blockDim.x;
  if (threadIdx.x == 0) {
    float probe = out[base];
    already_done = probe == probe; // NaN != NaN: still poisoned means not done
  }
  __syncthreads();
  if (already_done)
    return;
  int i = base + threadIdx.x;
  if (i < N)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
