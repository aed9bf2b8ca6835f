// --search-time: the profile comes first (order=auto profiles when a time
// budget is given), then what is left is split over the slot functions by
// their eager time, each with a floor, and every slot stops at its allotment.
// Through pike-worker's TEST-ONLY fake GPU, whose reference "times" grow with
// the data a slot moves: the 256x256 tanh gets the most time, the 4x8 relu the
// least. The query budget is far out of reach, so time is what stops the search.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{search-time=4s min-slot-time=0.2s workers=local:1 worker-path=%pike_worker work-dir=%t/work search=budget=1000000})' -o %t/out.mlir 2>&1 | FileCheck %s --check-prefix=LOG
// RUN: %python %S/Inputs/check_time_split.py %t/out.mlir 4 0.5 | FileCheck %s --check-prefix=SPLIT
// RUN: FileCheck %s < %t/out.mlir
// The package report says how the time was spent.
// RUN: pike-opt %t/out.mlir --emit=package -o %t/pkg
// RUN: FileCheck %s --check-prefix=MD < %t/pkg/report.md
//
// Bad durations are refused before any worker starts.
// RUN: not pike-opt %s -pike-search="search-time=10x worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not pike-opt %s -pike-search="min-slot-time=0 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-FLOOR
// RUN: not pike-opt %s --search-time=10m -o /dev/null 2>&1 | FileCheck %s --check-prefix=NO-SEARCH
// RUN: not pike-opt %s --search-time=soon -pike-search="worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-CLI

// LOG: pike: order=profile: timing the eager reference of 3 slot function(s)
// LOG: pike: search-time 4s: profile and references took {{[0-9.]+}}s; {{[0-9.]+}}s for 3 slot function(s) x 1 job(s) in flight, split by eager time with a floor of 0.2s
// SPLIT: ok: 3 slots, allotments follow eager time, none over its allotment
// CHECK: module attributes {{{.*}}pike.search_stop = "{{slot_time|wall_clock}}", pike.search_time = "4s: {{.*}} wall (profile {{.*}}: 3 slot function(s) measured, 0 estimated; profile and references {{.*}}), {{.*}} of search jobs over 3 slot function(s), stop: {{slot_time|wall_clock}}"
// MD: - search time 4s: {{.*}} of search jobs over 3 slot function(s)
// MD: | region_0 |{{.*}}searched {{[0-9.]+}} s of {{[0-9.]+}} s allotted |
// BAD: error: search-time: bad duration '10x': unknown unit 'x' (expected seconds or a sum of <number>h, <number>m, <number>s, e.g. 10m, 1h30m, 90s)
// BAD-FLOOR: error: min-slot-time: bad duration '0': must be more than 0
// NO-SEARCH: error: --search-time=10m needs a search pass (-pike-search or -pike-llm-search)
// BAD-CLI: error: --search-time: bad duration 'soon': expected a number at 'soon'
func.func @forward(%x: tensor<4x8xf32>, %y: tensor<64x64xf32>, %z: tensor<256x256xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>, tensor<256x256xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%y) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %2 = pike.aten "aten::tanh"(%z) {operands = ["self"]} : (tensor<256x256xf32>) -> tensor<256x256xf32>
  return %0, %1, %2 : tensor<4x8xf32>, tensor<64x64xf32>, tensor<256x256xf32>
}
