// Elementwise slots that read an aten::cat in place (lib/Codegen/ElementwiseCat.cpp):
// the concatenated tensor is never stored (shared by the cat*.test files).
module {
  // DenseNet's dense layer input: cat along channels -> inference batch norm -> relu.
  // 3*4 elements after the cat dim: every float4 lies in one operand (vector loads).
  pike.kernel @bn_relu(%a: tensor<2x4x3x4xf32>, %b: tensor<2x2x3x4xf32>, %c: tensor<2x3x3x4xf32>, %w: tensor<9xf32>, %bb: tensor<9xf32>, %m: tensor<9xf32>, %v: tensor<9xf32>) -> tensor<2x9x3x4xf32> attributes {entry = "pike_bn_relu", impl = "reference", pike.pattern = "norm_activation"} {
    %0 = pike.aten "aten::cat"(%a, %b, %c) {dim = 1 : i64, operands = ["tensors[]", "tensors[]", "tensors[]"]} : (tensor<2x4x3x4xf32>, tensor<2x2x3x4xf32>, tensor<2x3x3x4xf32>) -> tensor<2x9x3x4xf32>
    %1 = pike.aten "aten::batch_norm"(%0, %w, %bb, %m, %v) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<2x9x3x4xf32>, tensor<9xf32>, tensor<9xf32>, tensor<9xf32>, tensor<9xf32>) -> tensor<2x9x3x4xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<2x9x3x4xf32>) -> tensor<2x9x3x4xf32>
    pike.yield %2 : tensor<2x9x3x4xf32>
  }
  // Negative dim (the last), odd extents, five operands, an operand used twice
  // and a bias vector: the lanes of a vector span operands, so they are read one
  // by one; the cat's value is used twice and is also an output.
  pike.kernel @last(%a: tensor<3x2x3xf32>, %b: tensor<3x2x1xf32>, %c: tensor<3x2x5xf32>, %d: tensor<3x2x2xf32>, %bias: tensor<14xf32>) -> (tensor<3x2x14xf32>, tensor<3x2x14xf32>) attributes {entry = "pike_last", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::cat"(%a, %b, %c, %d, %a) {dim = -1 : i64, operands = ["tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]"]} : (tensor<3x2x3xf32>, tensor<3x2x1xf32>, tensor<3x2x5xf32>, tensor<3x2x2xf32>, tensor<3x2x3xf32>) -> tensor<3x2x14xf32>
    %1 = pike.aten "aten::add"(%0, %bias) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<3x2x14xf32>, tensor<14xf32>) -> tensor<3x2x14xf32>
    %2 = pike.aten "aten::mul"(%1, %0) {operands = ["self", "other"]} : (tensor<3x2x14xf32>, tensor<3x2x14xf32>) -> tensor<3x2x14xf32>
    pike.yield %2, %0 : tensor<3x2x14xf32>, tensor<3x2x14xf32>
  }
  // The cat broadcasts over the iteration space (a [N,C,1] gate concatenated
  // from two branches times a [N,C,L] map): not read as vectors.
  pike.kernel @bcast(%g1: tensor<2x3x1xf32>, %g2: tensor<2x5x1xf32>, %x: tensor<2x8x6xf32>) -> tensor<2x8x6xf32> attributes {entry = "pike_bcast", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::cat"(%g1, %g2) {dim = 1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<2x3x1xf32>, tensor<2x5x1xf32>) -> tensor<2x8x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<2x8x1xf32>) -> tensor<2x8x1xf32>
    %2 = pike.aten "aten::mul"(%x, %1) {operands = ["self", "other"]} : (tensor<2x8x6xf32>, tensor<2x8x1xf32>) -> tensor<2x8x6xf32>
    pike.yield %2 : tensor<2x8x6xf32>
  }
  // Along dim 0, with an empty operand (left out) and a splat constant operand
  // (a literal); 8 elements per row: vector loads where the vector path runs.
  pike.kernel @rows(%a: tensor<3x8xf32>, %e: tensor<0x8xf32>, %b: tensor<2x8xf32>) -> tensor<7x8xf32> attributes {entry = "pike_rows", impl = "reference", pike.pattern = "elementwise"} {
    %k = pike.constant dense<1.500000e+00> : tensor<2x8xf32>
    %0 = pike.aten "aten::cat"(%a, %e, %k, %b) {dim = 0 : i64, operands = ["tensors[]", "tensors[]", "tensors[]", "tensors[]"]} : (tensor<3x8xf32>, tensor<0x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<7x8xf32>
    %1 = pike.aten "aten::tanh"(%0) {operands = ["self"]} : (tensor<7x8xf32>) -> tensor<7x8xf32>
    pike.yield %1 : tensor<7x8xf32>
  }
  // Integer cat (i64) of one operand, converted: no picking, no vectors.
  pike.kernel @ints(%a: tensor<4x6xi64>) -> tensor<4x6xf32> attributes {entry = "pike_ints", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::cat"(%a) {dim = 1 : i64, operands = ["tensors[]"]} : (tensor<4x6xi64>) -> tensor<4x6xi64>
    %1 = pike.aten "aten::mul"(%0) {operands = ["self"], other = 3 : i64} : (tensor<4x6xi64>) -> tensor<4x6xi64>
    %2 = pike.aten "aten::to"(%1) {copy = false, dtype = 6 : i64, non_blocking = false, memory_format, operands = ["self"]} : (tensor<4x6xi64>) -> tensor<4x6xf32>
    pike.yield %2 : tensor<4x6xf32>
  }
}
