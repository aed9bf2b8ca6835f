// order=profile end to end on a host without a GPU: pike-worker cannot time the
// references (runtime_error "no CUDA device"), so the search warns with that
// reason and falls back to size order: max-slots=1 picks the larger slot.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{order=profile max-slots=1 workers=local:1 worker-path=%pike_worker work-dir=%t/work search=budget=1})' -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: FileCheck %s < %t/out.mlir

// WARN: pike: order=profile: timing the eager reference of 2 slot function(s)
// WARN: warning: order=profile: no slot's reference could be timed (runtime_error: no CUDA device{{.*}}); searching in size order

// The larger slot (64x64, region_1) was searched; the other was not.
// CHECK: pike.kernel @region_0
// CHECK-NOT: pike.candidates
// CHECK-SAME: pike.profile_error = "runtime_error: no CUDA device
// CHECK: pike.kernel @region_1
// CHECK-SAME: pike.candidates =
// CHECK-SAME: pike.profile_error = "runtime_error: no CUDA device
func.func @forward(%x: tensor<4x8xf32>, %y: tensor<64x64xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%y) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<64x64xf32>
}
