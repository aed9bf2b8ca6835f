// Device clocks let a kernel detect being timed and behave differently.
#include <cuda_runtime.h>
#include <cuda/ptx>
#include "pike/Runtime/KernelABI.h"

__global__ void spin(float *y) {
  long long start = clock64(); // EXPECT: [timing]
  unsigned long long g;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(g)); // EXPECT: [timing]
  y[threadIdx.x] = (float)(start + clock() + (long long)g); // EXPECT: [timing]
  y[0] += (float)cuda::ptx::get_sreg_globaltimer(); // EXPECT: [timing]
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  spin<<<1, 32, 0, stream>>>((float *)outputs[0].data);
  return 0;
}
