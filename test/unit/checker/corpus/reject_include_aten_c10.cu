#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"
#include <ATen/cuda/CUDAContext.h> // EXPECT: [include]
#include <c10/cuda/CUDAStream.h> // EXPECT: [include]
#include <pybind11/pybind11.h> // EXPECT: [include]

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  return 0;
}
