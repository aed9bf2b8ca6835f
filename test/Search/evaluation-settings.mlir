// What every candidate's evaluate request asks of the worker, from the search
// pass's settings: no CUPTI kernel list unless kernel-profile=true (35-55 ms of
// the GPU phase all searches wait on, which nothing in the search reads), and
// tf32_bound under the strict fp32 policy only (no rtol slack where a
// reference has TF32 sites, docs/worker-protocol.md); under a relaxed policy
// timing.reference_tf32 (the reference timed with TF32 on, as that policy's
// package runs the slots it keeps). Through pike-worker's TEST-ONLY fake GPU,
// which echoes all three.
// REQUIRES: worker
// RUN: rm -rf %t && mkdir -p %t
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{workers=local:1 worker-path=%pike_worker work-dir=%t/default search=budget=2,parallel=1})' -o /dev/null 2>/dev/null
// RUN: %python %S/Inputs/check_request_settings.py %t/default/checkpoint.jsonl | FileCheck %s --check-prefix=DEFAULT
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{kernel-profile=true workers=local:1 worker-path=%pike_worker work-dir=%t/profile search=budget=2,parallel=1})' -o /dev/null 2>/dev/null
// RUN: %python %S/Inputs/check_request_settings.py %t/profile/checkpoint.jsonl | FileCheck %s --check-prefix=PROFILE
// RUN: env PIKE_WORKER_TEST_OPS=1 PIKE_WORKER_FAKE_GPU=1 pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-search{precision=bf16 workers=local:1 worker-path=%pike_worker work-dir=%t/bf16 search=budget=2,parallel=1})' -o /dev/null 2>/dev/null
// RUN: %python %S/Inputs/check_request_settings.py %t/bf16/checkpoint.jsonl | FileCheck %s --check-prefix=BF16

// DEFAULT: candidates: profile=false tf32_bound=true reference_tf32=false
// PROFILE: candidates: profile=true tf32_bound=true reference_tf32=false
// BF16: candidates: profile=false tf32_bound=false reference_tf32=true

func.func @forward(%x: tensor<4x8xf32>, %a: tensor<64x64xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%a) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<64x64xf32>
}
