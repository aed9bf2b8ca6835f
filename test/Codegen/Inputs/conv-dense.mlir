// Dense, strided, dilated and grouped convolution regions (not pointwise, not
// depthwise): cuDNN with the epilogue fused or in one generated kernel; the host
// reference is a direct loop nest. Attributes as the importer writes them.
module {
  // 3x3, padding 1, bias + relu: the fused cuDNN call covers it.
  pike.kernel @dense3_relu(%x: tensor<2x3x6x7xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x6x7xf32> attributes {entry = "pike_dense3_relu", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x3x6x7xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x4x6x7xf32>) -> tensor<2x4x6x7xf32>
    pike.yield %1 : tensor<2x4x6x7xf32>
  }
  // 5x5, stride 2, bias, residual add, relu (a ResNet block end): fused with z.
  pike.kernel @dense5_s2_res(%x: tensor<1x4x9x8xf32>, %w: tensor<6x4x5x5xf32>, %b: tensor<6xf32>, %r: tensor<1x6x5x4xf32>) -> tensor<1x6x5x4xf32> attributes {entry = "pike_dense5_s2_res", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 2, 2>, transposed = false} : (tensor<1x4x9x8xf32>, tensor<6x4x5x5xf32>, tensor<6xf32>) -> tensor<1x6x5x4xf32>
    %1 = pike.aten "aten::add"(%0, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x6x5x4xf32>, tensor<1x6x5x4xf32>) -> tensor<1x6x5x4xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<1x6x5x4xf32>) -> tensor<1x6x5x4xf32>
    pike.yield %2 : tensor<1x6x5x4xf32>
  }
  // 7x7 stride-2 stem, no bias, silu: cuDNN + the epilogue kernel.
  pike.kernel @stem7_silu(%x: tensor<1x3x16x16xf32>, %w: tensor<8x3x7x7xf32>) -> tensor<1x8x8x8xf32> attributes {entry = "pike_stem7_silu", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 3, 3>, stride = array<i64: 2, 2>, transposed = false} : (tensor<1x3x16x16xf32>, tensor<8x3x7x7xf32>) -> tensor<1x8x8x8xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
    pike.yield %1 : tensor<1x8x8x8xf32>
  }
  // Grouped (2 groups), dilation 2, bias, relu6; two outputs (the activation and the conv).
  pike.kernel @grouped_dilated(%x: tensor<2x8x5x5xf32>, %w: tensor<12x4x3x3xf32>, %b: tensor<12xf32>) -> (tensor<2x12x5x5xf32>, tensor<2x12x5x5xf32>) attributes {entry = "pike_grouped_dilated", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 2, 2>, groups = 2 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x8x5x5xf32>, tensor<12x4x3x3xf32>, tensor<12xf32>) -> tensor<2x12x5x5xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<2x12x5x5xf32>) -> tensor<2x12x5x5xf32>
    pike.yield %1, %0 : tensor<2x12x5x5xf32>, tensor<2x12x5x5xf32>
  }
  // Grouped 1x1 (ShuffleNet), zero splat bias, residual add: fused, identity activation.
  pike.kernel @grouped_pw_res(%x: tensor<1x8x4x4xf32>, %w: tensor<8x2x1x1xf32>, %r: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> attributes {entry = "pike_grouped_pw_res", impl = "reference", pike.pattern = "conv_epilogue"} {
    %b = pike.constant dense<0.000000e+00> : tensor<8xf32>
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 4 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x8x4x4xf32>, tensor<8x2x1x1xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
    %1 = pike.aten "aten::add"(%r, %0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    pike.yield %1 : tensor<1x8x4x4xf32>
  }
  // 3x3 without padding, inlined (non-splat) bias, TF32 not allowed by the reference.
  pike.kernel @dense_const_bias(%x: tensor<1x2x5x6xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x3x4xf32> attributes {entry = "pike_dense_const_bias", impl = "reference", pike.pattern = "conv_epilogue"} {
    %b = pike.constant dense<[0.5, -1.0, 2.0]> : tensor<3xf32>
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = false, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x2x5x6xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x3x4xf32>
    %1 = pike.aten "aten::tanh"(%0) {operands = ["self"]} : (tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
    pike.yield %1 : tensor<1x3x3x4xf32>
  }
}
