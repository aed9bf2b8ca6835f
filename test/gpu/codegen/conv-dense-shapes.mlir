// Dense / strided / grouped convolution slots at level-3 sizes (ResNet, GoogLeNet,
// ShuffleNet, EfficientNet stem) for scripts/device-codegen-check.sh: each cuDNN
// variant (find, fused, heuristic, named algorithms) against the slot reference.
module {
  // ResNet basic block: 3x3, 64 channels at 56x56, BN folded, relu.
  pike.kernel @resnet_3x3_relu(%x: tensor<8x64x56x56xf32>, %w: tensor<64x64x3x3xf32>, %b: tensor<64xf32>) -> tensor<8x64x56x56xf32> attributes {entry = "pike_resnet_3x3_relu", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x64x56x56xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>) -> tensor<8x64x56x56xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32>
    pike.yield %2 : tensor<8x64x56x56xf32>
  }
  // ResNet block end: 3x3 + bias + residual + relu (cudnn-fused with z).
  pike.kernel @resnet_3x3_res_relu(%x: tensor<8x64x56x56xf32>, %w: tensor<64x64x3x3xf32>, %b: tensor<64xf32>, %r: tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32> attributes {entry = "pike_resnet_3x3_res_relu", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x64x56x56xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>) -> tensor<8x64x56x56xf32>
    %1 = pike.aten "aten::add"(%0, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<8x64x56x56xf32>, tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32>
    pike.yield %2 : tensor<8x64x56x56xf32>
  }
  // ResNet downsampling 3x3 stride 2.
  pike.kernel @resnet_3x3_s2(%x: tensor<8x128x56x56xf32>, %w: tensor<128x128x3x3xf32>, %b: tensor<128xf32>) -> tensor<8x128x28x28xf32> attributes {entry = "pike_resnet_3x3_s2", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<8x128x56x56xf32>, tensor<128x128x3x3xf32>, tensor<128xf32>) -> tensor<8x128x28x28xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x128x28x28xf32>) -> tensor<8x128x28x28xf32>
    pike.yield %2 : tensor<8x128x28x28xf32>
  }
  // 7x7 stride-2 stem.
  pike.kernel @stem_7x7_s2(%x: tensor<8x3x224x224xf32>, %w: tensor<64x3x7x7xf32>, %b: tensor<64xf32>) -> tensor<8x64x112x112xf32> attributes {entry = "pike_stem_7x7_s2", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 3, 3>, stride = array<i64: 2, 2>, transposed = false} : (tensor<8x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<8x64x112x112xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x64x112x112xf32>) -> tensor<8x64x112x112xf32>
    pike.yield %2 : tensor<8x64x112x112xf32>
  }
  // GoogLeNet 5x5 branch.
  pike.kernel @googlenet_5x5(%x: tensor<8x16x28x28xf32>, %w: tensor<32x16x5x5xf32>, %b: tensor<32xf32>) -> tensor<8x32x28x28xf32> attributes {entry = "pike_googlenet_5x5", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x16x28x28xf32>, tensor<32x16x5x5xf32>, tensor<32xf32>) -> tensor<8x32x28x28xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x32x28x28xf32>) -> tensor<8x32x28x28xf32>
    pike.yield %2 : tensor<8x32x28x28xf32>
  }
  // ShuffleNet v1 grouped 1x1 (3 groups), relu.
  pike.kernel @shufflenet_g3_1x1(%x: tensor<8x240x28x28xf32>, %w: tensor<240x80x1x1xf32>, %b: tensor<240xf32>) -> tensor<8x240x28x28xf32> attributes {entry = "pike_shufflenet_g3_1x1", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 3 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x240x28x28xf32>, tensor<240x80x1x1xf32>, tensor<240xf32>) -> tensor<8x240x28x28xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x240x28x28xf32>) -> tensor<8x240x28x28xf32>
    pike.yield %2 : tensor<8x240x28x28xf32>
  }
  // EfficientNet stem 3x3 s2 with silu (epilogue kernel).
  pike.kernel @effnet_stem_silu(%x: tensor<8x3x224x224xf32>, %w: tensor<32x3x3x3xf32>, %b: tensor<32xf32>) -> tensor<8x32x112x112xf32> attributes {entry = "pike_effnet_stem_silu", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<8x3x224x224xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<8x32x112x112xf32>
    %2 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<8x32x112x112xf32>) -> tensor<8x32x112x112xf32>
    pike.yield %2 : tensor<8x32x112x112xf32>
  }
  // A model exported with cudnn.allow_tf32 = False: FMA math only.
  pike.kernel @dense_3x3_fp32(%x: tensor<8x32x32x32xf32>, %w: tensor<32x32x3x3xf32>, %b: tensor<32xf32>) -> tensor<8x32x32x32xf32> attributes {entry = "pike_dense_3x3_fp32", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = false, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x32x32x32xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>) -> tensor<8x32x32x32xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x32x32x32xf32>) -> tensor<8x32x32x32xf32>
    pike.yield %2 : tensor<8x32x32x32xf32>
  }
  // U-Net upsampling: transposed 2x2 stride 2 (cuDNN backward-data), bias.
  pike.kernel @unet_up_tconv(%x: tensor<8x128x32x32xf32>, %w: tensor<128x64x2x2xf32>, %b: tensor<64xf32>) -> tensor<8x64x64x64xf32> attributes {entry = "pike_unet_up_tconv", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 2, 2>, transposed = true} : (tensor<8x128x32x32xf32>, tensor<128x64x2x2xf32>, tensor<64xf32>) -> tensor<8x64x64x64xf32>
    pike.yield %0 : tensor<8x64x64x64xf32>
  }
  // Level-2 transposed conv 3x3 stride 2, padding 1, output padding 1, bias, tanh.
  pike.kernel @tconv_s2_tanh(%x: tensor<16x64x32x32xf32>, %w: tensor<64x32x3x3xf32>, %b: tensor<32xf32>) -> tensor<16x32x64x64xf32> attributes {entry = "pike_tconv_s2_tanh", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 1, 1>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = true} : (tensor<16x64x32x32xf32>, tensor<64x32x3x3xf32>, tensor<32xf32>) -> tensor<16x32x64x64xf32>
    %1 = pike.aten "aten::tanh"(%0) {operands = ["self"]} : (tensor<16x32x64x64xf32>) -> tensor<16x32x64x64xf32>
    pike.yield %1 : tensor<16x32x64x64xf32>
  }
}
