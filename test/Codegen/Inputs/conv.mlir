// Convolution regions: pointwise (1x1) convolutions are GEMMs, depthwise ones
// have their own kernel; both fuse the region's epilogue. Attributes as the
// importer writes them (frozen graphs: aten::_convolution, batch norm folded).
module {
  // Pointwise + bias + relu6 (mobilenet's expand).
  pike.kernel @pw_relu6(%x: tensor<2x8x5x5xf32>, %w: tensor<12x8x1x1xf32>, %b: tensor<12xf32>) -> tensor<2x12x5x5xf32> attributes {entry = "pike_pw_relu6", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x8x5x5xf32>, tensor<12x8x1x1xf32>, tensor<12xf32>) -> tensor<2x12x5x5xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<2x12x5x5xf32>) -> tensor<2x12x5x5xf32>
    pike.yield %1 : tensor<2x12x5x5xf32>
  }
  // Pointwise, zero (splat) bias, residual add (mobilenet's project); H*W % 4 == 0.
  pike.kernel @pw_residual(%x: tensor<3x12x4x4xf32>, %w: tensor<6x12x1x1xf32>, %r: tensor<3x6x4x4xf32>) -> tensor<3x6x4x4xf32> attributes {entry = "pike_pw_residual", impl = "reference", pike.pattern = "conv_epilogue"} {
    %b = pike.constant dense<0.000000e+00> : tensor<6xf32>
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<3x12x4x4xf32>, tensor<6x12x1x1xf32>, tensor<6xf32>) -> tensor<3x6x4x4xf32>
    %1 = pike.aten "aten::add"(%r, %0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<3x6x4x4xf32>, tensor<3x6x4x4xf32>) -> tensor<3x6x4x4xf32>
    pike.yield %1 : tensor<3x6x4x4xf32>
  }
  // Pointwise with an inlined (non-splat) bias, silu, TF32 not allowed by the reference.
  pike.kernel @pw_const_bias(%x: tensor<1x5x3x7xf32>, %w: tensor<4x5x1x1xf32>) -> tensor<1x4x3x7xf32> attributes {entry = "pike_pw_const_bias", impl = "reference", pike.pattern = "conv_epilogue"} {
    %b = pike.constant dense<[0.5, -0.25, 1.0, -2.0]> : tensor<4xf32>
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = false, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x5x3x7xf32>, tensor<4x5x1x1xf32>, tensor<4xf32>) -> tensor<1x4x3x7xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<1x4x3x7xf32>) -> tensor<1x4x3x7xf32>
    pike.yield %1 : tensor<1x4x3x7xf32>
  }
  // Pointwise with 40 input channels: cuBLAS + epilogue kernel is the first candidate.
  pike.kernel @pw_deep(%x: tensor<2x40x3x3xf32>, %w: tensor<8x40x1x1xf32>, %b: tensor<8xf32>) -> tensor<2x8x3x3xf32> attributes {entry = "pike_pw_deep", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x40x3x3xf32>, tensor<8x40x1x1xf32>, tensor<8xf32>) -> tensor<2x8x3x3xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x8x3x3xf32>) -> tensor<2x8x3x3xf32>
    pike.yield %1 : tensor<2x8x3x3xf32>
  }
  // Depthwise 3x3, padding 1, bias + relu6.
  pike.kernel @dw3_relu6(%x: tensor<2x4x6x7xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x6x7xf32> attributes {entry = "pike_dw3_relu6", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 4 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x7xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<2x4x6x7xf32>) -> tensor<2x4x6x7xf32>
    pike.yield %1 : tensor<2x4x6x7xf32>
  }
  // Depthwise 5x5, padding 2, silu; two outputs (the activation and the conv).
  pike.kernel @dw5_silu(%x: tensor<1x3x8x8xf32>, %w: tensor<3x1x5x5xf32>, %b: tensor<3xf32>) -> (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) attributes {entry = "pike_dw5_silu", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 3 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x3x8x8xf32>, tensor<3x1x5x5xf32>, tensor<3xf32>) -> tensor<1x3x8x8xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
    pike.yield %1, %0 : tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>
  }
  // Depthwise, stride 2, channel multiplier 2, no bias, relu.
  pike.kernel @dw_stride2_mult(%x: tensor<2x3x9x8xf32>, %w: tensor<6x1x3x3xf32>) -> tensor<2x6x5x4xf32> attributes {entry = "pike_dw_stride2_mult", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 3 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<2x3x9x8xf32>, tensor<6x1x3x3xf32>) -> tensor<2x6x5x4xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x6x5x4xf32>) -> tensor<2x6x5x4xf32>
    pike.yield %1 : tensor<2x6x5x4xf32>
  }
  // Depthwise, dilation 2, asymmetric padding, residual add.
  pike.kernel @dw_dilated(%x: tensor<1x2x7x9xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>, %r: tensor<1x2x5x9xf32>) -> tensor<1x2x5x9xf32> attributes {entry = "pike_dw_dilated", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 2, 2>, groups = 2 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x2x7x9xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x5x9xf32>
    %1 = pike.aten "aten::add"(%r, %0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x2x5x9xf32>, tensor<1x2x5x9xf32>) -> tensor<1x2x5x9xf32>
    pike.yield %1 : tensor<1x2x5x9xf32>
  }
}
