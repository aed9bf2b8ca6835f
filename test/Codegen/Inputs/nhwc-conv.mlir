// Channels-last convolution slots (pike.layout = "nhwc": every rank-4 argument
// and result is stored N, H, W, C): cuDNN with NHWC descriptors, pointwise and
// depthwise convolutions included, and an epilogue kernel over the NHWC order.
module {
  // 3x3, padding 1, bias + relu: the fused cuDNN call covers it.
  pike.kernel @conv3_relu(%x: tensor<2x3x6x7xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x6x7xf32> attributes {entry = "pike_conv3_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x3x6x7xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x4x6x7xf32>) -> tensor<2x4x6x7xf32>
    pike.yield %1 : tensor<2x4x6x7xf32>
  }
  // Pointwise, bias, residual add, relu (a bottleneck's end): cuDNN, not a GEMM.
  pike.kernel @conv1x1_res(%x: tensor<2x8x5x5xf32>, %w: tensor<6x8x1x1xf32>, %b: tensor<6xf32>, %r: tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xf32> attributes {entry = "pike_conv1x1_res", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x8x5x5xf32>, tensor<6x8x1x1xf32>, tensor<6xf32>) -> tensor<2x6x5x5xf32>
    %1 = pike.aten "aten::add"(%0, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x6x5x5xf32>, tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xf32>
    pike.yield %2 : tensor<2x6x5x5xf32>
  }
  // 3x3 stride 2, no bias, silu, times a per-(n, c) scale (squeeze-excitation):
  // the epilogue kernel reads a broadcast operand in NHWC order.
  pike.kernel @conv3_silu_scale(%x: tensor<2x4x9x8xf32>, %w: tensor<8x4x3x3xf32>, %s: tensor<2x8x1x1xf32>) -> tensor<2x8x5x4xf32> attributes {entry = "pike_conv3_silu_scale", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<2x4x9x8xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x5x4xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<2x8x5x4xf32>) -> tensor<2x8x5x4xf32>
    %2 = pike.aten "aten::mul"(%1, %s) {operands = ["self", "other"]} : (tensor<2x8x5x4xf32>, tensor<2x8x1x1xf32>) -> tensor<2x8x5x4xf32>
    pike.yield %2 : tensor<2x8x5x4xf32>
  }
  // Depthwise 3x3 + bias + relu6: cuDNN (the generated depthwise kernel is NCHW).
  pike.kernel @dw3(%x: tensor<2x4x6x7xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x6x7xf32> attributes {entry = "pike_dw3", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 4 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x7xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<2x4x6x7xf32>) -> tensor<2x4x6x7xf32>
    pike.yield %1 : tensor<2x4x6x7xf32>
  }
}
