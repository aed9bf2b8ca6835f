// Transposed convolutions (cuDNN backward-data + the generated epilogue kernel;
// the host reference gathers over ho = hi * stride - padding + kh * dilation).
module {
  // Stride 2, padding 1, output padding 1, bias, tanh (level-2 transposed conv + bias + tanh).
  pike.kernel @tconv_s2_tanh(%x: tensor<1x4x3x3xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x6x6xf32> attributes {entry = "pike_tconv_s2_tanh", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 1, 1>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = true} : (tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
    %1 = pike.aten "aten::tanh"(%0) {operands = ["self"]} : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
    pike.yield %1 : tensor<1x2x6x6xf32>
  }
  // Two groups, dilation 2, no bias, relu.
  pike.kernel @tconv_grouped_dil(%x: tensor<2x4x4x5xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x6x6x7xf32> attributes {entry = "pike_tconv_grouped_dil", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 2, 2>, groups = 2 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = true} : (tensor<2x4x4x5xf32>, tensor<4x3x3x3xf32>) -> tensor<2x6x6x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x6x6x7xf32>) -> tensor<2x6x6x7xf32>
    pike.yield %1 : tensor<2x6x6x7xf32>
  }
  // U-Net upsampling: 2x2 stride 2, bias.
  pike.kernel @tconv_unet_up(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> attributes {entry = "pike_tconv_unet_up", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 2, 2>, transposed = true} : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    pike.yield %0 : tensor<1x4x8x8xf32>
  }
}
