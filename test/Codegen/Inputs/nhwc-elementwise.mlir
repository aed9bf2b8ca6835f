// Channels-last elementwise slots (pike.layout = "nhwc"): one kernel over the
// N, H, W, C order of the slot's rank-4 tensors.
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
}
