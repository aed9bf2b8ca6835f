// Wrong by 0.5%: the conv_tf32 task in strict fp32, every output scaled by 1.005.
// Under tf32_bound (the strict fp32 policy) the check is atol alone, max(1e-2, 3x the
// reference's TF32 noise): an error of 0.5% of outputs up to ~150 is far past it. Without
// the bound, rtol 1e-2 of those outputs lets the same error through (slack_conv_off_half_pct).
#define CI 144
#define CO 64
#define HW 32
extern "C" __global__ void conv(const float *__restrict__ x, const float *__restrict__ w,
                                float *__restrict__ y) {
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= 8 * CO * HW * HW)
    return;
  int ox = idx % HW, oy = (idx / HW) % HW, co = (idx / (HW * HW)) % CO, n = idx / (CO * HW * HW);
  float acc = 0.f;
  for (int ci = 0; ci < CI; ++ci)
    for (int ky = 0; ky < 3; ++ky) {
      int iy = oy + ky - 1;
      if (iy < 0 || iy >= HW)
        continue;
      for (int kx = 0; kx < 3; ++kx) {
        int ix = ox + kx - 1;
        if (ix < 0 || ix >= HW)
          continue;
        acc += x[((n * CI + ci) * HW + iy) * HW + ix] * w[((co * CI + ci) * 3 + ky) * 3 + kx];
      }
    }
  y[idx] = acc * 1.005f;
}
