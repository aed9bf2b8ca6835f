// Channels-last depthwise convolutions at the shapes of level 3's mobile networks,
// for scripts/device-codegen-check.sh (CANDIDATES="0 1 2": the strip kernel with
// strips of 8 for 5x5 windows and 2 for 3x3 ones, strips of 4, the thread-per-output
// kernel; 6: cuDNN). Timed on an H100 in docs/results/h100-20261207l-networks-run/
// depthwise-check. The same file without the attribute is the NCHW twin:
//   sed 's/pike.layout = "nhwc", //' test/gpu/codegen/nhwc-depthwise-shapes.mlir > /tmp/nchw-dw.mlir
module {
  // EfficientNet MBConv (level3/06): 5x5, 256 channels at 56x56, BN folded, silu.
  pike.kernel @effnet_mbconv_dw5(%x: tensor<32x256x56x56xf32>, %w: tensor<256x1x5x5xf32>, %b: tensor<256xf32>) -> tensor<32x256x56x56xf32> attributes {entry = "pike_effnet_mbconv_dw5", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 256 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x256x56x56xf32>, tensor<256x1x5x5xf32>, tensor<256xf32>) -> tensor<32x256x56x56xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<32x256x56x56xf32>) -> tensor<32x256x56x56xf32>
    pike.yield %1 : tensor<32x256x56x56xf32>
  }
  // MobileNetV2 inverted residual (level3/05): 3x3, 192 channels at 56x56, relu6.
  pike.kernel @mbv2_dw3_c192(%x: tensor<32x192x56x56xf32>, %w: tensor<192x1x3x3xf32>, %b: tensor<192xf32>) -> tensor<32x192x56x56xf32> attributes {entry = "pike_mbv2_dw3_c192", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 192 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x192x56x56xf32>, tensor<192x1x3x3xf32>, tensor<192xf32>) -> tensor<32x192x56x56xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<32x192x56x56xf32>) -> tensor<32x192x56x56xf32>
    pike.yield %1 : tensor<32x192x56x56xf32>
  }
  // EfficientNet-B0 stage 2 entry: 3x3 stride 2, 96 channels, 112x112 -> 56x56, silu.
  pike.kernel @effb0_dw3_s2(%x: tensor<16x96x112x112xf32>, %w: tensor<96x1x3x3xf32>, %b: tensor<96xf32>) -> tensor<16x96x56x56xf32> attributes {entry = "pike_effb0_dw3_s2", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 96 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<16x96x112x112xf32>, tensor<96x1x3x3xf32>, tensor<96xf32>) -> tensor<16x96x56x56xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<16x96x56x56xf32>) -> tensor<16x96x56x56xf32>
    pike.yield %1 : tensor<16x96x56x56xf32>
  }
  // EfficientNet-B0 stage 3 entry: 5x5 stride 2, 144 channels, 56x56 -> 28x28, silu.
  pike.kernel @effb0_dw5_s2(%x: tensor<16x144x56x56xf32>, %w: tensor<144x1x5x5xf32>, %b: tensor<144xf32>) -> tensor<16x144x28x28xf32> attributes {entry = "pike_effb0_dw5_s2", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 144 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 2, 2>, transposed = false} : (tensor<16x144x56x56xf32>, tensor<144x1x5x5xf32>, tensor<144xf32>) -> tensor<16x144x28x28xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<16x144x28x28xf32>) -> tensor<16x144x28x28xf32>
    pike.yield %1 : tensor<16x144x28x28xf32>
  }
  // EfficientNet-B0 stage 5: 5x5, 672 channels at 14x14 (21 channel chunks), silu.
  pike.kernel @effb0_dw5_c672(%x: tensor<16x672x14x14xf32>, %w: tensor<672x1x5x5xf32>, %b: tensor<672xf32>) -> tensor<16x672x14x14xf32> attributes {entry = "pike_effb0_dw5_c672", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 672 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<16x672x14x14xf32>, tensor<672x1x5x5xf32>, tensor<672xf32>) -> tensor<16x672x14x14xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<16x672x14x14xf32>) -> tensor<16x672x14x14xf32>
    pike.yield %1 : tensor<16x672x14x14xf32>
  }
  // ShuffleNet unit (level3/08): 3x3, 60 channels at 28x28, BN folded, no activation.
  pike.kernel @shuffle_dw3_c60(%x: tensor<32x60x28x28xf32>, %w: tensor<60x1x3x3xf32>, %b: tensor<60xf32>) -> tensor<32x60x28x28xf32> attributes {entry = "pike_shuffle_dw3_c60", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 60 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x60x28x28xf32>, tensor<60x1x3x3xf32>, tensor<60xf32>) -> tensor<32x60x28x28xf32>
    pike.yield %0 : tensor<32x60x28x28xf32>
  }
  // ShuffleNetV2 downsampling branch: 3x3 stride 2, 58 channels (no float4), 56x56 -> 28x28.
  pike.kernel @shufflev2_dw3_s2_c58(%x: tensor<16x58x56x56xf32>, %w: tensor<58x1x3x3xf32>, %b: tensor<58xf32>) -> tensor<16x58x28x28xf32> attributes {entry = "pike_shufflev2_dw3_s2_c58", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 58 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<16x58x56x56xf32>, tensor<58x1x3x3xf32>, tensor<58xf32>) -> tensor<16x58x28x28xf32>
    pike.yield %0 : tensor<16x58x28x28xf32>
  }
}
