// Channels-last squeeze-excite gates (pike.layout = "nhwc", ExciteGate.cpp):
// a pointwise convolution of a squeezed [N, Ci, 1, 1] tensor whose epilogue
// broadcasts over a [N, Co, H, W] feature map, as EfficientNet's excite is
// outlined. Codegen/nhwc-excite.test runs the code on the CPU.
module {
  // conv (bias) -> sigmoid -> times the features.
  pike.kernel @excite(%s: tensor<2x3x1x1xf32>, %w: tensor<8x3x1x1xf32>, %b: tensor<8xf32>, %x: tensor<2x8x5x6xf32>) -> tensor<2x8x5x6xf32> attributes {entry = "pike_excite", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%s, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x3x1x1xf32>, tensor<8x3x1x1xf32>, tensor<8xf32>) -> tensor<2x8x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<2x8x1x1xf32>) -> tensor<2x8x1x1xf32>
    %2 = pike.aten "aten::mul"(%x, %1) {operands = ["self", "other"]} : (tensor<2x8x5x6xf32>, tensor<2x8x1x1xf32>) -> tensor<2x8x5x6xf32>
    pike.yield %2 : tensor<2x8x5x6xf32>
  }
  // Without a bias, a hardsigmoid gate, and a residual added after the product.
  pike.kernel @excite_res(%s: tensor<1x5x1x1xf32>, %w: tensor<4x5x1x1xf32>, %x: tensor<1x4x7x3xf32>, %r: tensor<1x4x7x3xf32>) -> tensor<1x4x7x3xf32> attributes {entry = "pike_excite_res", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%s, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x5x1x1xf32>, tensor<4x5x1x1xf32>) -> tensor<1x4x1x1xf32>
    %1 = pike.aten "aten::hardsigmoid"(%0) {operands = ["self"]} : (tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
    %2 = pike.aten "aten::mul"(%1, %x) {operands = ["self", "other"]} : (tensor<1x4x1x1xf32>, tensor<1x4x7x3xf32>) -> tensor<1x4x7x3xf32>
    %3 = pike.aten "aten::add"(%2, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x4x7x3xf32>, tensor<1x4x7x3xf32>) -> tensor<1x4x7x3xf32>
    pike.yield %3 : tensor<1x4x7x3xf32>
  }
}
