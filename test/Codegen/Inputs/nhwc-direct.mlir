// Channels-last slots (pike.layout = "nhwc") whose generated code is plain CUDA
// (no library, no shared memory), so Codegen/nhwc-emulated.test runs it on the
// CPU: elementwise slots (one kernel over the N, H, W, C order of the slot's
// rank-4 tensors) and depthwise convolutions (a thread per NHWC output).
module {
  // Inference batch norm + relu (DenseNet's pre-activation): per-channel
  // parameters at the channel coordinate of the NHWC order.
  pike.kernel @bn_relu(%x: tensor<2x8x5x7xf32>, %w: tensor<8xf32>, %bb: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) -> tensor<2x8x5x7xf32> attributes {entry = "pike_bn_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "norm_activation"} {
    %0 = pike.aten "aten::batch_norm"(%x, %w, %bb, %m, %v) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<2x8x5x7xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x5x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x8x5x7xf32>) -> tensor<2x8x5x7xf32>
    pike.yield %1 : tensor<2x8x5x7xf32>
  }
  // Broadcast operands of every kind a channels-last slot reads: a [C, 1, 1]
  // constant, a [N, C, 1, 1] argument, a [1, C, 1, 1] argument and a full one;
  // two outputs.
  pike.kernel @ew_bcast(%x: tensor<2x6x3x5xf32>, %se: tensor<2x6x1x1xf32>, %g: tensor<1x6x1x1xf32>, %y: tensor<2x6x3x5xf32>) -> (tensor<2x6x3x5xf32>, tensor<2x6x3x5xf32>) attributes {entry = "pike_ew_bcast", impl = "reference", pike.layout = "nhwc", pike.pattern = "elementwise"} {
    %c = pike.constant dense<[[[1.0]], [[-2.0]], [[3.0]], [[-4.0]], [[5.0]], [[0.5]]]> : tensor<6x1x1xf32>
    %0 = pike.aten "aten::mul"(%x, %c) {operands = ["self", "other"]} : (tensor<2x6x3x5xf32>, tensor<6x1x1xf32>) -> tensor<2x6x3x5xf32>
    %1 = pike.aten "aten::mul"(%0, %se) {operands = ["self", "other"]} : (tensor<2x6x3x5xf32>, tensor<2x6x1x1xf32>) -> tensor<2x6x3x5xf32>
    %2 = pike.aten "aten::add"(%1, %g) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x6x3x5xf32>, tensor<1x6x1x1xf32>) -> tensor<2x6x3x5xf32>
    %3 = pike.aten "aten::sub"(%2, %y) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x6x3x5xf32>, tensor<2x6x3x5xf32>) -> tensor<2x6x3x5xf32>
    %4 = pike.aten "aten::sigmoid"(%3) {operands = ["self"]} : (tensor<2x6x3x5xf32>) -> tensor<2x6x3x5xf32>
    pike.yield %4, %2 : tensor<2x6x3x5xf32>, tensor<2x6x3x5xf32>
  }
  // Depthwise 3x3, stride 2, padding 1, channel multiplier 2, bias, relu6,
  // times an [N, C, 1, 1] scale in the epilogue.
  pike.kernel @dw3_s2_mult2(%x: tensor<2x3x7x6xf32>, %w: tensor<6x1x3x3xf32>, %b: tensor<6xf32>, %s: tensor<2x6x1x1xf32>) -> tensor<2x6x4x3xf32> attributes {entry = "pike_dw3_s2_mult2", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 3 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 2, 2>, transposed = false} : (tensor<2x3x7x6xf32>, tensor<6x1x3x3xf32>, tensor<6xf32>) -> tensor<2x6x4x3xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<2x6x4x3xf32>) -> tensor<2x6x4x3xf32>
    %2 = pike.aten "aten::mul"(%1, %s) {operands = ["self", "other"]} : (tensor<2x6x4x3xf32>, tensor<2x6x1x1xf32>) -> tensor<2x6x4x3xf32>
    pike.yield %2 : tensor<2x6x4x3xf32>
  }
  // Depthwise 5x5, dilation 2, padding 4 (MobileNet-like wide window).
  pike.kernel @dw5_dil2(%x: tensor<1x4x9x8xf32>, %w: tensor<4x1x5x5xf32>) -> tensor<1x4x9x8xf32> attributes {entry = "pike_dw5_dil2", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 2, 2>, groups = 4 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 4, 4>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x4x9x8xf32>, tensor<4x1x5x5xf32>) -> tensor<1x4x9x8xf32>
    pike.yield %0 : tensor<1x4x9x8xf32>
  }
  // DenseNet's dense layer: the concatenated features (channels-last operands:
  // a cat of channels is a cat along the last physical dim, read in place, as
  // float4 vectors since every operand's channels are a multiple of 4) ->
  // inference batch norm -> relu.
  pike.kernel @cat_bn_relu(%a: tensor<2x4x3x5xf32>, %b: tensor<2x8x3x5xf32>, %c: tensor<2x4x3x5xf32>, %w: tensor<16xf32>, %bb: tensor<16xf32>, %m: tensor<16xf32>, %v: tensor<16xf32>) -> tensor<2x16x3x5xf32> attributes {entry = "pike_cat_bn_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "norm_activation"} {
    %0 = pike.aten "aten::cat"(%a, %b, %c) {dim = 1 : i64, operands = ["tensors[]", "tensors[]", "tensors[]"]} : (tensor<2x4x3x5xf32>, tensor<2x8x3x5xf32>, tensor<2x4x3x5xf32>) -> tensor<2x16x3x5xf32>
    %1 = pike.aten "aten::batch_norm"(%0, %w, %bb, %m, %v) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<2x16x3x5xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x16x3x5xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<2x16x3x5xf32>) -> tensor<2x16x3x5xf32>
    pike.yield %2 : tensor<2x16x3x5xf32>
  }
  // Odd channel counts (3 + 5): lanes read one by one.
  pike.kernel @cat_odd(%a: tensor<1x3x2x4xf32>, %b: tensor<1x5x2x4xf32>) -> tensor<1x8x2x4xf32> attributes {entry = "pike_cat_odd", impl = "reference", pike.layout = "nhwc", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::cat"(%a, %b) {dim = 1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<1x3x2x4xf32>, tensor<1x5x2x4xf32>) -> tensor<1x8x2x4xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<1x8x2x4xf32>) -> tensor<1x8x2x4xf32>
    pike.yield %1 : tensor<1x8x2x4xf32>
  }
  // Depthwise 3x3 over 8 channels with bias, relu and a residual: four channels
  // per thread (float4 loads), the epilogue per lane.
  pike.kernel @dw3_c8_res(%x: tensor<1x8x5x5xf32>, %w: tensor<8x1x3x3xf32>, %b: tensor<8xf32>, %r: tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32> attributes {entry = "pike_dw3_c8_res", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 8 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x8x5x5xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<1x8x5x5xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32>
    %2 = pike.aten "aten::add"(%1, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x8x5x5xf32>, tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32>
    pike.yield %2 : tensor<1x8x5x5xf32>
  }
}
