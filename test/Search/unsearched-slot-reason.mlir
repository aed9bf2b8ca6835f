// A slot the search never reached says so: not "no candidate could be
// generated", which blames the generator (the H100 run of ResNet-20 reported
// 12 of its 21 convolutions that way when the wall clock had stopped the search).
// wall-clock-sec far below one job stops the search before any proposal.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{workers=local:1 worker-path=%pike_worker work-dir=%t/work order=size search=budget=1000,wall-clock-sec=0.000001})' -o %t/out.mlir 2>/dev/null
// RUN: FileCheck %s < %t/out.mlir
// CHECK-LABEL: pike.kernel @region_0
// CHECK-SAME: pike.fallback_reason = "not searched: the search stopped (wall_clock) before this slot's first candidate"
// CHECK-LABEL: pike.kernel @region_1
// CHECK-SAME: pike.fallback_reason = "not searched: the search stopped (wall_clock) before this slot's first candidate"
// CHECK-NOT: no candidate could be generated
func.func @forward(%x: tensor<4x8xf32>, %y: tensor<64x64xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%y) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<64x64xf32>
}
