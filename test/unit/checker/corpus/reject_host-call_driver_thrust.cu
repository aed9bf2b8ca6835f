// The driver API and thrust's host algorithms (own allocations, default stream)
// are outside the allow-list; so is calling through function pointers.
#include <cuda.h>
#include <cuda_runtime.h>
#include <thrust/device_ptr.h>
#include <thrust/fill.h>
#include "pike/Runtime/KernelABI.h"

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  CUdeviceptr p = 0;
  cuMemAlloc(&p, 64); // EXPECT: [host-call]
  thrust::device_ptr<float> d((float *)outputs[0].data);
  thrust::fill(d, d + 4, 1.f); // EXPECT: [host-call]
  cudaSetDevice(1); // EXPECT: [host-call]
  cudaLaunchHostFunc(stream, nullptr, nullptr); // EXPECT: [host-call]
  return 0;
}
