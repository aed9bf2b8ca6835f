// Convolution slots for the fused cuDNN graph ("cudnn-graph-fused": bias,
// residual add and activation as pointwise nodes of the convolution's graph):
// channels-last slots with each epilogue it covers or not, and an NCHW twin.
module {
  // 3x3 + bias + relu (ResNet's first conv of a block): the fused graph first, TF32.
  pike.kernel @fg_bias_relu(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_bias_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %1 : tensor<2x8x6x7xf32>
  }
  // 3x3 + bias + residual + relu (a block's end): three pointwise nodes.
  pike.kernel @fg_bias_res_relu(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>, %r: tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_bias_res_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::add"(%0, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x8x6x7xf32>, tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %2 : tensor<2x8x6x7xf32>
  }
  // A bare convolution: nothing to fuse, no fused graph variant.
  pike.kernel @fg_conv_only(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_conv_only", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %0 : tensor<2x8x6x7xf32>
  }
  // 3x3 + bias + relu6 (hardtanh(0, 6)): relu with upper clip 6; the legacy fused call cannot.
  pike.kernel @fg_bias_relu6(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_bias_relu6", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %1 : tensor<2x8x6x7xf32>
  }
  // No bias, silu (EfficientNet): one swish node, no bias tensor.
  pike.kernel @fg_silu(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_silu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %1 : tensor<2x8x6x7xf32>
  }
  // Exported with cudnn.allow_tf32 = False: the legacy fused call first (the runtime fusion engines use tensor cores).
  pike.kernel @fg_fp32(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_fp32", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = false, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %1 : tensor<2x8x6x7xf32>
  }
  // An epilogue beyond the pointwise nodes (a squeeze-excitation scale): no fused graph.
  pike.kernel @fg_scale(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>, %s: tensor<2x8x1x1xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_scale", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    %2 = pike.aten "aten::mul"(%1, %s) {operands = ["self", "other"]} : (tensor<2x8x6x7xf32>, tensor<2x8x1x1xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %2 : tensor<2x8x6x7xf32>
  }
  // Bias only: one add node.
  pike.kernel @fg_bias(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_bias", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %0 : tensor<2x8x6x7xf32>
  }
  // No bias, relu: the fused graph's one node; its legacy fallback takes a zeroed bias.
  pike.kernel @fg_relu_nobias(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_relu_nobias", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %1 : tensor<2x8x6x7xf32>
  }
  // NCHW twin of fg_bias_relu: its candidates are unchanged (no fused graph).
  pike.kernel @fg_nchw_bias_relu(%x: tensor<2x4x6x7xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_fg_nchw_bias_relu", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x4x6x7xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %1 : tensor<2x8x6x7xf32>
  }
}
