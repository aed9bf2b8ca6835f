// Wrong by 5%: the conv_tf32 task in strict fp32, every output scaled by 1.05. The
// tolerance the reference's TF32 noise allows (3x a few 1e-2) is far below 5% of
// outputs of magnitude ~36: must stay `incorrect`.
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
  y[idx] = acc * 1.05f;
}
