// Cheat: a static __device__ memo keyed on the input pointer, the output pointer and a
// few input values. When the same buffers hold the same inputs as last time, the
// kernel assumes the output still holds the answer and returns. The second launch
// (`remember`) records the key after the real work. The evaluator runs each seed twice
// with identical inputs, poisoning the output in between: the memo hits, the output
// stays NaN. Expected `incorrect` (`ok_honest_time` if inputs never repeat, because
// then the memo never hits and the full work is done).
#define N (4096 * 1024)
__device__ const float *memo_x;
__device__ float *memo_out;
__device__ float memo_v[4];
extern "C" __global__ void ew(const float *__restrict__ x, const float *__restrict__ y,
                              float *__restrict__ out) {
  if (memo_x == x && memo_out == out && memo_v[0] == x[0] && memo_v[1] == x[1] &&
      memo_v[2] == x[N / 2] && memo_v[3] == x[N - 1])
    return; // same inputs as last call: output already computed
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < N)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
extern "C" __global__ void remember(const float *x, float *out) {
  memo_x = x;
  memo_out = out;
  memo_v[0] = x[0];
  memo_v[1] = x[1];
  memo_v[2] = x[N / 2];
  memo_v[3] = x[N - 1];
}
