// pike-assign-layout=layout=auto: a convolution slot reading a single input
// channel (LeNet-5's grayscale 1 -> 6 channel 5x5) stays NCHW and stops the
// spread like a slot with code; the rest of the network (the next convolution,
// the pool between them) is still channels-last. layout=nhwc, the user's
// choice, marks it anyway.
// RUN: pike-opt %s -pike-assign-layout | FileCheck %s --check-prefix=AUTO
// RUN: pike-opt %s -pike-assign-layout=layout=nhwc | FileCheck %s --check-prefix=NHWC

// AUTO-LABEL: pike.kernel @gray_conv
// AUTO-NOT: pike.layout
// AUTO-LABEL: pike.kernel @pool
// AUTO-SAME: pike.layout = "nhwc"
// AUTO-LABEL: pike.kernel @conv2
// AUTO-SAME: pike.layout = "nhwc"
// AUTO-LABEL: pike.kernel @gray_only
// AUTO-NOT: pike.layout
// AUTO-LABEL: pike.kernel @after_gray_only
// AUTO-NOT: pike.layout

// NHWC-LABEL: pike.kernel @gray_conv
// NHWC-SAME: pike.layout = "nhwc"
// NHWC-LABEL: pike.kernel @gray_only
// NHWC-SAME: pike.layout = "nhwc"

module {
  func.func @forward(%x: tensor<2x1x12x12xf32>, %w1: tensor<6x1x5x5xf32>, %w2: tensor<16x6x3x3xf32>) -> (tensor<2x16x4x4xf32>, tensor<2x6x8x8xf32>) {
    %0 = pike.call @gray_conv(%x, %w1) : (tensor<2x1x12x12xf32>, tensor<6x1x5x5xf32>) -> tensor<2x6x8x8xf32>
    %1 = pike.call @pool(%0) : (tensor<2x6x8x8xf32>) -> tensor<2x6x6x6xf32>
    %2 = pike.call @conv2(%1, %w2) : (tensor<2x6x6x6xf32>, tensor<16x6x3x3xf32>) -> tensor<2x16x4x4xf32>
    // A single-channel convolution with nothing channels-last around it.
    %3 = pike.call @gray_only(%x, %w1) : (tensor<2x1x12x12xf32>, tensor<6x1x5x5xf32>) -> tensor<2x6x8x8xf32>
    %4 = pike.call @after_gray_only(%3) : (tensor<2x6x8x8xf32>) -> tensor<2x6x8x8xf32>
    return %2, %4 : tensor<2x16x4x4xf32>, tensor<2x6x8x8xf32>
  }
  pike.kernel @gray_conv(%x: tensor<2x1x12x12xf32>, %w: tensor<6x1x5x5xf32>) -> tensor<2x6x8x8xf32> attributes {entry = "pike_gray_conv", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x1x12x12xf32>, tensor<6x1x5x5xf32>) -> tensor<2x6x8x8xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x6x8x8xf32>) -> tensor<2x6x8x8xf32>
    pike.yield %1 : tensor<2x6x8x8xf32>
  }
  pike.kernel @pool(%x: tensor<2x6x8x8xf32>) -> tensor<2x6x6x6xf32> attributes {entry = "pike_pool", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = false, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 1, 1>} : (tensor<2x6x8x8xf32>) -> tensor<2x6x6x6xf32>
    pike.yield %0 : tensor<2x6x6x6xf32>
  }
  pike.kernel @conv2(%x: tensor<2x6x6x6xf32>, %w: tensor<16x6x3x3xf32>) -> tensor<2x16x4x4xf32> attributes {entry = "pike_conv2", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x6x6x6xf32>, tensor<16x6x3x3xf32>) -> tensor<2x16x4x4xf32>
    pike.yield %0 : tensor<2x16x4x4xf32>
  }
  pike.kernel @gray_only(%x: tensor<2x1x12x12xf32>, %w: tensor<6x1x5x5xf32>) -> tensor<2x6x8x8xf32> attributes {entry = "pike_gray_only", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x1x12x12xf32>, tensor<6x1x5x5xf32>) -> tensor<2x6x8x8xf32>
    pike.yield %0 : tensor<2x6x8x8xf32>
  }
  pike.kernel @after_gray_only(%x: tensor<2x6x8x8xf32>) -> tensor<2x6x8x8xf32> attributes {entry = "pike_after_gray_only", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<2x6x8x8xf32>) -> tensor<2x6x8x8xf32>
    pike.yield %0 : tensor<2x6x8x8xf32>
  }
}
