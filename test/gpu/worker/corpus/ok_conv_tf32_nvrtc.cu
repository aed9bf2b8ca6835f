// Honest: the conv_tf32 task (3x3 conv, pad 1, x [8,144,32,32], w [64,144,3,3]) with
// TF32 numerics of its own: both operands rounded to the nearest TF32 (cvt.rna, 10
// mantissa bits), exact products, fp32 sums in its own order. Its error against the
// strict answer is that of round-to-nearest TF32, the smallest TF32 can have, so it
// lies within 3x the reference's own TF32 noise of the strict-fp32 twin: must be `ok`.
#define CI 144
#define CO 64
#define HW 32
__device__ __forceinline__ float tf32(float v) {
  unsigned r;
  asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(v));
  return __uint_as_float(r);
}
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
        acc += tf32(x[((n * CI + ci) * HW + iy) * HW + ix]) * tf32(w[((co * CI + ci) * 3 + ky) * 3 + kx]);
      }
    }
  y[idx] = acc;
}
