// cuBLAS on the handle's default stream, and cuBLASLt on another stream.
#include <cuda_runtime.h>
#include <cublas_v2.h>
#include <cublasLt.h>
#include "pike/Runtime/KernelABI.h"

extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  static cublasHandle_t handle = nullptr;
  if (!handle) cublasCreate(&handle);
  const float alpha = 1.f, beta = 0.f;
  int n = (int)inputs[0].sizes[0];
  cublasSgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha, // EXPECT: [stream]
              (const float *)inputs[0].data, n, (const float *)inputs[1].data, n, &beta,
              (float *)outputs[0].data, n);
  cublasLtHandle_t lt;
  cublasLtCreate(&lt);
  cublasLtMatmul(lt, nullptr, &alpha, inputs[0].data, nullptr, inputs[1].data, nullptr, &beta,
                 outputs[0].data, nullptr, outputs[0].data, nullptr, nullptr, nullptr, 0,
                 cudaStreamPerThread); // EXPECT: [stream]
  cublasLtDestroy(lt);
  float host[4];
  cublasGetVector(4, sizeof(float), outputs[0].data, 1, host, 1); // EXPECT: [stream]
  return 0;
}
