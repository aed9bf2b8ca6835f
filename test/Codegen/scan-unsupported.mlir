// cumsum slots the generator refuses keep their reference with a remark.
// RUN: pike-opt %s -pike-generate-kernels -verify-diagnostics -split-input-file | FileCheck %s

// CHECK-LABEL: pike.kernel @ints
// CHECK-SAME: impl = "reference"
pike.kernel @ints(%x: tensor<4x8xi64>) -> tensor<4x8xi64> attributes {entry = "pike_ints", impl = "reference", pike.pattern = "reduction"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'ints': cumsum on non-f32 tensors has no code generator}}
  %0 = pike.aten "aten::cumsum"(%x) {dim = 1 : i64, dtype, operands = ["self"]} : (tensor<4x8xi64>) -> tensor<4x8xi64>
  pike.yield %0 : tensor<4x8xi64>
}

// -----

// CHECK-LABEL: pike.kernel @two
// CHECK-SAME: impl = "reference"
// expected-remark @+1 {{cannot generate a kernel for slot 'two': a cumsum region with other scans, reductions or contractions}}
pike.kernel @two(%x: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_two", impl = "reference", pike.pattern = "reduction"} {
  %0 = pike.aten "aten::cumsum"(%x) {dim = 1 : i64, dtype, operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::cumsum"(%0) {dim = 0 : i64, dtype, operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  pike.yield %1 : tensor<4x8xf32>
}

// -----

// An epilogue that broadcasts the scan to a bigger shape.
// CHECK-LABEL: pike.kernel @grow
// CHECK-SAME: impl = "reference"
pike.kernel @grow(%x: tensor<1x8xf32>, %y: tensor<3x8xf32>) -> tensor<3x8xf32> attributes {entry = "pike_grow", impl = "reference", pike.pattern = "reduction"} {
  %0 = pike.aten "aten::cumsum"(%x) {dim = 1 : i64, dtype, operands = ["self"]} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  // expected-remark @+1 {{cannot generate a kernel for slot 'grow': a value of this scan region does not broadcast to the cumsum's shape}}
  %1 = pike.aten "aten::add"(%0, %y) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  pike.yield %1 : tensor<3x8xf32>
}
