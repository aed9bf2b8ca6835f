// Zero-initialised and uninitialised stream values are the default stream.
#include <cuda_runtime.h>
#include "pike/Runtime/KernelABI.h"

struct Launch {
  cudaStream_t stream;
  int blocks;
};
struct WithDefault {
  cudaStream_t stream = nullptr; // EXPECT: [stream]
};
struct WithCtor {
  cudaStream_t stream;
  explicit WithCtor(cudaStream_t s) : stream(s) {}
  WithCtor() : stream(0) {} // EXPECT: [stream]
};

__global__ void noop() {}

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  cudaStream_t zero{}; // EXPECT: [stream]
  cudaStream_t some[2] = {stream}; // EXPECT: [stream]
  cudaStream_t none[2]; // EXPECT: [stream]
  Launch braced{}; // EXPECT: [stream]
  Launch plain; // EXPECT: [stream]
  cudaStream_t all[2] = {stream, stream};
  WithCtor fine(stream);
  noop<<<1, 1, 0, all[1]>>>();
  noop<<<1, 1, 0, fine.stream>>>();
  (void)zero; (void)some; (void)none; (void)braced; (void)plain;
  return 0;
}
