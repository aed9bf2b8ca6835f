// Slots with an aten::cat the generator cannot read in place keep their
// reference body, with a remark saying why.
// RUN: pike-opt %s -pike-generate-kernels -verify-diagnostics -split-input-file | FileCheck %s

// Only the elementwise DAG reads a cat in place; a row op (layer norm) does not.
// CHECK-LABEL: pike.kernel @row
// CHECK-SAME: impl = "reference"
// expected-remark @+1 {{cannot generate a kernel for slot 'row': 'aten::cat' is read in place only by elementwise regions, not in a region with a contraction, reduction, normalization other than inference batch_norm, pooling or scan}}
pike.kernel @row(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>, %w: tensor<8xf32>, %bb: tensor<8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_row", impl = "reference", pike.pattern = "norm_activation"} {
  %0 = pike.aten "aten::cat"(%a, %b) {dim = 1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::layer_norm"(%0, %w, %bb) {cudnn_enable = true, eps = 1.000000e-05 : f64, normalized_shape = array<i64: 8>, operands = ["input", "weight", "bias"]} : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  pike.yield %1 : tensor<4x8xf32>
}

// -----

// An operand computed inside the region would have to be evaluated at the
// operand's own coordinates: not done (pike-fuse only pulls in cats of slot inputs).
// CHECK-LABEL: pike.kernel @inner
// CHECK-SAME: impl = "reference"
pike.kernel @inner(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) -> tensor<4x8xf32> attributes {entry = "pike_inner", impl = "reference", pike.pattern = "elementwise"} {
  %0 = pike.aten "aten::relu"(%a) {operands = ["self"]} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  // expected-remark @+1 {{cannot generate a kernel for slot 'inner': aten::cat operand 0 is computed inside the region; only slot inputs and constants are read in place}}
  %1 = pike.aten "aten::cat"(%0, %b) {dim = 1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x8xf32>
  %2 = pike.aten "aten::tanh"(%1) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  pike.yield %2 : tensor<4x8xf32>
}

// -----

// Operands that do not add up to the result (invalid IR from a hand-written
// file): refused, not miscompiled.
// CHECK-LABEL: pike.kernel @sizes
// CHECK-SAME: impl = "reference"
pike.kernel @sizes(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) -> tensor<4x9xf32> attributes {entry = "pike_sizes", impl = "reference", pike.pattern = "elementwise"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'sizes': aten::cat operands do not add up to the result's size along the cat dim}}
  %0 = pike.aten "aten::cat"(%a, %b) {dim = 1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x9xf32>
  %1 = pike.aten "aten::tanh"(%0) {operands = ["self"]} : (tensor<4x9xf32>) -> tensor<4x9xf32>
  pike.yield %1 : tensor<4x9xf32>
}

// -----

// CHECK-LABEL: pike.kernel @bad_dim
// CHECK-SAME: impl = "reference"
pike.kernel @bad_dim(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) -> tensor<4x8xf32> attributes {entry = "pike_bad_dim", impl = "reference", pike.pattern = "elementwise"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'bad_dim': aten::cat dim 2 is out of range for rank 2}}
  %0 = pike.aten "aten::cat"(%a, %b) {dim = 2 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::tanh"(%0) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  pike.yield %1 : tensor<4x8xf32>
}
