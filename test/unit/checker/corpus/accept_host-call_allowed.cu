// Host code using the allowed subset: the candidate's own helpers, CUDA runtime
// attribute/occupancy queries, stream-ordered memory, std algorithms and math.
#include <cuda_runtime.h>
#include <cuda_bf16.h>
#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstring>
#include <vector>
#include "pike/Runtime/KernelABI.h"

template <int BLOCK>
__global__ void rowsum(const float *x, float *y, int rows, int cols) {
  __shared__ float part[BLOCK];
  int r = blockIdx.x;
  float acc = 0.f;
  for (int c = threadIdx.x; c < cols; c += BLOCK) acc += expf(x[r * cols + c]);
  part[threadIdx.x] = acc;
  __syncthreads();
  for (int s = BLOCK / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) part[threadIdx.x] += part[threadIdx.x + s];
    __syncthreads();
  }
  if (threadIdx.x == 0) y[r] = logf(part[0]);
}

static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  assert(num_inputs == 1 && num_outputs == 1);
  std::array<int64_t, PIKE_MAX_DIMS> dims{};
  std::memcpy(dims.data(), inputs[0].sizes, sizeof(int64_t) * PIKE_MAX_DIMS);
  std::vector<int64_t> shape(dims.begin(), dims.begin() + inputs[0].ndim);
  int rows = (int)shape[0], cols = (int)shape[1];
  int device = 0, sms = 0;
  cudaGetDevice(&device);
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
  int perSm = 0;
  cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perSm, rowsum<256>, 256, 0);
  float scale = std::sqrt((float)std::max(cols, 1));
  (void)scale;
  (void)ceilDiv(rows, std::max(1, sms * perSm));
  __nv_bfloat16 one = __float2bfloat16(1.0f);
  (void)one;
  void *scratch = nullptr;
  cudaMallocAsync(&scratch, 1024, stream);
  cudaMemsetAsync(scratch, 0, 1024, stream);
  rowsum<256><<<rows, 256, 0, stream>>>((const float *)inputs[0].data,
                                         (float *)outputs[0].data, rows, cols);
  cudaFreeAsync(scratch, stream);
  return (int)cudaGetLastError();
}
