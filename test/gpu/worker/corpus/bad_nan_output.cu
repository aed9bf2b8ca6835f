// Broken: one element is NaN.
#define N (4096 * 1024)
extern "C" __global__ void ew(const float *x, const float *y, float *out) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < N)
    out[i] = i == 777 ? __int_as_float(0x7fc00000) : x[i] / (1.0f + __expf(-y[i]));
}
