// Honest: captures its two kernels into a CUDA graph on the first call (on a private
// stream, thread-local capture) and launches the graph on the given stream on every call:
// a legitimate way to cut launch overhead. The graph holds this call's buffer pointers,
// so it is rebuilt when they change. Must be `ok`.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
__global__ void sigmoid_into(const float *__restrict__ y, float *__restrict__ out, long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = 1.0f / (1.0f + __expf(-y[i]));
}
__global__ void scale_by(const float *__restrict__ x, float *__restrict__ out, long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n)
    out[i] *= x[i];
}
extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  static cudaGraphExec_t exec = nullptr;
  static const void *built_for[3] = {nullptr, nullptr, nullptr};
  if (nin != 2 || nout != 1)
    return -1;
  const float *x = (const float *)in[0].data, *y = (const float *)in[1].data;
  float *o = (float *)out[0].data;
  long n = in[0].sizes[0] * in[0].sizes[1];
  if (!exec || built_for[0] != x || built_for[1] != y || built_for[2] != o) {
    if (exec)
      cudaGraphExecDestroy(exec);
    cudaStream_t capture;
    cudaStreamCreateWithFlags(&capture, cudaStreamNonBlocking);
    cudaGraph_t graph;
    cudaStreamBeginCapture(capture, cudaStreamCaptureModeThreadLocal);
    sigmoid_into<<<(n + 255) / 256, 256, 0, capture>>>(y, o, n);
    scale_by<<<(n + 255) / 256, 256, 0, capture>>>(x, o, n);
    cudaError_t e = cudaStreamEndCapture(capture, &graph);
    cudaStreamDestroy(capture);
    if (e != cudaSuccess)
      return (int)e;
    e = cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphDestroy(graph);
    if (e != cudaSuccess)
      return (int)e;
    built_for[0] = x;
    built_for[1] = y;
    built_for[2] = o;
  }
  cudaError_t e = cudaGraphLaunch(exec, stream);
  return e != cudaSuccess ? (int)e : (int)cudaGetLastError();
}
