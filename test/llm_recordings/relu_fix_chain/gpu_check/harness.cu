// Runs one recorded kernel through the C ABI on a GPU and compares it with a
// CPU reference of y = relu(x + b). Outputs are poisoned with NaN first so a
// kernel that skips elements cannot pass by luck. Exit 0 = correct.
#include "pike/Runtime/KernelABI.h"

#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs, PikeTensorRef *outputs,
                          int32_t num_outputs, cudaStream_t stream);

int main() {
  const int64_t rows = 4096, cols = 1024, n = rows * cols;
  std::vector<float> x(n), b(cols), y(n);
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (float &v : x) v = u(rng);
  for (float &v : b) v = u(rng);
  float *dx, *db, *dy;
  cudaMalloc(&dx, n * 4);
  cudaMalloc(&db, cols * 4);
  cudaMalloc(&dy, n * 4);
  cudaMemcpy(dx, x.data(), n * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(db, b.data(), cols * 4, cudaMemcpyHostToDevice);
  cudaMemset(dy, 0xff, n * 4); // NaN
  PikeTensorRef in[2] = {{dx, PIKE_FLOAT32, 2, {rows, cols}}, {db, PIKE_FLOAT32, 1, {cols}}};
  PikeTensorRef out[1] = {{dy, PIKE_FLOAT32, 2, {rows, cols}}};
  cudaStream_t s;
  cudaStreamCreate(&s);
  int rc = pike_entry(in, 2, out, 1, (struct CUstream_st *)s);
  cudaError_t err = cudaStreamSynchronize(s);
  if (rc != 0 || err != cudaSuccess) {
    std::printf("runtime_error: entry returned %d, sync %s\n", rc, cudaGetErrorString(err));
    return 2;
  }
  cudaMemcpy(y.data(), dy, n * 4, cudaMemcpyDeviceToHost);
  double maxErr = 0;
  int64_t bad = 0, first = -1;
  for (int64_t i = 0; i < n; ++i) {
    float ref = std::fmax(x[i] + b[i % cols], 0.f);
    double e = std::isnan(y[i]) ? INFINITY : std::fabs(y[i] - ref);
    if (e > 1e-5) {
      ++bad;
      if (first < 0) first = i;
    }
    if (e > maxErr) maxErr = e;
  }
  cudaEvent_t e0, e1;
  cudaEventCreate(&e0);
  cudaEventCreate(&e1);
  cudaEventRecord(e0, s);
  for (int i = 0; i < 100; ++i) pike_entry(in, 2, out, 1, (struct CUstream_st *)s);
  cudaEventRecord(e1, s);
  cudaEventSynchronize(e1);
  float ms = 0;
  cudaEventElapsedTime(&ms, e0, e1);
  if (bad) {
    std::printf("incorrect: %lld of %lld elements differ, max abs error %.4g, first at [%lld, %lld]\n", (long long)bad,
                (long long)n, maxErr, (long long)(first / cols), (long long)(first % cols));
    return 1;
  }
  std::printf("ok: max abs error %.3g, %.4f ms per call\n", maxErr, ms / 100);
  return 0;
}
