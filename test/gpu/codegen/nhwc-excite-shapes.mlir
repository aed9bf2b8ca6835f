// Channels-last squeeze-excite gates at EfficientNet-B0's shapes (batch 16), for
// scripts/device-codegen-check.sh:
//   CANDIDATES="0 1" scripts/device-codegen-check.sh test/gpu/codegen/nhwc-excite-shapes.mlir
module {
  // Stage 1: 8 -> 32 channels over 112x112.
  pike.kernel @effnet_excite_112(%s: tensor<16x8x1x1xf32>, %w: tensor<32x8x1x1xf32>, %b: tensor<32xf32>, %x: tensor<16x32x112x112xf32>) -> tensor<16x32x112x112xf32> attributes {entry = "pike_effnet_excite_112", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%s, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<16x8x1x1xf32>, tensor<32x8x1x1xf32>, tensor<32xf32>) -> tensor<16x32x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<16x32x1x1xf32>) -> tensor<16x32x1x1xf32>
    %2 = pike.aten "aten::mul"(%x, %1) {operands = ["self", "other"]} : (tensor<16x32x112x112xf32>, tensor<16x32x1x1xf32>) -> tensor<16x32x112x112xf32>
    pike.yield %2 : tensor<16x32x112x112xf32>
  }
  // Stage 4: 28 -> 672 channels over 14x14.
  pike.kernel @effnet_excite_14(%s: tensor<16x28x1x1xf32>, %w: tensor<672x28x1x1xf32>, %b: tensor<672xf32>, %x: tensor<16x672x14x14xf32>) -> tensor<16x672x14x14xf32> attributes {entry = "pike_effnet_excite_14", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%s, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<16x28x1x1xf32>, tensor<672x28x1x1xf32>, tensor<672xf32>) -> tensor<16x672x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<16x672x1x1xf32>) -> tensor<16x672x1x1xf32>
    %2 = pike.aten "aten::mul"(%x, %1) {operands = ["self", "other"]} : (tensor<16x672x14x14xf32>, tensor<16x672x1x1xf32>) -> tensor<16x672x14x14xf32>
    pike.yield %2 : tensor<16x672x14x14xf32>
  }
  // Stage 7: 48 -> 1152 channels over 7x7.
  pike.kernel @effnet_excite_7(%s: tensor<16x48x1x1xf32>, %w: tensor<1152x48x1x1xf32>, %b: tensor<1152xf32>, %x: tensor<16x1152x7x7xf32>) -> tensor<16x1152x7x7xf32> attributes {entry = "pike_effnet_excite_7", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%s, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<16x48x1x1xf32>, tensor<1152x48x1x1xf32>, tensor<1152xf32>) -> tensor<16x1152x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<16x1152x1x1xf32>) -> tensor<16x1152x1x1xf32>
    %2 = pike.aten "aten::mul"(%x, %1) {operands = ["self", "other"]} : (tensor<16x1152x7x7xf32>, tensor<16x1152x1x1xf32>) -> tensor<16x1152x7x7xf32>
    pike.yield %2 : tensor<16x1152x7x7xf32>
  }
}
