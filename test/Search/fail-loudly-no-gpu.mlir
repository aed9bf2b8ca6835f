// A search whose worker sees no GPU stops before it spends anything (issue #15):
// exit 1 and the worker's own reason, for either slot order (order=profile would
// otherwise time references first). CUDA_VISIBLE_DEVICES=-1 hides any GPU, so
// this holds on a GPU host too. The default worker-path finds the build's
// pike-worker beside pike-opt's directory.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: env CUDA_VISIBLE_DEVICES=-1 not pike-opt %s --emit=package -o %t/pkg -pike-search="worker-path=%pike_worker work-dir=%t/work db=%t/tune.db" 2>&1 | FileCheck %s -DWORKER=%pike_worker
// RUN: not test -e %t/work
// RUN: not test -e %t/tune.db
// RUN: not test -e %t/pkg/report.json
// RUN: env CUDA_VISIBLE_DEVICES=-1 not pike-opt %s --emit=kernels -o /dev/null -pike-search="order=profile work-dir=%t/work" 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: env CUDA_VISIBLE_DEVICES=-1 not pike-opt %s --emit=kernels -o /dev/null -pike-search="workers=local:2 worker-path=%pike_worker work-dir=%t/work" 2>&1 | FileCheck %s --check-prefix=TWO

// The TEST-ONLY fake GPU passes the check, with a warning; it refuses to run
// unless the test-only ops are on too.
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s --emit=kernels -o /dev/null -pike-search="worker-path=%pike_worker work-dir=%t/fake search=budget=1" 2>&1 | FileCheck %s --check-prefix=FAKE
// RUN: env PIKE_WORKER_FAKE_GPU=1 not pike-opt %s --emit=kernels -o /dev/null -pike-search="worker-path=%pike_worker work-dir=%t/work" 2>&1 | FileCheck %s --check-prefix=FAKE-ALONE

// CHECK: error: cannot start the search: cannot use pike-worker '[[WORKER]]': worker 1 of 1: it sees no GPU (no CUDA device: {{.+}}); the search stopped before spending anything
// CHECK-NOT: search gen
// DEFAULT: error: cannot start the search: cannot use pike-worker '{{.*}}/tools/pike-worker/pike-worker': worker 1 of 1: it sees no GPU (no CUDA device
// DEFAULT-NOT: timing the eager reference
// TWO: error: cannot start the search: cannot use pike-worker '{{.*}}': worker 1 of 2: it sees no GPU
// FAKE: warning: worker 1 of 1 is a TEST-ONLY fake GPU (PIKE_WORKER_FAKE_GPU=1): its verdicts and times are invented, not measured
// FAKE: search gen 1 | queries 1/1
// FAKE-ALONE: pike-worker: PIKE_WORKER_FAKE_GPU=1 is a test-only mode and needs PIKE_WORKER_TEST_OPS=1
// FAKE-ALONE: error: cannot start the search: cannot use pike-worker '{{.*}}': worker 1 of 1: worker {{.*}}[pid {{[0-9]+}}] exited with status 2

func.func @forward(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
