// Honest: the conv_tf32 task (3x3 conv, pad 1, x [8,144,32,32], w [64,144,3,3]) in
// strict fp32, one thread per output. Its reference is traced with cuDNN's
// allow_tf32=True baked in; against that TF32 reference alone this exact answer
// missed atol=rtol=1e-2 (the reference's own TF32 error is the difference). The
// worker judges it against the strict-fp32 twin of the reference: must be `ok`.
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
  y[idx] = acc;
}
