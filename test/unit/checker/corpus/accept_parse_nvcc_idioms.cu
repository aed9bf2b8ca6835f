// Idioms nvcc accepts that Clang 19 alone would reject or warn about; the
// candidate is compiled by nvcc, so none of them is a reason to reject it.
#include <cuda_runtime.h>
#include <cuda/barrier>
#include <cooperative_groups.h>
#include <cstdint>
#include "pike/Runtime/KernelABI.h"

namespace cg = cooperative_groups;

struct Params {
  const float *x;
  float *y;
  int n;
};

#pragma nv_diag_suppress static_var_with_dynamic_init
__global__ void __launch_bounds__(256, 1, 1) __cluster_dims__(2, 1, 1)
stage(const __grid_constant__ Params p) {
  __shared__ alignas(16) float tile[256];
  __shared__ cuda::barrier<cuda::thread_scope_block> bar;
  auto block = cg::this_thread_block();
  if (block.thread_rank() == 0) init(&bar, block.size());
  block.sync();
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  tile[threadIdx.x] = i < p.n ? p.x[i] : 0.f;
  bar.arrive_and_wait();
  if (i < p.n) p.y[i] = tile[255 - threadIdx.x];
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  Params p{(const float *)inputs[0].data, (float *)outputs[0].data, (int)inputs[0].sizes[0]};
  stage<<<((p.n + 511) / 512) * 2, 256, 0, stream>>>(p); // whole clusters
  return (int)cudaGetLastError();
}
