#include <cuda_runtime.h>
#include <cstdlib>
#include <dlfcn.h>
#include <thread>
#include "pike/Runtime/KernelABI.h"

__global__ void noop() {}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  noop<<<1, 1, 0, stream>>>();
  cudaDeviceSynchronize(); // EXPECT: [host-call]
  cudaStreamSynchronize(stream); // EXPECT: [host-call]
  if (cudaStreamQuery(stream) != cudaSuccess) return 1; // EXPECT: [host-call]
  if (getenv("PIKE_FAST")) // EXPECT: [host-call]
    system("nvidia-smi"); // EXPECT: [host-call]
  void *h = dlopen("libcublas.so", RTLD_NOW); // EXPECT: [host-call]
  std::thread t([] {}); // EXPECT: [host-call]
  t.join(); // EXPECT: [host-call]
  (void)h;
  return 0;
}
