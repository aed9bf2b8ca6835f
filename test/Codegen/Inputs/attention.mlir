// Attention regions: matmul -> scale / mask -> softmax -> matmul (+ epilogue).
module {
  // The attention model's region: scale by a 0-d constant.
  pike.kernel @attn(%q: tensor<2x4x8x8xf32>, %kt: tensor<2x4x8x8xf32>, %v: tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32> attributes {entry = "pike_attn", impl = "reference", pike.pattern = "attention"} {
    %0 = pike.constant dense<0.353553385> : tensor<f32>
    %1 = pike.aten "aten::matmul"(%q, %kt) {operands = ["self", "other"]} : (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    %2 = pike.aten "aten::mul"(%1, %0) {operands = ["self", "other"]} : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
    %3 = pike.aten "aten::softmax"(%2) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    %4 = pike.aten "aten::matmul"(%3, %v) {operands = ["self", "other"]} : (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    pike.yield %4 : tensor<2x4x8x8xf32>
  }
  // Causal mask (masked_fill with -inf), 40 keys (more than a warp), Dv != D.
  pike.kernel @causal(%q: tensor<2x3x40x16xf32>, %kt: tensor<2x3x16x40xf32>, %mask: tensor<40x40xi1>, %v: tensor<2x3x40x24xf32>) -> tensor<2x3x40x24xf32> attributes {entry = "pike_causal", impl = "reference", pike.pattern = "attention"} {
    %0 = pike.constant dense<2.500000e-01> : tensor<f64>
    %1 = pike.aten "aten::matmul"(%q, %kt) {operands = ["self", "other"]} : (tensor<2x3x40x16xf32>, tensor<2x3x16x40xf32>) -> tensor<2x3x40x40xf32>
    %2 = pike.aten "aten::mul"(%1, %0) {operands = ["self", "other"]} : (tensor<2x3x40x40xf32>, tensor<f64>) -> tensor<2x3x40x40xf32>
    %3 = pike.aten "aten::masked_fill"(%2, %mask) {operands = ["self", "mask"], value = -1.000000e+09 : f64} : (tensor<2x3x40x40xf32>, tensor<40x40xi1>) -> tensor<2x3x40x40xf32>
    %4 = pike.aten "aten::softmax"(%3) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<2x3x40x40xf32>) -> tensor<2x3x40x40xf32>
    %5 = pike.aten "aten::matmul"(%4, %v) {operands = ["self", "other"]} : (tensor<2x3x40x40xf32>, tensor<2x3x40x24xf32>) -> tensor<2x3x40x24xf32>
    pike.yield %5 : tensor<2x3x40x24xf32>
  }
  // Swin-style additive bias broadcast over the batch, and an epilogue on the output.
  pike.kernel @bias(%q: tensor<4x2x7x8xf32>, %kt: tensor<4x2x8x7xf32>, %b: tensor<1x2x7x7xf32>, %v: tensor<4x2x7x8xf32>) -> tensor<4x2x7x8xf32> attributes {entry = "pike_bias", impl = "reference", pike.pattern = "attention"} {
    %1 = pike.aten "aten::matmul"(%q, %kt) {operands = ["self", "other"]} : (tensor<4x2x7x8xf32>, tensor<4x2x8x7xf32>) -> tensor<4x2x7x7xf32>
    %2 = pike.aten "aten::add"(%1, %b) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x2x7x7xf32>, tensor<1x2x7x7xf32>) -> tensor<4x2x7x7xf32>
    %3 = pike.aten "aten::softmax"(%2) {dim = 3 : i64, dtype, operands = ["self"]} : (tensor<4x2x7x7xf32>) -> tensor<4x2x7x7xf32>
    %4 = pike.aten "aten::matmul"(%3, %v) {operands = ["self", "other"]} : (tensor<4x2x7x7xf32>, tensor<4x2x7x8xf32>) -> tensor<4x2x7x8xf32>
    %5 = pike.aten "aten::relu"(%4) {operands = ["self"]} : (tensor<4x2x7x8xf32>) -> tensor<4x2x7x8xf32>
    pike.yield %5 : tensor<4x2x7x8xf32>
  }
  // Long keys (150: two full 64-key tiles and a partial one), 70 query rows
  // (a partial 32-row block), Dv 24: the tiled variant's edges.
  pike.kernel @long(%q: tensor<2x2x70x16xf32>, %kt: tensor<2x2x16x150xf32>, %mask: tensor<70x150xi1>, %v: tensor<2x2x150x24xf32>) -> tensor<2x2x70x24xf32> attributes {entry = "pike_long", impl = "reference", pike.pattern = "attention"} {
    %c = pike.constant dense<2.500000e-01> : tensor<f64>
    %1 = pike.aten "aten::matmul"(%q, %kt) {operands = ["self", "other"]} : (tensor<2x2x70x16xf32>, tensor<2x2x16x150xf32>) -> tensor<2x2x70x150xf32>
    %2 = pike.aten "aten::mul"(%1, %c) {operands = ["self", "other"]} : (tensor<2x2x70x150xf32>, tensor<f64>) -> tensor<2x2x70x150xf32>
    %3 = pike.aten "aten::masked_fill"(%2, %mask) {operands = ["self", "mask"], value = -1.000000e+09 : f64} : (tensor<2x2x70x150xf32>, tensor<70x150xi1>) -> tensor<2x2x70x150xf32>
    %4 = pike.aten "aten::softmax"(%3) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<2x2x70x150xf32>) -> tensor<2x2x70x150xf32>
    %5 = pike.aten "aten::matmul"(%4, %v) {operands = ["self", "other"]} : (tensor<2x2x70x150xf32>, tensor<2x2x150x24xf32>) -> tensor<2x2x70x24xf32>
    pike.yield %5 : tensor<2x2x70x24xf32>
  }
}
