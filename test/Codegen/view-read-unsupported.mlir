// Views the elementwise generator cannot read through keep the slot's
// reference body, with a remark naming the op and the reason.
// RUN: pike-opt %s -pike-generate-kernels -verify-diagnostics -split-input-file | FileCheck %s

// A view of a value computed inside the slot has no buffer to index.
// CHECK-LABEL: pike.kernel @view_of_computed
// CHECK-SAME: impl = "reference"
pike.kernel @view_of_computed(%x: tensor<4x16xf32>) -> tensor<4x8xf32> attributes {entry = "pike_view_of_computed", impl = "reference", pike.pattern = "elementwise"} {
  %0 = pike.aten "aten::exp"(%x) {operands = ["self"]} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  // expected-remark @+1 {{cannot generate a kernel for slot 'view_of_computed': view 'aten::chunk' of a value computed inside the region}}
  %1:2 = pike.aten "aten::chunk"(%0) {chunks = 2 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<4x16xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>)
  %2 = pike.aten "aten::mul"(%1#0, %1#1) {operands = ["self", "other"]} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  pike.yield %2 : tensor<4x8xf32>
}

// -----

// A reshape torch would copy (flattening a slice of the last dim) has no layout.
// CHECK-LABEL: pike.kernel @copying_reshape
// CHECK-SAME: impl = "reference"
pike.kernel @copying_reshape(%x: tensor<4x16xf32>) -> tensor<32xf32> attributes {entry = "pike_copying_reshape", impl = "reference", pike.pattern = "elementwise"} {
  %0 = pike.aten "aten::slice"(%x) {dim = 1 : i64, end = 8 : i64, operands = ["self"], start = 0 : i64, step = 1 : i64} : (tensor<4x16xf32>) -> tensor<4x8xf32>
  // expected-remark @+1 {{'aten::reshape': the source's strides cannot be viewed as the result shape (torch would copy)}}
  %1 = pike.aten "aten::reshape"(%0) {operands = ["self"], shape = array<i64: 32>} : (tensor<4x8xf32>) -> tensor<32xf32>
  %2 = pike.aten "aten::exp"(%1) {operands = ["self"]} : (tensor<32xf32>) -> tensor<32xf32>
  pike.yield %2 : tensor<32xf32>
}

// -----

// Views feed elementwise generators only: a row reduction over a slice is not
// generated.
// CHECK-LABEL: pike.kernel @view_into_reduction
// CHECK-SAME: impl = "reference"
// expected-remark @+1 {{cannot generate a kernel for slot 'view_into_reduction': views are read through in elementwise regions only}}
pike.kernel @view_into_reduction(%x: tensor<4x16xf32>) -> tensor<4x1xf32> attributes {entry = "pike_view_into_reduction", impl = "reference", pike.pattern = "reduction"} {
  %0 = pike.aten "aten::slice"(%x) {dim = 1 : i64, end = 8 : i64, operands = ["self"], start = 0 : i64, step = 1 : i64} : (tensor<4x16xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sum"(%0) {dim = array<i64: 1>, dtype, keepdim = true, operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  pike.yield %1 : tensor<4x1xf32>
}
