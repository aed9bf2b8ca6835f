// Elementwise slots that read their inputs through views (shared by the
// view-read tests): the generator indexes each view's source buffer.
module {
  // GRU step: gates [4,3,96] -> select(1) -> chunk(3, dim 1) (non-contiguous
  // [4,32] views at offsets 96*s + 32*k, row stride 288); vectorisable.
  pike.kernel @gates(%gi: tensor<4x3x96xf32>, %gh: tensor<4x96xf32>, %h: tensor<4x32xf32>) -> tensor<4x32xf32> attributes {entry = "pike_gates", impl = "reference", pike.pattern = "elementwise"} {
    %s = pike.aten "aten::select"(%gi) {dim = 1 : i64, index = 1 : i64, operands = ["self"]} : (tensor<4x3x96xf32>) -> tensor<4x96xf32>
    %i:3 = pike.aten "aten::chunk"(%s) {chunks = 3 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<4x96xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>)
    %g:3 = pike.aten "aten::chunk"(%gh) {chunks = 3 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<4x96xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>)
    %0 = pike.aten "aten::add"(%i#0, %g#0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
    %r = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<4x32xf32>) -> tensor<4x32xf32>
    %1 = pike.aten "aten::add"(%i#1, %g#1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
    %z = pike.aten "aten::sigmoid"(%1) {operands = ["self"]} : (tensor<4x32xf32>) -> tensor<4x32xf32>
    %2 = pike.aten "aten::mul"(%r, %g#2) {operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
    %3 = pike.aten "aten::add"(%i#2, %2) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
    %n = pike.aten "aten::tanh"(%3) {operands = ["self"]} : (tensor<4x32xf32>) -> tensor<4x32xf32>
    %4 = pike.aten "aten::sub"(%n, %h) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
    %5 = pike.aten "aten::mul"(%z, %4) {operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
    %6 = pike.aten "aten::sub"(%n, %5) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x32xf32>, tensor<4x32xf32>) -> tensor<4x32xf32>
    pike.yield %6 : tensor<4x32xf32>
  }
  // RoPE halves: slices of the last dim (open end, negative start) times cos/sin.
  pike.kernel @rope(%x: tensor<2x3x16xf32>, %cos: tensor<3x8xf32>, %sin: tensor<3x8xf32>) -> (tensor<2x3x8xf32>, tensor<2x3x8xf32>) attributes {entry = "pike_rope", impl = "reference", pike.pattern = "elementwise"} {
    %x1 = pike.aten "aten::slice"(%x) {dim = 2 : i64, end = 8 : i64, operands = ["self"], start = 0 : i64, step = 1 : i64} : (tensor<2x3x16xf32>) -> tensor<2x3x8xf32>
    %x2 = pike.aten "aten::slice"(%x) {dim = -1 : i64, end = 9223372036854775807 : i64, operands = ["self"], start = -8 : i64, step = 1 : i64} : (tensor<2x3x16xf32>) -> tensor<2x3x8xf32>
    %a = pike.aten "aten::mul"(%x1, %cos) {operands = ["self", "other"]} : (tensor<2x3x8xf32>, tensor<3x8xf32>) -> tensor<2x3x8xf32>
    %b = pike.aten "aten::mul"(%x2, %sin) {operands = ["self", "other"]} : (tensor<2x3x8xf32>, tensor<3x8xf32>) -> tensor<2x3x8xf32>
    %lo = pike.aten "aten::sub"(%a, %b) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
    %c = pike.aten "aten::mul"(%x2, %cos) {operands = ["self", "other"]} : (tensor<2x3x8xf32>, tensor<3x8xf32>) -> tensor<2x3x8xf32>
    %d = pike.aten "aten::mul"(%x1, %sin) {operands = ["self", "other"]} : (tensor<2x3x8xf32>, tensor<3x8xf32>) -> tensor<2x3x8xf32>
    %hi = pike.aten "aten::add"(%c, %d) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
    pike.yield %lo, %hi : tensor<2x3x8xf32>, tensor<2x3x8xf32>
  }
  // adaLN modulation: chunk(2, dim 1) of [2,10] then unsqueeze(1), broadcast over
  // [2,3,5]; odd sizes: scalar path only.
  pike.kernel @modulate(%x: tensor<2x3x5xf32>, %c: tensor<2x10xf32>) -> tensor<2x3x5xf32> attributes {entry = "pike_modulate", impl = "reference", pike.pattern = "elementwise"} {
    %m:2 = pike.aten "aten::chunk"(%c) {chunks = 2 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<2x10xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>)
    %shift = pike.aten "aten::unsqueeze"(%m#0) {dim = 1 : i64, operands = ["self"]} : (tensor<2x5xf32>) -> tensor<2x1x5xf32>
    %scale = pike.aten "aten::unsqueeze"(%m#1) {dim = 1 : i64, operands = ["self"]} : (tensor<2x5xf32>) -> tensor<2x1x5xf32>
    %0 = pike.aten "aten::add"(%scale) {alpha = 1 : i64, operands = ["self"], other = 1 : i64} : (tensor<2x1x5xf32>) -> tensor<2x1x5xf32>
    %1 = pike.aten "aten::mul"(%x, %0) {operands = ["self", "other"]} : (tensor<2x3x5xf32>, tensor<2x1x5xf32>) -> tensor<2x3x5xf32>
    %2 = pike.aten "aten::add"(%1, %shift) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x3x5xf32>, tensor<2x1x5xf32>) -> tensor<2x3x5xf32>
    pike.yield %2 : tensor<2x3x5xf32>
  }
  // Strided and reordered reads: a step-2 slice, narrow, a negative select,
  // transpose, split_with_sizes, unbind, expand and a reshape of a contiguous view.
  pike.kernel @strided(%x: tensor<6x8xf32>, %y: tensor<4x6xf32>, %z: tensor<3x2x4xf32>, %w: tensor<4xf32>) -> tensor<3x4xf32> attributes {entry = "pike_strided", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::slice"(%x) {dim = 0 : i64, end = 6 : i64, operands = ["self"], start = 0 : i64, step = 2 : i64} : (tensor<6x8xf32>) -> tensor<3x8xf32>
    %1 = pike.aten "aten::narrow"(%0) {dim = 1 : i64, length = 4 : i64, operands = ["self"], start = 3 : i64} : (tensor<3x8xf32>) -> tensor<3x4xf32>
    %2 = pike.aten "aten::transpose"(%y) {dim0 = 0 : i64, dim1 = 1 : i64, operands = ["self"]} : (tensor<4x6xf32>) -> tensor<6x4xf32>
    %3:2 = pike.aten "aten::split_with_sizes"(%2) {dim = 0 : i64, operands = ["self"], split_sizes = array<i64: 3, 3>} : (tensor<6x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>)
    %4 = pike.aten "aten::select"(%z) {dim = 1 : i64, index = -1 : i64, operands = ["self"]} : (tensor<3x2x4xf32>) -> tensor<3x4xf32>
    %5:2 = pike.aten "aten::unbind"(%z) {dim = 1 : i64, operands = ["self"]} : (tensor<3x2x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>)
    %6 = pike.aten "aten::view"(%w) {operands = ["self"], size = array<i64: 1, 4>} : (tensor<4xf32>) -> tensor<1x4xf32>
    %7 = pike.aten "aten::expand"(%6) {implicit = false, operands = ["self"], size = array<i64: 3, -1>} : (tensor<1x4xf32>) -> tensor<3x4xf32>
    %a = pike.aten "aten::mul"(%1, %3#1) {operands = ["self", "other"]} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
    %b = pike.aten "aten::sub"(%4, %5#0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
    %c = pike.aten "aten::add"(%a, %b) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
    %d = pike.aten "aten::mul"(%c, %7) {operands = ["self", "other"]} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
    %e = pike.aten "aten::add"(%d, %3#0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
    pike.yield %e : tensor<3x4xf32>
  }
}
