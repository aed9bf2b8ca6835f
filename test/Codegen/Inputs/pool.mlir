// Pooling regions: windows, strides, padding, dilation, ceil_mode,
// count_include_pad, divisor_override, adaptive sizes, an elementwise prologue
// (recomputed per window element) and epilogue. Attributes as the importer writes them.
module {
  // ResNet stem pool: 3x3 stride 2 padding 1.
  pike.kernel @max3_s2(%x: tensor<2x3x9x10xf32>) -> tensor<2x3x5x5xf32> attributes {entry = "pike_max3_s2", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = false, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x3x9x10xf32>) -> tensor<2x3x5x5xf32>
    pike.yield %0 : tensor<2x3x5x5xf32>
  }
  // Rectangular window, dilation, ceil_mode (GoogLeNet pools use ceil_mode).
  pike.kernel @max_dil_ceil(%x: tensor<2x3x9x10xf32>) -> tensor<2x3x9x6xf32> attributes {entry = "pike_max_dil_ceil", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = true, dilation = array<i64: 2, 1>, kernel_size = array<i64: 2, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 1, 2>} : (tensor<2x3x9x10xf32>) -> tensor<2x3x9x6xf32>
    pike.yield %0 : tensor<2x3x9x6xf32>
  }
  // Average, ceil_mode, padding not counted.
  pike.kernel @avg_ceil_nopad(%x: tensor<2x3x9x10xf32>) -> tensor<2x3x5x6xf32> attributes {entry = "pike_avg_ceil_nopad", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::avg_pool2d"(%x) {ceil_mode = true, count_include_pad = false, divisor_override, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x3x9x10xf32>) -> tensor<2x3x5x6xf32>
    pike.yield %0 : tensor<2x3x5x6xf32>
  }
  // Average with padding counted, ceil_mode (a last window past the padded input).
  pike.kernel @avg_ceil_pad(%x: tensor<1x2x6x7xf32>) -> tensor<1x2x4x4xf32> attributes {entry = "pike_avg_ceil_pad", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::avg_pool2d"(%x) {ceil_mode = true, count_include_pad = true, divisor_override, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x2x6x7xf32>) -> tensor<1x2x4x4xf32>
    pike.yield %0 : tensor<1x2x4x4xf32>
  }
  // DenseNet transition: 2x2 stride = window (empty stride), divisor_override, then an epilogue.
  pike.kernel @avg_divisor_sigmoid(%x: tensor<2x3x9x10xf32>) -> tensor<2x3x4x5xf32> attributes {entry = "pike_avg_divisor_sigmoid", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::avg_pool2d"(%x) {ceil_mode = false, count_include_pad = true, divisor_override = 3 : i64, kernel_size = array<i64: 2, 2>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64>} : (tensor<2x3x9x10xf32>) -> tensor<2x3x4x5xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
    pike.yield %1 : tensor<2x3x4x5xf32>
  }
  // Adaptive average to 3x2 with a fused prologue: batch-norm-like scale/shift and relu.
  pike.kernel @adaptive_avg_prologue(%x: tensor<2x3x9x10xf32>, %s: tensor<3x1x1xf32>) -> tensor<2x3x3x2xf32> attributes {entry = "pike_adaptive_avg_prologue", impl = "reference", pike.pattern = "pooling"} {
    %c = pike.constant dense<[[[0.5]], [[-0.25]], [[1.0]]]> : tensor<3x1x1xf32>
    %0 = pike.aten "aten::mul"(%x, %s) {operands = ["self", "other"]} : (tensor<2x3x9x10xf32>, tensor<3x1x1xf32>) -> tensor<2x3x9x10xf32>
    %1 = pike.aten "aten::add"(%0, %c) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x3x9x10xf32>, tensor<3x1x1xf32>) -> tensor<2x3x9x10xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<2x3x9x10xf32>) -> tensor<2x3x9x10xf32>
    %3 = pike.aten "aten::adaptive_avg_pool2d"(%2) {operands = ["self"], output_size = array<i64: 3, 2>} : (tensor<2x3x9x10xf32>) -> tensor<2x3x3x2xf32>
    pike.yield %3 : tensor<2x3x3x2xf32>
  }
  // Adaptive max to 2x3 (overlapping windows), values and indices both outputs.
  pike.kernel @adaptive_max_idx(%x: tensor<2x3x9x10xf32>) -> (tensor<2x3x2x3xf32>, tensor<2x3x2x3xi64>) attributes {entry = "pike_adaptive_max_idx", impl = "reference", pike.pattern = "single"} {
    %0:2 = pike.aten "aten::adaptive_max_pool2d"(%x) {operands = ["self"], output_size = array<i64: 2, 3>} : (tensor<2x3x9x10xf32>) -> (tensor<2x3x2x3xf32>, tensor<2x3x2x3xi64>)
    pike.yield %0#0, %0#1 : tensor<2x3x2x3xf32>, tensor<2x3x2x3xi64>
  }
  // 3-d input (C, H, W), adaptive average growing 5x4 -> 7x6 (windows of 1-2 elements).
  pike.kernel @adaptive_avg_up(%x: tensor<4x5x4xf32>) -> tensor<4x7x6xf32> attributes {entry = "pike_adaptive_avg_up", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::adaptive_avg_pool2d"(%x) {operands = ["self"], output_size = array<i64: 7, 6>} : (tensor<4x5x4xf32>) -> tensor<4x7x6xf32>
    pike.yield %0 : tensor<4x7x6xf32>
  }
}
