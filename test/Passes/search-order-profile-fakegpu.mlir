// order=profile end to end on a host without a GPU, through pike-worker's
// TEST-ONLY fake GPU (a search with a worker that sees no GPU now stops before
// profiling: Search/fail-loudly-no-gpu.mlir). The fake "times" each reference
// by the data its slot moves, so the 64x64 slot (region_1) measures slower,
// comes first and is the one max-slots=1 searches; both get their eager time
// and share.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{order=profile max-slots=1 workers=local:1 worker-path=%pike_worker work-dir=%t/work search=budget=1})' -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s < %t/out.mlir

// LOG: warning: worker 1 of 1 is a TEST-ONLY fake GPU
// LOG: pike: order=profile: timing the eager reference of 2 slot function(s)
// LOG-NOT: could not be timed

// CHECK: pike.kernel @region_0
// CHECK-NOT: pike.candidates
// CHECK-SAME: pike.eager_share = 0.12{{[0-9]+}}
// CHECK-SAME: pike.reference_ms = 5.256000e-03
// CHECK: pike.kernel @region_1
// CHECK-SAME: pike.candidates = 1
// CHECK-SAME: pike.eager_share = 0.87{{[0-9]+}}
// CHECK-SAME: pike.reference_ms = 0.0377
func.func @forward(%x: tensor<4x8xf32>, %y: tensor<64x64xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%y) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<64x64xf32>
}
