// order=size|profile on both search passes: a bad value is rejected before any
// worker or LLM client starts; the eager profile a search records shows in the
// region report.
// RUN: not pike-opt %s -pike-search="order=bogus worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not pike-opt %s -pike-llm-search="order=bogus worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD-LLM
// RUN: pike-opt %s -pass-pipeline='builtin.module(pike-region-report)' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: pike-opt %s -pass-pipeline='builtin.module(pike-region-report{output=%t.json})' -o /dev/null
// RUN: FileCheck %s --check-prefix=JSON < %t.json

// BAD: error: bad order 'bogus': expected 'size' (largest signature first), 'profile' (largest measured eager time first) or 'auto'
// BAD-LLM: error: {{bad order 'bogus'|this pike-opt was built without the LLM clients}}

// REPORT: // region_0 [elementwise] ops=1 flops={{[0-9]+}} bytes={{[0-9]+}} : aten::relu | eager 0.25 ms (25.0%)
// REPORT: // region_1 [elementwise] ops=1 flops={{[0-9]+}} bytes={{[0-9]+}} : aten::sigmoid{{$}}
// JSON: "name": "region_0"
// JSON: "reference_ms": 0.25
// JSON-NEXT: "eager_share": 0.25
// JSON: "name": "region_1"
// JSON-NOT: eager_share

func.func @forward(%x: tensor<4x8xf32>, %y: tensor<64x64xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>) {
  %0 = pike.call @region_0(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.call @region_1(%y) : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<64x64xf32>
}
pike.kernel @region_0(%arg0: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_region_0", impl = "reference", pike.pattern = "elementwise", pike.reference_ms = 2.500000e-01 : f64, pike.eager_share = 2.500000e-01 : f64} {
  %0 = pike.aten "aten::relu"(%arg0) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  pike.yield %0 : tensor<4x8xf32>
}
pike.kernel @region_1(%arg0: tensor<64x64xf32>) -> tensor<64x64xf32> attributes {entry = "pike_region_1", impl = "reference", pike.pattern = "elementwise", pike.profile_error = "runtime_error: no CUDA device"} {
  %0 = pike.aten "aten::sigmoid"(%arg0) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  pike.yield %0 : tensor<64x64xf32>
}
