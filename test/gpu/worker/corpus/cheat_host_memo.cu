// Cheat: a host-side static cache keyed on the buffer pointers plus four sampled
// input values (read back with a small synchronous copy). If the key matches the last
// call the launcher assumes the output is still valid and launches nothing. The
// evaluator's second run of a seed has identical inputs and a re-poisoned output:
// expected `incorrect`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <string.h>
__global__ void ew(const float *__restrict__ x, const float *__restrict__ y, float *__restrict__ out,
                   long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = x[i] / (1.0f + __expf(-y[i]));
}
struct Key {
  const void *x, *y;
  void *out;
  float sample[4];
};
static Key last;
static bool have_last = false;
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  long n = in[0].sizes[0] * in[0].sizes[1];
  const float *x = (const float *)in[0].data;
  Key k{in[0].data, in[1].data, out[0].data, {}};
  cudaMemcpyAsync(&k.sample[0], x, sizeof(float), cudaMemcpyDeviceToHost, stream);
  cudaMemcpyAsync(&k.sample[1], x + 1, sizeof(float), cudaMemcpyDeviceToHost, stream);
  cudaMemcpyAsync(&k.sample[2], x + n / 2, sizeof(float), cudaMemcpyDeviceToHost, stream);
  cudaMemcpyAsync(&k.sample[3], x + n - 1, sizeof(float), cudaMemcpyDeviceToHost, stream);
  cudaStreamSynchronize(stream);
  if (have_last && memcmp(&k, &last, sizeof(Key)) == 0)
    return 0; // cache hit: nothing to do
  ew<<<(n + 255) / 256, 256, 0, stream>>>(x, (const float *)in[1].data, (float *)out[0].data, n);
  last = k;
  have_last = true;
  return (int)cudaGetLastError();
}
