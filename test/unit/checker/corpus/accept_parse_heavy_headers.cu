// Headers LLM candidates commonly use must parse with the CUDA 13 toolkit.
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <mma.h>
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cublasLt.h>
#include <cstdint>
#include "pike/Runtime/KernelABI.h"

namespace cg = cooperative_groups;
using namespace nvcuda;

__global__ void tc(const __half *a, const __half *b, float *c) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> fc;
  wmma::fill_fragment(fc, 0.f);
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::mma_sync(fc, fa, fb, fc);
  cg::thread_block block = cg::this_thread_block();
  cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
  float s = cg::reduce(warp, 1.f, cg::plus<float>());
  if (warp.thread_rank() == 0) c[0] += s;
  wmma::store_matrix_sync(c, fc, 16, wmma::mem_row_major);
}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  tc<<<1, 32, 0, stream>>>((const __half *)inputs[0].data, (const __half *)inputs[1].data,
                           (float *)outputs[0].data);
  return (int)cudaGetLastError();
}
