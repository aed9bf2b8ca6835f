// RUN: pike-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(pike-fuse))' | FileCheck %s
// RUN: pike-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(pike-fuse{views=false}))' | FileCheck %s --check-prefix=OFF

// GRU step: the chunks of the input gates (a select of the precomputed
// projections) and of the hidden gates feed only the gate arithmetic; they join
// its group and the group takes their sources. The select stays outside: its
// result is contiguous (no copy for the slot), and leaving it out keeps every
// step's slot the same function.
// CHECK-LABEL: func.func @gru_gates
// CHECK: %[[S:.*]] = pike.aten "aten::select"(%arg0)
// CHECK: pike.fusion_group "elementwise"(%[[S]], %arg1, %arg2) : (tensor<4x96xf32>, tensor<4x96xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: pike.aten "aten::chunk"
// CHECK-NEXT: pike.aten "aten::chunk"
// CHECK: aten::sigmoid
// CHECK: aten::tanh
// CHECK: pike.yield
// CHECK-NOT: aten::chunk
// CHECK: return
// OFF-LABEL: func.func @gru_gates
// OFF-COUNT-2: pike.aten "aten::chunk"
// OFF: pike.fusion_group "elementwise"({{.*}}#0
func.func @gru_gates(%gi: tensor<3x4x96xf32>, %gh: tensor<4x96xf32>, %h: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %s = pike.aten "aten::select"(%gi) {dim = 0 : i64, index = 1 : i64, operands = ["self"]} : (tensor<3x4x96xf32>) -> tensor<4x96xf32>
  %i:3 = pike.aten "aten::chunk"(%s) {chunks = 3 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<4x96xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>)
  %g:3 = pike.aten "aten::chunk"(%gh) {chunks = 3 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<4x96xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>)
  %0 = pike.aten "aten::add"(%i#0, %g#0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %r = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<4x32xf32>) -> tensor<4x32xf32>
  %1 = pike.aten "aten::add"(%i#1, %g#1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %z = pike.aten "aten::sigmoid"(%1) {operands = ["self"]} : (tensor<4x32xf32>) -> tensor<4x32xf32>
  %2 = pike.aten "aten::mul"(%r, %g#2) {operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %3 = pike.aten "aten::add"(%i#2, %2) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %n = pike.aten "aten::tanh"(%3) {operands = ["self"]} : (tensor<4x32xf32>) -> tensor<4x32xf32>
  %4 = pike.aten "aten::sub"(%h, %n) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %5 = pike.aten "aten::mul"(%z, %4) {operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  %6 = pike.aten "aten::add"(%n, %5) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
  return %6 : tensor<4x32xf32>
}

// -----

// A chain of views: unsqueeze of a chunk is not contiguous either, so both
// join (the modulation of an adaLN block written as a plain elementwise op).
// CHECK-LABEL: func.func @chunk_unsqueeze
// CHECK: pike.fusion_group "elementwise"(%arg1, %arg0) : (tensor<2x10xf32>, tensor<2x3x5xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: aten::chunk
// CHECK-NEXT: aten::unsqueeze
// CHECK-NEXT: aten::unsqueeze
// CHECK: pike.yield
func.func @chunk_unsqueeze(%x: tensor<2x3x5xf32>, %c: tensor<2x10xf32>) -> tensor<2x3x5xf32> {
  %m:2 = pike.aten "aten::chunk"(%c) {chunks = 2 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<2x10xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>)
  %shift = pike.aten "aten::unsqueeze"(%m#0) {dim = 1 : i64, operands = ["self"]} : (tensor<2x5xf32>) -> tensor<2x1x5xf32>
  %scale = pike.aten "aten::unsqueeze"(%m#1) {dim = 1 : i64, operands = ["self"]} : (tensor<2x5xf32>) -> tensor<2x1x5xf32>
  %1 = pike.aten "aten::mul"(%x, %scale) {operands = ["self", "other"]} : (tensor<2x3x5xf32>, tensor<2x1x5xf32>) -> tensor<2x3x5xf32>
  %2 = pike.aten "aten::add"(%1, %shift) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x3x5xf32>, tensor<2x1x5xf32>) -> tensor<2x3x5xf32>
  return %2 : tensor<2x3x5xf32>
}

// -----

// RoPE halves: slices of the last dim with an open end and a negative start.
// CHECK-LABEL: func.func @rope_halves
// CHECK: pike.fusion_group "elementwise"(%arg0, %arg1) : (tensor<2x16xf32>, tensor<2x8xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: aten::slice
// CHECK-NEXT: aten::slice
// CHECK: aten::mul
func.func @rope_halves(%x: tensor<2x16xf32>, %c: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %x1 = pike.aten "aten::slice"(%x) {dim = 1 : i64, end = 8 : i64, operands = ["self"], start = 0 : i64, step = 1 : i64} : (tensor<2x16xf32>) -> tensor<2x8xf32>
  %x2 = pike.aten "aten::slice"(%x) {dim = -1 : i64, end = 9223372036854775807 : i64, operands = ["self"], start = -8 : i64, step = 1 : i64} : (tensor<2x16xf32>) -> tensor<2x8xf32>
  %a = pike.aten "aten::mul"(%x1, %c) {operands = ["self", "other"]} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %b = pike.aten "aten::sub"(%a, %x2) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %b : tensor<2x8xf32>
}
