// profile-share: under a search-time the eager profile (order=auto profiles
// then) may use only a share of it. Through pike-worker's TEST-ONLY fake GPU
// whose every reference timing takes 300 ms (PIKE_WORKER_FAKE_REFERENCE_MS, a
// busy GPU): search-time=5s x profile-share=0.2 gives the profile 1 s, so at
// most 4 of the 6 slot functions are asked (at 0, 0.3, 0.6 and 0.9 s), the
// largest first, and the rest get a time estimated from the measured ones
// (pike.reference_ms_estimated, never pike.reference_ms), which still weighs
// their part of the split: "split by eager time", not by size.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 PIKE_WORKER_FAKE_REFERENCE_MS=300 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{search-time=5s profile-share=0.2 min-slot-time=0.2s workers=local:1 worker-path=%pike_worker work-dir=%t/work search=budget=1000000})' -o %t/out.mlir 2>%t/log.txt
// RUN: FileCheck %s --check-prefix=LOG < %t/log.txt
// RUN: %python %S/Inputs/check_profile_budget.py %t/out.mlir %t/log.txt 6 4 1 | FileCheck %s --check-prefix=BUDGET
// RUN: FileCheck %s --check-prefix=ATTR < %t/out.mlir
// The region report and the package report say which times are estimates.
// RUN: pike-opt %t/out.mlir -pass-pipeline='builtin.module(pike-region-report{output=%t/regions.txt})' -o /dev/null
// RUN: FileCheck %s --check-prefix=REGIONS < %t/regions.txt
// RUN: pike-opt %t/out.mlir --emit=package -o %t/pkg
// RUN: FileCheck %s --check-prefix=MD < %t/pkg/report.md
//
// Without a search-time the profile has no budget: all 6 are measured.
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 PIKE_WORKER_FAKE_REFERENCE_MS=50 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{order=profile max-slots=1 profile-share=0.2 workers=local:1 worker-path=%pike_worker work-dir=%t/work-all search=budget=1})' -o %t/all.mlir 2>&1 | FileCheck %s --check-prefix=ALL
// RUN: FileCheck %s --check-prefix=ALL-ATTR < %t/all.mlir
//
// A share outside (0, 1] is refused before any worker starts.
// RUN: not pike-opt %s -pike-search="search-time=10s profile-share=0 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not pike-opt %s -pike-search="profile-share=1.5 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-HIGH

// LOG: pike: order=profile: timing the eager reference of 6 slot function(s), largest first, for at most 1s (profile-share 0.2 of search-time 5s)
// LOG: pike: order=profile: profiled {{[1-4]}} of 6 slot function(s) in {{[0-9.]+}}s, {{[2-5]}} estimated from the measured ones ({{[2-5]}} not asked: the profile's share was spent); a request took {{[0-9.]+}}s (median)
// LOG: pike: search-time 5s: profile and references took {{[0-9.]+}}s; {{.*}} split by eager time ({{[0-9]+}} of them estimated) with a floor of 0.2s
// BUDGET: ok: {{[1-4]}} of 6 measured (the largest), {{[2-5]}} estimated (the smallest), profile {{[0-9.]+}} s for a 1 s share
// ATTR: pike.search_time = "5s: {{.*}} wall (profile {{[0-9.]+}}s: {{[1-4]}} slot function(s) measured, {{[2-5]}} estimated; profile and references {{.*}}), {{.*}} of search jobs over 6 slot function(s)
// ATTR: pike.kernel @region_0({{.*}}pike.reference_ms_estimated =
// REGIONS: region_0 {{.*}}| eager {{.*}}~{{[0-9.e-]+}} ms estimated{{.*}} ({{[0-9.]+}}%)
// MD: | region_0 | {{.*}} (~{{[0-9.]+}}% of eager, estimated) |
// ALL: pike: order=profile: timing the eager reference of 6 slot function(s), largest first
// ALL-NOT: for at most
// ALL: pike: order=profile: profiled 6 of 6 slot function(s) in {{[0-9.]+}}s, 0 estimated from the measured ones; a request took
// ALL-ATTR-NOT: pike.reference_ms_estimated
// BAD: error: profile-share=0: must be more than 0 and at most 1 (the part of search-time the eager profile may use)
// BAD-HIGH: error: profile-share=1.5: must be more than 0 and at most 1
func.func @forward(%a: tensor<4x8xf32>, %b: tensor<16x16xf32>, %c: tensor<32x32xf32>, %d: tensor<64x64xf32>, %e: tensor<128x128xf32>, %f: tensor<256x256xf32>) -> (tensor<4x8xf32>, tensor<16x16xf32>, tensor<32x32xf32>, tensor<64x64xf32>, tensor<128x128xf32>, tensor<256x256xf32>) {
  %0 = pike.aten "aten::relu"(%a) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%b) {operands = ["self"]} : (tensor<16x16xf32>) -> tensor<16x16xf32>
  %2 = pike.aten "aten::tanh"(%c) {operands = ["self"]} : (tensor<32x32xf32>) -> tensor<32x32xf32>
  %3 = pike.aten "aten::relu"(%d) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %4 = pike.aten "aten::sigmoid"(%e) {operands = ["self"]} : (tensor<128x128xf32>) -> tensor<128x128xf32>
  %5 = pike.aten "aten::tanh"(%f) {operands = ["self"]} : (tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<4x8xf32>, tensor<16x16xf32>, tensor<32x32xf32>, tensor<64x64xf32>, tensor<128x128xf32>, tensor<256x256xf32>
}
