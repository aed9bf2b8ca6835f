// Row reductions whose keepdim result the epilogue broadcasts back over the row:
// the outputs have the reduction input's shape.
module {
  // Mamba-2's RMSNorm written out: x * rsqrt(mean(x*x, -1, keepdim) + eps) * w,
  // the square computed in another slot (in0), x itself a second input.
  pike.kernel @rmsnorm(%sq: tensor<2x16x40xf32>, %x: tensor<2x16x40xf32>, %w: tensor<40xf32>) -> tensor<2x16x40xf32> attributes {entry = "pike_rmsnorm", impl = "reference", pike.pattern = "reduction"} {
    %eps = pike.constant dense<1.000000e-05> : tensor<f64>
    %0 = pike.aten "aten::mean"(%sq) {dim = array<i64: -1>, dtype, keepdim = true, operands = ["self"]} : (tensor<2x16x40xf32>) -> tensor<2x16x1xf32>
    %1 = pike.aten "aten::add"(%0, %eps) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x16x1xf32>, tensor<f64>) -> tensor<2x16x1xf32>
    %2 = pike.aten "aten::rsqrt"(%1) {operands = ["self"]} : (tensor<2x16x1xf32>) -> tensor<2x16x1xf32>
    %3 = pike.aten "aten::mul"(%x, %2) {operands = ["self", "other"]} : (tensor<2x16x40xf32>, tensor<2x16x1xf32>) -> tensor<2x16x40xf32>
    %4 = pike.aten "aten::mul"(%3, %w) {operands = ["self", "other"]} : (tensor<2x16x40xf32>, tensor<40xf32>) -> tensor<2x16x40xf32>
    pike.yield %4 : tensor<2x16x40xf32>
  }
  // Centering over a strided dim (dim 1 of [3,20,7]): x - mean(x, 1, keepdim); two outputs.
  pike.kernel @center(%x: tensor<3x20x7xf32>) -> (tensor<3x20x7xf32>, tensor<3x20x7xf32>) attributes {entry = "pike_center", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mean"(%x) {dim = array<i64: 1>, dtype, keepdim = true, operands = ["self"]} : (tensor<3x20x7xf32>) -> tensor<3x1x7xf32>
    %1 = pike.aten "aten::sub"(%x, %0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<3x20x7xf32>, tensor<3x1x7xf32>) -> tensor<3x20x7xf32>
    %2 = pike.aten "aten::mul"(%1, %1) {operands = ["self", "other"]} : (tensor<3x20x7xf32>, tensor<3x20x7xf32>) -> tensor<3x20x7xf32>
    pike.yield %1, %2 : tensor<3x20x7xf32>, tensor<3x20x7xf32>
  }
  // A stable exp: exp(x - amax(x, -1, keepdim)) over 300-element rows.
  pike.kernel @shifted(%x: tensor<4x300xf32>) -> tensor<4x300xf32> attributes {entry = "pike_shifted", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::amax"(%x) {dim = array<i64: -1>, keepdim = true, operands = ["self"]} : (tensor<4x300xf32>) -> tensor<4x1xf32>
    %1 = pike.aten "aten::sub"(%x, %0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x300xf32>, tensor<4x1xf32>) -> tensor<4x300xf32>
    %2 = pike.aten "aten::exp"(%1) {operands = ["self"]} : (tensor<4x300xf32>) -> tensor<4x300xf32>
    pike.yield %2 : tensor<4x300xf32>
  }
}
