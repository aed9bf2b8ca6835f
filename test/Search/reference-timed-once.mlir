// A slot function's reference is timed once per search, not in every
// evaluation: after the first timed reply of a task the workers get
// timing.reference=false, and each later result carries the kept time
// (details.timing.reference "reused", with the candidate that measured it), so
// speed-ups are unchanged. Every request carries the timing budget
// timing-budget-ms= (default 30). Through pike-worker's TEST-ONLY fake GPU, which
// honours timing.reference and echoes the timing it was asked for.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{workers=local:1 worker-path=%pike_worker work-dir=%t/work search=budget=6,parallel=1})' -o %t/out.mlir 2>/dev/null
// RUN: %python %S/Inputs/check_reference_timing.py %t/work/checkpoint.jsonl 30 | FileCheck %s --check-prefix=ONCE
// RUN: FileCheck %s --check-prefix=KEPT < %t/out.mlir
//
// timing-budget-ms= reaches every request (pike-llm-search shares the option).
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{timing-budget-ms=12.5 workers=local:1 worker-path=%pike_worker work-dir=%t/budget search=budget=3,parallel=1})' -o /dev/null 2>/dev/null
// RUN: %python %S/Inputs/check_reference_timing.py %t/budget/checkpoint.jsonl 12.5 | FileCheck %s --check-prefix=ONCE
//
// A budget outside (0, 60000] is refused before any worker starts.
// RUN: not pike-opt %s -pike-search="timing-budget-ms=0 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-ZERO
// RUN: not pike-opt %s -pike-search="timing-budget-ms=60001 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-HIGH
// RUN: not pike-opt %s -pike-llm-search="timing-budget-ms=-5 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-NEG

// ONCE: ok: 2 task(s), each reference timed once; {{[1-9][0-9]*}} result(s) reused it
// A searched slot's pike.reference_ms is the search's (kept) reference time.
// KEPT: pike.kernel @region_0({{.*}}pike.reference_ms =
// KEPT: pike.kernel @region_1({{.*}}pike.reference_ms =
// BAD-ZERO: error: timing-budget-ms=0: must be more than 0 and at most 60000 (the workers' timing budget per side, in ms)
// BAD-HIGH: error: timing-budget-ms=60001: must be more than 0 and at most 60000
// BAD-NEG: error: timing-budget-ms=-5: must be more than 0 and at most 60000

func.func @forward(%x: tensor<4x8xf32>, %a: tensor<64x64xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%a) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<64x64xf32>
}
