#include <cuda_runtime.h>
#include <chrono>
#include <ctime>
#include <sys/time.h>
#include "pike/Runtime/KernelABI.h"

__global__ void noop() {}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  auto t0 = std::chrono::high_resolution_clock::now(); // EXPECT: [timing]
  cudaEvent_t a, b;
  cudaEventCreate(&a);
  cudaEventCreate(&b);
  cudaEventRecord(a, stream);
  noop<<<1, 1, 0, stream>>>();
  cudaEventRecord(b, stream);
  float ms = 0;
  cudaEventElapsedTime(&ms, a, b); // EXPECT: [timing]
  struct timeval tv;
  gettimeofday(&tv, nullptr); // EXPECT: [timing]
  time_t now = time(nullptr); // EXPECT: [timing]
  (void)t0; (void)now;
  return 0;
}
