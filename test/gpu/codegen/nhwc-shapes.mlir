// Channels-last slots (pike.layout = "nhwc") at network shapes, for
// scripts/device-codegen-check.sh: the dense convolutions of conv-dense-shapes.mlir
// (transposed ones left out: no NHWC code), ResNet-50's pointwise convolutions,
// a MobileNetV2 depthwise convolution and DenseNet's batch norm + relu. The same
// file without the attribute is the NCHW twin (the device command makes it with
// sed), so one call times both layouts of the same slots:
//   sed 's/pike.layout = "nhwc", //' test/gpu/codegen/nhwc-shapes.mlir > /tmp/nchw-shapes.mlir
module {
  // ResNet basic block: 3x3, 64 channels at 56x56, BN folded, relu.
  pike.kernel @resnet_3x3_relu(%x: tensor<8x64x56x56xf32>, %w: tensor<64x64x3x3xf32>, %b: tensor<64xf32>) -> tensor<8x64x56x56xf32> attributes {entry = "pike_resnet_3x3_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x64x56x56xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>) -> tensor<8x64x56x56xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32>
    pike.yield %2 : tensor<8x64x56x56xf32>
  }
  // ResNet block end: 3x3 + bias + residual + relu (cudnn-fused with z).
  pike.kernel @resnet_3x3_res_relu(%x: tensor<8x64x56x56xf32>, %w: tensor<64x64x3x3xf32>, %b: tensor<64xf32>, %r: tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32> attributes {entry = "pike_resnet_3x3_res_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x64x56x56xf32>, tensor<64x64x3x3xf32>, tensor<64xf32>) -> tensor<8x64x56x56xf32>
    %1 = pike.aten "aten::add"(%0, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<8x64x56x56xf32>, tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32>
    pike.yield %2 : tensor<8x64x56x56xf32>
  }
  // ResNet downsampling 3x3 stride 2.
  pike.kernel @resnet_3x3_s2(%x: tensor<8x128x56x56xf32>, %w: tensor<128x128x3x3xf32>, %b: tensor<128xf32>) -> tensor<8x128x28x28xf32> attributes {entry = "pike_resnet_3x3_s2", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<8x128x56x56xf32>, tensor<128x128x3x3xf32>, tensor<128xf32>) -> tensor<8x128x28x28xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x128x28x28xf32>) -> tensor<8x128x28x28xf32>
    pike.yield %2 : tensor<8x128x28x28xf32>
  }
  // 7x7 stride-2 stem.
  pike.kernel @stem_7x7_s2(%x: tensor<8x3x224x224xf32>, %w: tensor<64x3x7x7xf32>, %b: tensor<64xf32>) -> tensor<8x64x112x112xf32> attributes {entry = "pike_stem_7x7_s2", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 3, 3>, stride = array<i64: 2, 2>, transposed = false} : (tensor<8x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<8x64x112x112xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x64x112x112xf32>) -> tensor<8x64x112x112xf32>
    pike.yield %2 : tensor<8x64x112x112xf32>
  }
  // GoogLeNet 5x5 branch.
  pike.kernel @googlenet_5x5(%x: tensor<8x16x28x28xf32>, %w: tensor<32x16x5x5xf32>, %b: tensor<32xf32>) -> tensor<8x32x28x28xf32> attributes {entry = "pike_googlenet_5x5", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x16x28x28xf32>, tensor<32x16x5x5xf32>, tensor<32xf32>) -> tensor<8x32x28x28xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x32x28x28xf32>) -> tensor<8x32x28x28xf32>
    pike.yield %2 : tensor<8x32x28x28xf32>
  }
  // ShuffleNet v1 grouped 1x1 (3 groups), relu.
  pike.kernel @shufflenet_g3_1x1(%x: tensor<8x240x28x28xf32>, %w: tensor<240x80x1x1xf32>, %b: tensor<240xf32>) -> tensor<8x240x28x28xf32> attributes {entry = "pike_shufflenet_g3_1x1", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 3 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x240x28x28xf32>, tensor<240x80x1x1xf32>, tensor<240xf32>) -> tensor<8x240x28x28xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x240x28x28xf32>) -> tensor<8x240x28x28xf32>
    pike.yield %2 : tensor<8x240x28x28xf32>
  }
  // EfficientNet stem 3x3 s2 with silu (epilogue kernel).
  pike.kernel @effnet_stem_silu(%x: tensor<8x3x224x224xf32>, %w: tensor<32x3x3x3xf32>, %b: tensor<32xf32>) -> tensor<8x32x112x112xf32> attributes {entry = "pike_effnet_stem_silu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<8x3x224x224xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<8x32x112x112xf32>
    %2 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<8x32x112x112xf32>) -> tensor<8x32x112x112xf32>
    pike.yield %2 : tensor<8x32x112x112xf32>
  }
  // A model exported with cudnn.allow_tf32 = False: FMA math only.
  pike.kernel @dense_3x3_fp32(%x: tensor<8x32x32x32xf32>, %w: tensor<32x32x3x3xf32>, %b: tensor<32xf32>) -> tensor<8x32x32x32xf32> attributes {entry = "pike_dense_3x3_fp32", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = false, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x32x32x32xf32>, tensor<32x32x3x3xf32>, tensor<32xf32>) -> tensor<8x32x32x32xf32>
    %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x32x32x32xf32>) -> tensor<8x32x32x32xf32>
    pike.yield %2 : tensor<8x32x32x32xf32>
  }
  // ResNet-50 bottleneck 1x1 reduce: 256 -> 64 at 56x56, relu (a GEMM in NCHW slots).
  pike.kernel @r50_1x1_reduce(%x: tensor<8x256x56x56xf32>, %w: tensor<64x256x1x1xf32>, %b: tensor<64xf32>) -> tensor<8x64x56x56xf32> attributes {entry = "pike_r50_1x1_reduce", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x256x56x56xf32>, tensor<64x256x1x1xf32>, tensor<64xf32>) -> tensor<8x64x56x56xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32>
    pike.yield %1 : tensor<8x64x56x56xf32>
  }
  // ResNet-50 bottleneck 1x1 expand + residual + relu: 64 -> 256 at 56x56.
  pike.kernel @r50_1x1_expand_res(%x: tensor<8x64x56x56xf32>, %w: tensor<256x64x1x1xf32>, %b: tensor<256xf32>, %r: tensor<8x256x56x56xf32>) -> tensor<8x256x56x56xf32> attributes {entry = "pike_r50_1x1_expand_res", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x64x56x56xf32>, tensor<256x64x1x1xf32>, tensor<256xf32>) -> tensor<8x256x56x56xf32>
    %1 = pike.aten "aten::add"(%0, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<8x256x56x56xf32>, tensor<8x256x56x56xf32>) -> tensor<8x256x56x56xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<8x256x56x56xf32>) -> tensor<8x256x56x56xf32>
    pike.yield %2 : tensor<8x256x56x56xf32>
  }
  // MobileNetV2 depthwise 3x3 + relu6 at 144 channels, 56x56.
  pike.kernel @mbv2_dw3(%x: tensor<8x144x56x56xf32>, %w: tensor<144x1x3x3xf32>, %b: tensor<144xf32>) -> tensor<8x144x56x56xf32> attributes {entry = "pike_mbv2_dw3", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 144 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x144x56x56xf32>, tensor<144x1x3x3xf32>, tensor<144xf32>) -> tensor<8x144x56x56xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<8x144x56x56xf32>) -> tensor<8x144x56x56xf32>
    pike.yield %1 : tensor<8x144x56x56xf32>
  }
  // DenseNet-121 pre-activation: inference batch norm + relu at 256 channels, 28x28.
  pike.kernel @densenet_bn_relu(%x: tensor<8x256x28x28xf32>, %w: tensor<256xf32>, %bb: tensor<256xf32>, %m: tensor<256xf32>) -> tensor<8x256x28x28xf32> attributes {entry = "pike_densenet_bn_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "norm_activation"} {
    %v = pike.constant dense<1.500000e+00> : tensor<256xf32>
    %0 = pike.aten "aten::batch_norm"(%x, %w, %bb, %m, %v) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<8x256x28x28xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<8x256x28x28xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x256x28x28xf32>) -> tensor<8x256x28x28xf32>
    pike.yield %1 : tensor<8x256x28x28xf32>
  }
  // DenseNet-121 growth conv: 3x3, 128 -> 32 channels at 56x56, no bias, no
  // epilogue (run h100-nhwc-20261207e: the first candidate ran at 0.52x).
  pike.kernel @densenet_growth_3x3(%x: tensor<8x128x56x56xf32>, %w: tensor<32x128x3x3xf32>) -> tensor<8x32x56x56xf32> attributes {entry = "pike_densenet_growth_3x3", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x128x56x56xf32>, tensor<32x128x3x3xf32>) -> tensor<8x32x56x56xf32>
    pike.yield %0 : tensor<8x32x56x56xf32>
  }
  // DenseNet-121 bottleneck: 1x1, 256 -> 128 channels at 56x56, no bias (0.81x in that run).
  pike.kernel @densenet_bottleneck_1x1(%x: tensor<8x256x56x56xf32>, %w: tensor<128x256x1x1xf32>) -> tensor<8x128x56x56xf32> attributes {entry = "pike_densenet_bottleneck_1x1", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<8x256x56x56xf32>, tensor<128x256x1x1xf32>) -> tensor<8x128x56x56xf32>
    pike.yield %0 : tensor<8x128x56x56xf32>
  }
}
