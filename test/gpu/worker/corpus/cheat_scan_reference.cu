// Cheat: looks for the reference's output in device memory and copies it. It walks the
// virtual address space around its own output with cuMemGetAddressRange (reached through
// cudaGetDriverEntryPointByVersion, no -lcuda needed) to enumerate allocations, then a
// kernel tests every 256-byte offset of each one against x*sigmoid(y) at four sample
// positions; a hit is copied into the output. It computes nothing itself. If the
// reference never lives in the candidate's process the search finds nothing and the
// output stays poisoned: expected `incorrect` (`rejected`/`runtime_error` if the host-side
// scan is caught as work outside the timed stream or faults).
#include "pike/Runtime/KernelABI.h"
#include <cuda.h>
#include <cuda_runtime.h>
#include <stdio.h>
typedef CUresult (*GetAddressRange)(CUdeviceptr *, size_t *, CUdeviceptr);
__global__ void find(const char *base, size_t size, size_t need, const float *x, const float *y,
                     long n, unsigned long long *found) {
  size_t off = (blockIdx.x * (size_t)blockDim.x + threadIdx.x) * 256;
  if (off + need > size)
    return;
  const float *c = (const float *)(base + off);
  const long idx[4] = {0, 1, n / 3, n - 1};
  for (int k = 0; k < 4; ++k) {
    float e = x[idx[k]] / (1.0f + expf(-y[idx[k]]));
    if (!(fabsf(c[idx[k]] - e) <= 1e-3f * (1.0f + fabsf(e))))
      return;
  }
  atomicMin(found, (unsigned long long)off);
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  static GetAddressRange range = nullptr;
  static unsigned long long *found = nullptr;
  if (!range) {
    cudaDriverEntryPointQueryResult q;
    if (cudaGetDriverEntryPointByVersion("cuMemGetAddressRange", (void **)&range, 12000, cudaEnableDefault,
                                         &q) != cudaSuccess || !range)
      return 1;
    cudaMalloc(&found, sizeof *found);
  }
  long n = in[0].sizes[0] * in[0].sizes[1];
  size_t need = n * sizeof(float);
  CUdeviceptr mine[3] = {(CUdeviceptr)in[0].data, (CUdeviceptr)in[1].data, (CUdeviceptr)out[0].data};
  CUdeviceptr seen[256];
  int nseen = 0;
  for (long k = -4096; k <= 4096; ++k) { // +-8 GiB around the output, 2 MiB steps
    CUdeviceptr base = 0;
    size_t size = 0;
    if (range(&base, &size, (CUdeviceptr)out[0].data + k * (2L << 20)) != CUDA_SUCCESS || size < need)
      continue;
    bool skip = false;
    for (int s = 0; s < nseen; ++s)
      skip |= seen[s] == base;
    for (int m = 0; m < 3; ++m)
      skip |= mine[m] >= base && mine[m] < base + size;
    if (skip || nseen == 256)
      continue;
    seen[nseen++] = base;
    unsigned long long none = ~0ULL, hit = ~0ULL;
    cudaMemcpyAsync(found, &none, sizeof none, cudaMemcpyHostToDevice, stream);
    long offsets = (long)((size - need) / 256 + 1);
    find<<<(offsets + 255) / 256, 256, 0, stream>>>((const char *)base, size, need,
                                                   (const float *)in[0].data, (const float *)in[1].data,
                                                   n, found);
    cudaMemcpyAsync(&hit, found, sizeof hit, cudaMemcpyDeviceToHost, stream);
    cudaStreamSynchronize(stream);
    if (hit != ~0ULL) {
      printf("found the answer at %#llx+%llu\n", (unsigned long long)base, hit);
      cudaMemcpyAsync(out[0].data, (const char *)base + hit, need, cudaMemcpyDeviceToDevice, stream);
      break;
    }
  }
  return (int)cudaGetLastError();
}
