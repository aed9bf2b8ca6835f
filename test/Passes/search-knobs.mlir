// The search knobs are options of both search passes (declared once in
// Passes.td); the older search= string is applied on top of them, so the keys
// it names win. A bad knob is an error naming it, before any worker starts.
// RUN: not pike-opt %s "-pike-search=budget=0 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not pike-opt %s "-pike-llm-search=islands=0 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ISLANDS
// RUN: not pike-opt %s "-pike-search=parents-per-proposal=3 search=elite-k=2 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=LAYERED
// RUN: not pike-opt %s "-pike-search=elite-k=2 search=parents-per-proposal=3 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=LAYERED
// RUN: not pike-opt %s "-pike-search=elite-k=2 search=elite-k=4,parents-per-proposal=3 worker-path=/nonexistent/pike-worker" -o /dev/null 2>&1 | FileCheck %s --check-prefix=STARTS
// Each pass keeps its own defaults (pike-search: budget 8, one island; pike-llm-search: budget 300, 4 in flight).
// RUN: not pike-opt %s -pike-search=worker-path=/nonexistent/pike-worker -pike-llm-search=worker-path=/nonexistent/pike-worker --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFAULTS

// BUDGET: error: bad search options: search option 'budget': must be >= 1
// ISLANDS: error: {{bad search options: search option 'islands': must be >= 1|this pike-opt was built without the LLM clients}}
// LAYERED: error: bad search options: search option 'parentsPerProposal': must be in [0, eliteK=2]
// STARTS: error: cannot start the search: no pike-worker executable
// DEFAULTS: pike-search{arch={{[a-z0-9_]+}} atol=-1.000000e+00 budget=8 {{.*}} elite-k=3 {{.*}} islands=1 {{.*}} parallel=1
// DEFAULTS-SAME: pike-llm-search{arch={{[a-z0-9_]+}} atol=-1.000000e+00 budget=300 {{.*}} elite-k=3 {{.*}} islands=1 {{.*}} parallel=4

func.func @forward(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = pike.call @region_0(%x) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
pike.kernel @region_0(%arg0: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_region_0", impl = "reference", pike.pattern = "elementwise"} {
  %0 = pike.aten "aten::relu"(%arg0) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  pike.yield %0 : tensor<4x8xf32>
}
