// Channels-last pooling slots (pike.layout = "nhwc"), plain CUDA (a thread per
// output in N, Ho, Wo, C order), so Codegen/nhwc-pool.test runs the code on
// the CPU against the slots' TorchScript references on channels-last tensors.
module {
  // ResNet's stem max pool: 3x3, stride 2, padding 1.
  pike.kernel @max3_s2(%x: tensor<2x6x9x10xf32>) -> tensor<2x6x5x5xf32> attributes {entry = "pike_max3_s2", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = false, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x6x9x10xf32>) -> tensor<2x6x5x5xf32>
    pike.yield %0 : tensor<2x6x5x5xf32>
  }
  // GoogLeNet's max pools: 3x3, stride 2, ceil_mode (the last window hangs over the edge).
  pike.kernel @max3_s2_ceil(%x: tensor<1x5x8x7xf32>) -> tensor<1x5x4x3xf32> attributes {entry = "pike_max3_s2_ceil", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = true, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x5x8x7xf32>) -> tensor<1x5x4x3xf32>
    pike.yield %0 : tensor<1x5x4x3xf32>
  }
  // Average pool 3x3, stride 1, padding 1, count_include_pad = false, with a
  // batch norm + relu prologue (per-channel parameters at the NHWC channel).
  pike.kernel @bn_relu_avg3(%x: tensor<2x4x5x6xf32>, %w: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<2x4x5x6xf32> attributes {entry = "pike_bn_relu_avg3", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
    %0 = pike.aten "aten::batch_norm"(%x, %w, %b, %m, %v) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<2x4x5x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4x5x6xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x4x5x6xf32>) -> tensor<2x4x5x6xf32>
    %2 = pike.aten "aten::avg_pool2d"(%1) {ceil_mode = false, count_include_pad = false, divisor_override, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x4x5x6xf32>) -> tensor<2x4x5x6xf32>
    pike.yield %2 : tensor<2x4x5x6xf32>
  }
  // Global average pooling (adaptive to 1x1), then a sigmoid epilogue.
  pike.kernel @gap_sigmoid(%x: tensor<3x8x4x5xf32>) -> tensor<3x8x1x1xf32> attributes {entry = "pike_gap_sigmoid", impl = "reference", pike.layout = "nhwc", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::adaptive_avg_pool2d"(%x) {operands = ["self"], output_size = array<i64: 1, 1>} : (tensor<3x8x4x5xf32>) -> tensor<3x8x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<3x8x1x1xf32>) -> tensor<3x8x1x1xf32>
    pike.yield %1 : tensor<3x8x1x1xf32>
  }
  // An SE block's squeeze written as a mean over H and W (keepdim), of a swish.
  pike.kernel @swish_mean(%x: tensor<2x12x3x7xf32>) -> tensor<2x12x1x1xf32> attributes {entry = "pike_swish_mean", impl = "reference", pike.layout = "nhwc", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::sigmoid"(%x) {operands = ["self"]} : (tensor<2x12x3x7xf32>) -> tensor<2x12x3x7xf32>
    %1 = pike.aten "aten::mul"(%x, %0) {operands = ["self", "other"]} : (tensor<2x12x3x7xf32>, tensor<2x12x3x7xf32>) -> tensor<2x12x3x7xf32>
    %2 = pike.aten "aten::mean"(%1) {dim = array<i64: -1, -2>, dtype, keepdim = true, operands = ["self"]} : (tensor<2x12x3x7xf32>) -> tensor<2x12x1x1xf32>
    pike.yield %2 : tensor<2x12x1x1xf32>
  }
  // The same mean without keepdim: an [N, C] result (contiguous, the same order).
  pike.kernel @mean_flat(%x: tensor<2x5x4x4xf32>) -> tensor<2x5xf32> attributes {entry = "pike_mean_flat", impl = "reference", pike.layout = "nhwc", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mean"(%x) {dim = array<i64: 2, 3>, dtype, keepdim = false, operands = ["self"]} : (tensor<2x5x4x4xf32>) -> tensor<2x5xf32>
    pike.yield %0 : tensor<2x5xf32>
  }
  // Adaptive max pool to 2x3 with its indices (within each H x W plane).
  pike.kernel @adaptive_max(%x: tensor<1x3x5x7xf32>) -> (tensor<1x3x2x3xf32>, tensor<1x3x2x3xi64>) attributes {entry = "pike_adaptive_max", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
    %0:2 = pike.aten "aten::adaptive_max_pool2d"(%x) {operands = ["self"], output_size = array<i64: 2, 3>} : (tensor<1x3x5x7xf32>) -> (tensor<1x3x2x3xf32>, tensor<1x3x2x3xi64>)
    pike.yield %0#0, %0#1 : tensor<1x3x2x3xf32>, tensor<1x3x2x3xi64>
  }
}
