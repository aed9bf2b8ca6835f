// Reduction slots the axis-reduction generator (Reduce.cpp) declines go to the
// row generator (RowOps.cpp), which names why it refuses them; the slot keeps
// its reference.
// RUN: pike-opt %s -pike-generate-kernels -verify-diagnostics -split-input-file | FileCheck %s

// var / std / logsumexp have no axis-reduction kernel: rows over adjacent dims only.
// CHECK-LABEL: pike.kernel @var_skip
// CHECK-SAME: impl = "reference"
pike.kernel @var_skip(%x: tensor<3x4x5xf32>) -> tensor<4xf32> attributes {entry = "pike_var_skip", impl = "reference", pike.pattern = "reduction"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'var_skip': 'aten::var' over dims that are not adjacent}}
  %0 = pike.aten "aten::var"(%x) {dim = array<i64: 0, 2>, correction = 1 : i64, keepdim = false, operands = ["self"]} : (tensor<3x4x5xf32>) -> tensor<4xf32>
  pike.yield %0 : tensor<4xf32>
}

// -----

// Integer reductions.
// CHECK-LABEL: pike.kernel @ints
// CHECK-SAME: impl = "reference"
pike.kernel @ints(%x: tensor<6x8xi64>) -> tensor<8xi64> attributes {entry = "pike_ints", impl = "reference", pike.pattern = "reduction"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'ints': 'aten::sum' on non-floating tensors}}
  %0 = pike.aten "aten::sum"(%x) {dim = array<i64: 0>, dtype, keepdim = false, operands = ["self"]} : (tensor<6x8xi64>) -> tensor<8xi64>
  pike.yield %0 : tensor<8xi64>
}

// -----

// An output of the input's shape beside the reduced one (pike-fuse never makes
// such a region: a prologue value used outside keeps the reduction apart).
// CHECK-LABEL: pike.kernel @both
// CHECK-SAME: impl = "reference"
pike.kernel @both(%x: tensor<6x8xf32>) -> (tensor<6x8xf32>, tensor<8xf32>) attributes {entry = "pike_both", impl = "reference", pike.pattern = "reduction"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'both': an output of this row region does not have the shape of the sum result}}
  %0 = pike.aten "aten::exp"(%x) {operands = ["self"]} : (tensor<6x8xf32>) -> tensor<6x8xf32>
  %1 = pike.aten "aten::sum"(%0) {dim = array<i64: 0>, dtype, keepdim = false, operands = ["self"]} : (tensor<6x8xf32>) -> tensor<8xf32>
  pike.yield %0, %1 : tensor<6x8xf32>, tensor<8xf32>
}

// -----

// max along a dim returns values and indices.
// CHECK-LABEL: pike.kernel @maxdim
// CHECK-SAME: impl = "reference"
pike.kernel @maxdim(%x: tensor<6x8xf32>) -> (tensor<8xf32>, tensor<8xi64>) attributes {entry = "pike_maxdim", impl = "reference", pike.pattern = "reduction"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'maxdim': 'aten::max' with several results}}
  %0:2 = pike.aten "aten::max"(%x) {dim = 0 : i64, keepdim = false, operands = ["self"]} : (tensor<6x8xf32>) -> (tensor<8xf32>, tensor<8xi64>)
  pike.yield %0#0, %0#1 : tensor<8xf32>, tensor<8xi64>
}

// -----

// Nothing to reduce over.
// CHECK-LABEL: pike.kernel @empty
// CHECK-SAME: impl = "reference"
pike.kernel @empty(%x: tensor<0x8xf32>) -> tensor<8xf32> attributes {entry = "pike_empty", impl = "reference", pike.pattern = "reduction"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'empty': empty rows}}
  %0 = pike.aten "aten::amax"(%x) {dim = array<i64: 0>, keepdim = false, operands = ["self"]} : (tensor<0x8xf32>) -> tensor<8xf32>
  pike.yield %0 : tensor<8xf32>
}
