// A hand-written PikeTensorRef with another layout would read garbage shapes.
#include <cuda_runtime.h>
#include <cstdint>

typedef struct PikeTensorRef { // EXPECT: [entry]
  void *data;
  int32_t ndim;
  int64_t sizes[4];
} PikeTensorRef;

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  return 0;
}
