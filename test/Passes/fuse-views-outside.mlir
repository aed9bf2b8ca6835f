// RUN: pike-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(pike-fuse))' | FileCheck %s

// Views pike-fuse leaves outside every group, unchanged.

// A chunk whose result escapes (returned as well as fed to the group): the
// group reads the chunk's results as before.
// CHECK-LABEL: func.func @escapes
// CHECK: %[[C:.*]]:2 = pike.aten "aten::chunk"(%arg0)
// CHECK: pike.fusion_group "elementwise"(%[[C]]#0, %[[C]]#1)
// CHECK-NOT: aten::chunk
// CHECK: return
func.func @escapes(%x: tensor<4x16xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %c:2 = pike.aten "aten::chunk"(%x) {chunks = 2 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<4x16xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>)
  %0 = pike.aten "aten::mul"(%c#0, %c#1) {operands = ["self", "other"]} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %1, %c#1 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Views torch gives contiguously (a select along dim 0, an unsqueeze, a view,
// a chunk along dim 0) need no copy for the slot: they stay outside.
// CHECK-LABEL: func.func @contiguous
// CHECK: aten::select
// CHECK: aten::unsqueeze
// CHECK: aten::view
// CHECK: aten::chunk
// CHECK: pike.fusion_group "elementwise"
// CHECK-NEXT: ^bb0
// CHECK-NOT: aten::select
// CHECK-NOT: aten::unsqueeze
// CHECK-NOT: aten::view
// CHECK-NOT: aten::chunk
// CHECK: pike.yield
func.func @contiguous(%x: tensor<3x4x8xf32>, %b: tensor<8xf32>, %y: tensor<32xf32>, %z: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %s = pike.aten "aten::select"(%x) {dim = 0 : i64, index = 2 : i64, operands = ["self"]} : (tensor<3x4x8xf32>) -> tensor<4x8xf32>
  %u = pike.aten "aten::unsqueeze"(%b) {dim = 0 : i64, operands = ["self"]} : (tensor<8xf32>) -> tensor<1x8xf32>
  %v = pike.aten "aten::view"(%y) {operands = ["self"], size = array<i64: 4, 8>} : (tensor<32xf32>) -> tensor<4x8xf32>
  %c:2 = pike.aten "aten::chunk"(%z) {chunks = 2 : i64, dim = 0 : i64, operands = ["self"]} : (tensor<8x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>)
  %0 = pike.aten "aten::add"(%s, %u) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::mul"(%0, %v) {operands = ["self", "other"]} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = pike.aten "aten::mul"(%1, %c#1) {operands = ["self", "other"]} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

// A reshape of a transposed tensor has no strided layout (torch copies):
// neither it nor the transpose joins.
// CHECK-LABEL: func.func @reshape_copies
// CHECK: aten::transpose
// CHECK: aten::reshape
// CHECK: pike.fusion_group "elementwise"
// CHECK-NOT: aten::transpose
// CHECK-NOT: aten::reshape
// CHECK: return
func.func @reshape_copies(%x: tensor<4x6xf32>) -> tensor<24xf32> {
  %t = pike.aten "aten::transpose"(%x) {dim0 = 0 : i64, dim1 = 1 : i64, operands = ["self"]} : (tensor<4x6xf32>) -> tensor<6x4xf32>
  %r = pike.aten "aten::reshape"(%t) {operands = ["self"], shape = array<i64: 24>} : (tensor<6x4xf32>) -> tensor<24xf32>
  %0 = pike.aten "aten::exp"(%r) {operands = ["self"]} : (tensor<24xf32>) -> tensor<24xf32>
  return %0 : tensor<24xf32>
}

// -----

// A view feeding an elementwise chain that ends in a reduction: only the
// elementwise generator reads through views, so the slice stays outside.
// CHECK-LABEL: func.func @into_reduction
// CHECK: aten::slice
// CHECK: pike.fusion_group "reduction"
// CHECK-NOT: aten::slice
// CHECK: return
func.func @into_reduction(%x: tensor<4x16xf32>) -> tensor<4x1xf32> {
  %s = pike.aten "aten::slice"(%x) {dim = 1 : i64, end = 8 : i64, operands = ["self"], start = 0 : i64, step = 1 : i64} : (tensor<4x16xf32>) -> tensor<4x8xf32>
  %0 = pike.aten "aten::exp"(%s) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sum"(%0) {dim = array<i64: 1>, dtype, keepdim = true, operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  return %1 : tensor<4x1xf32>
}

// -----

// A dynamic view (the start is a tensor) has no static layout.
// CHECK-LABEL: func.func @dynamic
// CHECK: aten::narrow
// CHECK: pike.fusion_group "elementwise"
// CHECK-NOT: aten::narrow
// CHECK: return
func.func @dynamic(%x: tensor<4x16xf32>, %n: tensor<i64>) -> tensor<4x8xf32> {
  %s = pike.aten "aten::narrow"(%x, %n) {dim = 1 : i64, length = 8 : i64, operands = ["self", "start"]} : (tensor<4x16xf32>, tensor<i64>) -> tensor<4x8xf32>
  %0 = pike.aten "aten::exp"(%s) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
