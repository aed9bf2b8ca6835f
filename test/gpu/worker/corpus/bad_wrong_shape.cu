// Broken: writes the [N, M] transpose of C (row/column roles swapped).
#define K 512
#define N 1024
#define M 1024
#define T 16
extern "C" __global__ void gemm(const float *A, const float *B, float *C) {
  __shared__ float As[T][T], Bs[T][T + 1];
  int row = blockIdx.y * T + threadIdx.y, col = blockIdx.x * T + threadIdx.x;
  float acc = 0.f;
  for (int k0 = 0; k0 < K; k0 += T) {
    As[threadIdx.y][threadIdx.x] = A[row * K + k0 + threadIdx.x];
    Bs[threadIdx.y][threadIdx.x] = B[(k0 + threadIdx.y) * N + col];
    __syncthreads();
    for (int k = 0; k < T; ++k)
      acc += As[threadIdx.y][k] * Bs[k][threadIdx.x];
    __syncthreads();
  }
  C[col * M + row] = acc;
}
