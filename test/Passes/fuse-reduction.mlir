// RUN: pike-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(pike-fuse))' | FileCheck %s
// RUN: pike-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(pike-fuse{epilogues=false}))' | FileCheck %s --check-prefix=NOEPI

// S4's kernel: an elementwise DAG (exp(a*l) feeds two products) over inputs
// broadcast to (H,N,L), summed over N, then scaled. The DAG joins the sum as
// its prologue and the scale as its epilogue: one reduction group, and the
// (H,N,L) intermediate never leaves it.
// CHECK-LABEL: func.func @dag_into_sum
// CHECK: %[[G:.*]] = pike.fusion_group "reduction"(%arg0, %arg1, %arg2, %arg3) : (tensor<4x5x1xf32>, tensor<40xf32>, tensor<4x5x1xf32>, tensor<4x5x1xf32>) -> tensor<4x40xf32>
// CHECK: aten::exp
// CHECK: aten::cos
// CHECK: aten::sin
// CHECK: aten::sub
// CHECK: aten::sum
// CHECK: aten::mul
// CHECK: pike.yield %{{.*}} : tensor<4x40xf32>
// CHECK-NOT: pike.fusion_group
// CHECK: return %[[G]]
// Without epilogues the scale stays outside, the prologue still joins.
// NOEPI-LABEL: func.func @dag_into_sum
// NOEPI: pike.fusion_group "reduction"
// NOEPI: aten::sub
// NOEPI: aten::sum
// NOEPI-NEXT: pike.yield
// NOEPI: pike.fusion_group "elementwise"
// NOEPI: aten::mul
func.func @dag_into_sum(%a: tensor<4x5x1xf32>, %l: tensor<40xf32>, %b: tensor<4x5x1xf32>, %c: tensor<4x5x1xf32>) -> tensor<4x40xf32> {
  %two = pike.constant dense<2.0> : tensor<f64>
  %0 = pike.aten "aten::mul"(%a, %l) {operands = ["self", "other"]} : (tensor<4x5x1xf32>, tensor<40xf32>) -> tensor<4x5x40xf32>
  %1 = pike.aten "aten::exp"(%0) {operands = ["self"]} : (tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
  %2 = pike.aten "aten::mul"(%b, %l) {operands = ["self", "other"]} : (tensor<4x5x1xf32>, tensor<40xf32>) -> tensor<4x5x40xf32>
  %3 = pike.aten "aten::cos"(%2) {operands = ["self"]} : (tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
  %4 = pike.aten "aten::mul"(%1, %3) {operands = ["self", "other"]} : (tensor<4x5x40xf32>, tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
  %5 = pike.aten "aten::sin"(%2) {operands = ["self"]} : (tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
  %6 = pike.aten "aten::mul"(%1, %5) {operands = ["self", "other"]} : (tensor<4x5x40xf32>, tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
  %7 = pike.aten "aten::mul"(%c, %6) {operands = ["self", "other"]} : (tensor<4x5x1xf32>, tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
  %8 = pike.aten "aten::sub"(%4, %7) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x5x40xf32>, tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
  %9 = pike.aten "aten::sum"(%8) {dim = array<i64: 1>, dtype, keepdim = false, operands = ["self"]} : (tensor<4x5x40xf32>) -> tensor<4x40xf32>
  %10 = pike.aten "aten::mul"(%9, %two) {operands = ["self", "other"]} : (tensor<4x40xf32>, tensor<f64>) -> tensor<4x40xf32>
  return %10 : tensor<4x40xf32>
}

// -----

// A DAG value also used outside (returned): the DAG must store it anyway, so
// the reduction keeps its own group.
// CHECK-LABEL: func.func @dag_also_returned
// CHECK: pike.fusion_group "elementwise"
// CHECK-NOT: aten::mean
// CHECK: pike.yield
// CHECK: pike.fusion_group "reduction"
// CHECK: aten::mean
func.func @dag_also_returned(%x: tensor<8x16xf32>) -> (tensor<8x16xf32>, tensor<16xf32>) {
  %0 = pike.aten "aten::exp"(%x) {operands = ["self"]} : (tensor<8x16xf32>) -> tensor<8x16xf32>
  %1 = pike.aten "aten::mul"(%0, %x) {operands = ["self", "other"]} : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %2 = pike.aten "aten::add"(%0, %1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %3 = pike.aten "aten::mean"(%2) {dim = array<i64: 0>, dtype, keepdim = false, operands = ["self"]} : (tensor<8x16xf32>) -> tensor<16xf32>
  return %1, %3 : tensor<8x16xf32>, tensor<16xf32>
}

// -----

// A DAG feeding two reductions stays one elementwise group: a reduction
// region has one reduction.
// CHECK-LABEL: func.func @dag_into_two
// CHECK: pike.fusion_group "elementwise"
// CHECK: pike.fusion_group "reduction"
// CHECK: aten::amax
// CHECK: pike.fusion_group "reduction"
// CHECK: aten::amin
func.func @dag_into_two(%x: tensor<8x16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %0 = pike.aten "aten::exp"(%x) {operands = ["self"]} : (tensor<8x16xf32>) -> tensor<8x16xf32>
  %1 = pike.aten "aten::mul"(%0, %x) {operands = ["self", "other"]} : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %2 = pike.aten "aten::add"(%0, %1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %3 = pike.aten "aten::amax"(%2) {dim = array<i64: 0>, keepdim = false, operands = ["self"]} : (tensor<8x16xf32>) -> tensor<16xf32>
  %4 = pike.aten "aten::amin"(%2) {dim = array<i64: 0>, keepdim = false, operands = ["self"]} : (tensor<8x16xf32>) -> tensor<16xf32>
  return %3, %4 : tensor<16xf32>, tensor<16xf32>
}

// -----

// A straight elementwise chain ending in a reduction takes the reduction's
// epilogue chain too (square -> sum -> sqrt: one group).
// CHECK-LABEL: func.func @chain_sum_sqrt
// CHECK: pike.fusion_group "reduction"
// CHECK: aten::mul
// CHECK: aten::sum
// CHECK: aten::sqrt
// CHECK: pike.yield
// CHECK-NOT: pike.fusion_group
// NOEPI-LABEL: func.func @chain_sum_sqrt
// NOEPI: pike.fusion_group "reduction"
// NOEPI: aten::sum
// NOEPI-NEXT: pike.yield
// NOEPI: pike.fusion_group "elementwise"
// NOEPI: aten::sqrt
func.func @chain_sum_sqrt(%x: tensor<8x16xf32>) -> tensor<8xf32> {
  %0 = pike.aten "aten::mul"(%x, %x) {operands = ["self", "other"]} : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %1 = pike.aten "aten::sum"(%0) {dim = array<i64: 1>, dtype, keepdim = false, operands = ["self"]} : (tensor<8x16xf32>) -> tensor<8xf32>
  %2 = pike.aten "aten::sqrt"(%1) {operands = ["self"]} : (tensor<8xf32>) -> tensor<8xf32>
  return %2 : tensor<8xf32>
}

// -----

// Scans are no value reductions: a chain into cumsum keeps ending there (its
// elementwise consumers form their own group), and a DAG feeding a cumsum
// stays an elementwise group.
// CHECK-LABEL: func.func @chain_into_cumsum
// CHECK: pike.fusion_group "reduction"
// CHECK: aten::exp
// CHECK: aten::cumsum
// CHECK-NEXT: pike.yield
// CHECK: pike.fusion_group "elementwise"
// CHECK: aten::neg
func.func @chain_into_cumsum(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %0 = pike.aten "aten::exp"(%x) {operands = ["self"]} : (tensor<8x16xf32>) -> tensor<8x16xf32>
  %1 = pike.aten "aten::cumsum"(%0) {dim = 1 : i64, dtype, operands = ["self"]} : (tensor<8x16xf32>) -> tensor<8x16xf32>
  %2 = pike.aten "aten::neg"(%1) {operands = ["self"]} : (tensor<8x16xf32>) -> tensor<8x16xf32>
  return %2 : tensor<8x16xf32>
}

// -----

// CHECK-LABEL: func.func @dag_into_cumsum
// CHECK: pike.fusion_group "elementwise"
// CHECK-NOT: aten::cumsum
// CHECK: pike.yield
// CHECK: aten::cumsum
func.func @dag_into_cumsum(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %0 = pike.aten "aten::exp"(%x) {operands = ["self"]} : (tensor<8x16xf32>) -> tensor<8x16xf32>
  %1 = pike.aten "aten::mul"(%0, %x) {operands = ["self", "other"]} : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %2 = pike.aten "aten::add"(%0, %1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<8x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  %3 = pike.aten "aten::cumsum"(%2) {dim = 1 : i64, dtype, operands = ["self"]} : (tensor<8x16xf32>) -> tensor<8x16xf32>
  return %3 : tensor<8x16xf32>
}
