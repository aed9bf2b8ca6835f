// EfficientNet-B0 squeeze-excite gates (1x1 conv -> sigmoid -> times the
// feature map) at batch 16, 224x224 input: stage 2 (96 ch at 112x112, reduced to 4),
// stage 4 (240 ch, 28x28), stage 7 (1152 ch, 7x7); weights as slot inputs.
// For scripts/device-codegen-check.sh.
module {
  pike.kernel @se_96(%s: tensor<16x4x1x1xf32>, %w: tensor<96x4x1x1xf32>, %b: tensor<96xf32>, %x: tensor<16x96x112x112xf32>) -> tensor<16x96x112x112xf32> attributes {entry = "pike_se_96", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%s, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<16x4x1x1xf32>, tensor<96x4x1x1xf32>, tensor<96xf32>) -> tensor<16x96x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<16x96x1x1xf32>) -> tensor<16x96x1x1xf32>
    %2 = pike.aten "aten::mul"(%x, %1) {operands = ["self", "other"]} : (tensor<16x96x112x112xf32>, tensor<16x96x1x1xf32>) -> tensor<16x96x112x112xf32>
    pike.yield %2 : tensor<16x96x112x112xf32>
  }
  pike.kernel @se_240(%s: tensor<16x10x1x1xf32>, %w: tensor<240x10x1x1xf32>, %b: tensor<240xf32>, %x: tensor<16x240x28x28xf32>) -> tensor<16x240x28x28xf32> attributes {entry = "pike_se_240", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%s, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<16x10x1x1xf32>, tensor<240x10x1x1xf32>, tensor<240xf32>) -> tensor<16x240x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<16x240x1x1xf32>) -> tensor<16x240x1x1xf32>
    %2 = pike.aten "aten::mul"(%x, %1) {operands = ["self", "other"]} : (tensor<16x240x28x28xf32>, tensor<16x240x1x1xf32>) -> tensor<16x240x28x28xf32>
    pike.yield %2 : tensor<16x240x28x28xf32>
  }
  pike.kernel @se_1152(%s: tensor<16x48x1x1xf32>, %w: tensor<1152x48x1x1xf32>, %b: tensor<1152xf32>, %x: tensor<16x1152x7x7xf32>) -> tensor<16x1152x7x7xf32> attributes {entry = "pike_se_1152", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%s, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<16x48x1x1xf32>, tensor<1152x48x1x1xf32>, tensor<1152xf32>) -> tensor<16x1152x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<16x1152x1x1xf32>) -> tensor<16x1152x1x1xf32>
    %2 = pike.aten "aten::mul"(%x, %1) {operands = ["self", "other"]} : (tensor<16x1152x7x7xf32>, tensor<16x1152x1x1xf32>) -> tensor<16x1152x7x7xf32>
    pike.yield %2 : tensor<16x1152x7x7xf32>
  }
}
