// Slots a search never reaches (its wall clock, or max-slots here) take their
// tuning-database records, as -pike-apply-tuning-db installs them; a slot the
// search evaluated keeps the search's verdict. Through pike-worker's TEST-ONLY
// fake GPU.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// A first search records both slot functions.
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{min-speedup=0 workers=local:1 worker-path=%pike_worker work-dir=%t/first db=%t/tune.db search=budget=4,parallel=1})' -o %t/first.mlir 2>/dev/null
// RUN: FileCheck %s --check-prefix=FIRST < %t/first.mlir
// A second search reaches only the first slot of its order (max-slots=1); the
// other takes its record from the database.
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{max-slots=1 min-speedup=0 workers=local:1 worker-path=%pike_worker work-dir=%t/second db=%t/tune.db search=budget=2,parallel=1})' -o %t/second.mlir 2>%t/second.err
// RUN: FileCheck %s --check-prefix=LOG < %t/second.err
// RUN: FileCheck %s --check-prefix=SECOND < %t/second.mlir
// Without a database the unreached slot stays PyTorch's.
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{max-slots=1 min-speedup=0 workers=local:1 worker-path=%pike_worker work-dir=%t/nodb search=budget=2,parallel=1})' -o %t/nodb.mlir 2>/dev/null
// RUN: FileCheck %s --check-prefix=NODB < %t/nodb.mlir

// FIRST: pike.kernel @region_0({{.*}}impl = "nvrtc"
// FIRST: pike.kernel @region_1({{.*}}impl = "nvrtc"
// LOG: pike: 1 of 1 slot(s) the search did not reach took their tuning-database record ({{.*}}tune.db)
// The searched slot has the search's own verdict (no record attribute); the other the record's.
// SECOND-DAG: pike.kernel @region_{{[01]}}({{.*}}impl = "nvrtc"{{.*}}pike.db_record = "{{[^"]*}}/sm_90/{{[^"]*}}"{{.*}}pike.origin = "tuning database
// SECOND-DAG: pike.kernel @region_{{[01]}}({{.*}}impl = "nvrtc"{{.*}}pike.verified = "pike-worker: correct on every seed
// NODB: pike.kernel @region_{{[01]}}({{.*}}impl = "reference"

func.func @forward(%x: tensor<4x8xf32>, %a: tensor<64x64xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%a) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<64x64xf32>
}
