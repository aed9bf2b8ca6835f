// Channels-last depthwise slots for the register-blocked strip kernel
// (Conv.cpp, variant "strip"), at shapes that take its edge paths.
module {
  // 144 channels: two channel chunks of 18 float4 groups (blockIdx.y), stride 2
  // (a strip reads (V-1)*2 + 3 input pixels per window row), bias, relu6 and an
  // [N, C, 1, 1] scale (squeeze-excite) in the epilogue; 5 output columns, so
  // the last strip of 4 is partly outside.
  pike.kernel @dw3_s2_c144(%x: tensor<2x144x7x9xf32>, %w: tensor<144x1x3x3xf32>, %b: tensor<144xf32>, %s: tensor<2x144x1x1xf32>) -> tensor<2x144x4x5xf32> attributes {entry = "pike_dw3_s2_c144", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 144 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<2x144x7x9xf32>, tensor<144x1x3x3xf32>, tensor<144xf32>) -> tensor<2x144x4x5xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<2x144x4x5xf32>) -> tensor<2x144x4x5xf32>
    %2 = pike.aten "aten::mul"(%1, %s) {operands = ["self", "other"]} : (tensor<2x144x4x5xf32>, tensor<2x144x1x1xf32>) -> tensor<2x144x4x5xf32>
    pike.yield %2 : tensor<2x144x4x5xf32>
  }
  // 6 channels (not a multiple of 4: one channel per lane even when the knob
  // asks for float4), 5x5, no bias, silu.
  pike.kernel @dw5_c6_silu(%x: tensor<2x6x6x7xf32>, %w: tensor<6x1x5x5xf32>) -> tensor<2x6x6x7xf32> attributes {entry = "pike_dw5_c6_silu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 6 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x6x6x7xf32>, tensor<6x1x5x5xf32>) -> tensor<2x6x6x7xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<2x6x6x7xf32>) -> tensor<2x6x6x7xf32>
    pike.yield %1 : tensor<2x6x6x7xf32>
  }
  // 7x7 (ConvNeXt-like), 32 channels, stride 1, padding 3, bias.
  pike.kernel @dw7_c32(%x: tensor<1x32x9x10xf32>, %w: tensor<32x1x7x7xf32>, %b: tensor<32xf32>) -> tensor<1x32x9x10xf32> attributes {entry = "pike_dw7_c32", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 32 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 3, 3>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x32x9x10xf32>, tensor<32x1x7x7xf32>, tensor<32xf32>) -> tensor<1x32x9x10xf32>
    pike.yield %0 : tensor<1x32x9x10xf32>
  }
}
