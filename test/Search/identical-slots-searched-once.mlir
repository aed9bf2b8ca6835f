// Slots computing the same function are searched once and share the outcome.
// Three sigmoid slots over 64x64 inputs have one fingerprint (values are named
// by position inside the slot, so their place in the module does not matter);
// the relu slot is another function. Through pike-worker's TEST-ONLY fake GPU,
// with budget=2: two searches of two evaluations each, not four searches.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{workers=local:1 worker-path=%pike_worker work-dir=%t/work search=budget=2},pike-region-report{output=%t/report.txt})' -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s < %t/out.mlir
// RUN: FileCheck %s --check-prefix=EVALS < %t/work/search-report.json
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.txt
//
// The package compiles a shared kernel once: with min-speedup=0 every slot
// takes its search's fastest correct candidate, so the three sigmoid slots carry
// one code, get one kernel source and one entry, and the report says so.
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{min-speedup=0 workers=local:1 worker-path=%pike_worker work-dir=%t/any search=budget=3})' -o %t/any.mlir 2>/dev/null
// RUN: pike-opt %t/any.mlir --emit=package -o %t/pkg
// RUN: ls %t/pkg/kernels | FileCheck %s --check-prefix=KERNELS
// RUN: FileCheck %s --check-prefix=SLOTS < %t/pkg/src/slots.c
// RUN: FileCheck %s --check-prefix=MD < %t/pkg/report.md
//
// order=profile with max-slots=1: the three sigmoid slots together take the most
// eager time, so their function is the one searched, and max-slots counts it once.
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{order=profile max-slots=1 workers=local:1 worker-path=%pike_worker work-dir=%t/profile search=budget=1})' -o %t/profile.mlir 2>&1 | FileCheck %s --check-prefix=PLOG
// RUN: FileCheck %s --check-prefix=PROFILE < %t/profile.mlir

// LOG: pike: 4 reference slot(s), 2 distinct function(s); searching 2 (3 slot(s) share a kernel with another)

// CHECK: pike.kernel @region_0
// CHECK-SAME: pike.candidates = 2
// CHECK-NOT: pike.shared_by
// CHECK: pike.kernel @region_1
// CHECK-SAME: pike.candidates = 2
// CHECK-SAME: pike.shared_by = 3
// CHECK: pike.kernel @region_2
// CHECK-SAME: pike.candidates = 2
// CHECK-SAME: pike.shared_by = 3
// CHECK: pike.kernel @region_3
// CHECK-SAME: pike.candidates = 2
// CHECK-SAME: pike.shared_by = 3

// The search ran two tasks, two evaluations each (the budget), no more.
// EVALS: "stopReason": "budget"
// EVALS-COUNT-2: "evaluations": 2,
// EVALS-NOT: "evaluations":

// REPORT: region_0 [elementwise]
// REPORT-NOT: share this kernel
// REPORT: region_1 [elementwise]{{.*}}| 3 slots share this kernel
// REPORT: region_2 [elementwise]{{.*}}| 3 slots share this kernel
// REPORT: region_3 [elementwise]{{.*}}| 3 slots share this kernel

// KERNELS: region_0.cu
// KERNELS-NEXT: region_1.cu
// KERNELS-EMPTY:
// SLOTS: {"region_1", [[ENTRY:pike_[0-9a-f]+_region_1]], 1,
// SLOTS-NEXT: {"region_2", [[ENTRY]], 1,
// SLOTS-NEXT: {"region_3", [[ENTRY]], 1,
// MD: | region_1 |{{.*}}; 3 slots share this kernel |
// MD: | region_3 |{{.*}}; 3 slots share this kernel |

// PLOG: pike: order=profile: timing the eager reference of 2 slot function(s)
// PLOG: pike: 4 reference slot(s), 2 distinct function(s); searching 1 (3 slot(s) share a kernel with another)
// PROFILE: pike.kernel @region_0
// PROFILE-NOT: pike.candidates
// PROFILE-SAME: pike.eager_share
// PROFILE: pike.kernel @region_1
// PROFILE-SAME: pike.candidates = 1
// PROFILE: pike.kernel @region_2
// PROFILE-SAME: pike.candidates = 1
// PROFILE: pike.kernel @region_3
// PROFILE-SAME: pike.candidates = 1
func.func @forward(%x: tensor<4x8xf32>, %a: tensor<64x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x64xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%a) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %2 = pike.aten "aten::sigmoid"(%b) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %3 = pike.aten "aten::sigmoid"(%c) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
}
