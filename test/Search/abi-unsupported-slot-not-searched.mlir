// A slot whose buffers the kernel ABI cannot carry (a complex FFT result) is left
// with its reference and says why, and the other slots are still searched. It
// used to fail the whole search ("result #0 has element type 'complex<f32>', which
// the kernel ABI has no dtype for": the H100 run h100-full-20261207b searched
// none of level-5 S4's 8 slots).
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{workers=local:1 worker-path=%pike_worker work-dir=%t/work order=size search=budget=1000,wall-clock-sec=0.000001})' -o %t/out.mlir
// RUN: FileCheck %s < %t/out.mlir
// CHECK-LABEL: pike.kernel @region_0
// CHECK-SAME: pike.fallback_reason = "not searched: result #0 has element type 'complex<f32>', which the kernel ABI has no dtype for"
// CHECK-LABEL: pike.kernel @region_1
// CHECK-SAME: pike.fallback_reason = "not searched: the search stopped (wall_clock) before this slot's first candidate"
func.func @forward(%x: tensor<4x8xf32>, %y: tensor<64x64xf32>) -> (tensor<4x5xcomplex<f32>>, tensor<64x64xf32>) {
  %0 = pike.aten "aten::fft_rfft"(%x) {dim = -1 : i64, operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x5xcomplex<f32>>
  %1 = pike.aten "aten::sigmoid"(%y) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1 : tensor<4x5xcomplex<f32>>, tensor<64x64xf32>
}
