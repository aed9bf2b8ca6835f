// Honest: the conv_tf32 task (3x3 conv, pad 1, x [8,144,32,32], w [64,144,3,3]) through
// cuDNN in TF32 (CUDNN_TENSOR_OP_MATH), as pike's cuDNN slots run it, with its own
// algorithm choice (the first tensor-op algorithm cuDNN's heuristic lists): issue #14's
// case, where this was `incorrect` against the TF32 reference (6 of 524288 elements past
// atol=rtol=1e-2, max abs err 0.018). Judged against the reference's strict-fp32 twin
// within 3x the reference's own TF32 noise: must be `ok`. State (handle, descriptors,
// workspace) is made on the first call and kept: legitimate static state.
#include "pike/Runtime/KernelABI.h"
#include <cuda_runtime.h>
#include <cudnn.h>

namespace {
struct Conv {
  cudnnHandle_t handle = nullptr;
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  cudnnConvolutionFwdAlgo_t algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM;
  void *workspace = nullptr;
  size_t workspaceBytes = 0;
  int status = 0; // a cudaError_t; non-zero: cannot run
};

Conv init() {
  Conv c;
  auto bad = [&](cudaError_t e) {
    c.status = (int)e;
    return c;
  };
  if (cudnnCreate(&c.handle) != CUDNN_STATUS_SUCCESS)
    return bad(cudaErrorInitializationError);
  if (cudnnCreateTensorDescriptor(&c.x) || cudnnCreateTensorDescriptor(&c.y) || cudnnCreateFilterDescriptor(&c.w) ||
      cudnnCreateConvolutionDescriptor(&c.conv))
    return bad(cudaErrorInitializationError);
  if (cudnnSetTensor4dDescriptor(c.x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 8, 144, 32, 32) ||
      cudnnSetTensor4dDescriptor(c.y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 8, 64, 32, 32) ||
      cudnnSetFilter4dDescriptor(c.w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, 64, 144, 3, 3) ||
      cudnnSetConvolution2dDescriptor(c.conv, 1, 1, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT) ||
      cudnnSetConvolutionMathType(c.conv, CUDNN_TENSOR_OP_MATH))
    return bad(cudaErrorInvalidValue);
  cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  int found = 0;
  if (cudnnGetConvolutionForwardAlgorithm_v7(c.handle, c.x, c.w, c.conv, c.y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
                                             &found, perf) != CUDNN_STATUS_SUCCESS)
    return bad(cudaErrorNotSupported);
  int pick = -1;
  for (int i = 0; i < found && pick < 0; ++i)
    if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].mathType == CUDNN_TENSOR_OP_MATH)
      pick = i;
  for (int i = 0; i < found && pick < 0; ++i)
    if (perf[i].status == CUDNN_STATUS_SUCCESS)
      pick = i;
  if (pick < 0)
    return bad(cudaErrorNotSupported);
  c.algo = perf[pick].algo;
  if (cudnnGetConvolutionForwardWorkspaceSize(c.handle, c.x, c.w, c.conv, c.y, c.algo, &c.workspaceBytes) !=
      CUDNN_STATUS_SUCCESS)
    return bad(cudaErrorNotSupported);
  if (c.workspaceBytes && cudaMalloc(&c.workspace, c.workspaceBytes) != cudaSuccess)
    return bad(cudaErrorMemoryAllocation);
  return c;
}
} // namespace

extern "C" int pike_entry(const PikeTensorRef *in, int32_t nin, PikeTensorRef *out, int32_t nout,
                          cudaStream_t stream) {
  if (nin != 2 || nout != 1)
    return -1;
  static const Conv c = init();
  if (c.status)
    return c.status;
  if (cudnnSetStream(c.handle, stream) != CUDNN_STATUS_SUCCESS)
    return (int)cudaErrorUnknown;
  const float one = 1.0f, zero = 0.0f;
  if (cudnnConvolutionForward(c.handle, &one, c.x, in[0].data, c.w, in[1].data, c.conv, c.algo, c.workspace,
                              c.workspaceBytes, &zero, c.y, out[0].data) != CUDNN_STATUS_SUCCESS)
    return (int)cudaErrorLaunchFailure;
  return (int)cudaGetLastError();
}
