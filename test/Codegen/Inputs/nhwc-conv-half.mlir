// Channels-last convolution slots for the fused cuDNN graph on 16-bit x and w
// ("cudnn-graph-fused/half", the bf16/fp16 policies): sizes whose x and w
// both divide by 4 (the converter's float4 path where the buffers are 16-byte
// aligned) and sizes that do not (scalar conversion only).
module {
  // 3x3 + bias + relu: x 672 and w 576 elements.
  pike.kernel @hv_bias_relu(%x: tensor<2x8x6x7xf32>, %w: tensor<8x8x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_hv_bias_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x8x6x7xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %1 : tensor<2x8x6x7xf32>
  }
  // A stem: 3 input channels, stride 2, bias + silu: x 486 and w 216 elements (486 % 4 = 2).
  pike.kernel @hv_stem_silu(%x: tensor<2x3x9x9xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x5x5xf32> attributes {entry = "pike_hv_stem_silu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<2x3x9x9xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<2x8x5x5xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<2x8x5x5xf32>) -> tensor<2x8x5x5xf32>
    pike.yield %1 : tensor<2x8x5x5xf32>
  }
  // A block's end: 3x3 + bias + residual + relu.
  pike.kernel @hv_res_relu(%x: tensor<2x8x6x7xf32>, %w: tensor<8x8x3x3xf32>, %b: tensor<8xf32>, %r: tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_hv_res_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x8x6x7xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>) -> tensor<2x8x6x7xf32>
    %1 = pike.aten "aten::add"(%0, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x8x6x7xf32>, tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<2x8x6x7xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %2 : tensor<2x8x6x7xf32>
  }
  // A bare convolution (one identity node), 5x5 grouped by 2.
  pike.kernel @hv_conv_only(%x: tensor<2x8x6x7xf32>, %w: tensor<8x4x5x5xf32>) -> tensor<2x8x6x7xf32> attributes {entry = "pike_hv_conv_only", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 2 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x8x6x7xf32>, tensor<8x4x5x5xf32>) -> tensor<2x8x6x7xf32>
    pike.yield %0 : tensor<2x8x6x7xf32>
  }
}
