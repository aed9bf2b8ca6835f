// Row regions: softmax / log_softmax, reductions, layer/rms/group norm, each
// with elementwise prologue and epilogue ops.
module {
  // The "softmax" pattern: scale then softmax over the last dim.
  pike.kernel @softmax(%x: tensor<8x128xf32>) -> tensor<8x128xf32> attributes {entry = "pike_softmax", impl = "reference", pike.pattern = "softmax"} {
    %0 = pike.constant dense<5.000000e-01> : tensor<f64>
    %1 = pike.aten "aten::mul"(%x, %0) {operands = ["self", "other"]} : (tensor<8x128xf32>, tensor<f64>) -> tensor<8x128xf32>
    %2 = pike.aten "aten::softmax"(%1) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<8x128xf32>) -> tensor<8x128xf32>
    pike.yield %2 : tensor<8x128xf32>
  }
  // Masked (additive bias broadcast over rows) log_softmax with dim = rank-1, long rows.
  pike.kernel @logsoftmax(%x: tensor<2x3x1500xf32>, %m: tensor<1500xf32>) -> tensor<2x3x1500xf32> attributes {entry = "pike_logsoftmax", impl = "reference", pike.pattern = "softmax"} {
    %0 = pike.aten "aten::add"(%x, %m) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x3x1500xf32>, tensor<1500xf32>) -> tensor<2x3x1500xf32>
    %1 = pike.aten "aten::log_softmax"(%0) {dim = 2 : i64, dtype, operands = ["self"]} : (tensor<2x3x1500xf32>) -> tensor<2x3x1500xf32>
    pike.yield %1 : tensor<2x3x1500xf32>
  }
  // Softmax with an epilogue that also reads the prologue (x + softmax(x)) and -inf masking.
  pike.kernel @softmax_epi(%x: tensor<4x33xf32>, %mask: tensor<4x33xi1>) -> tensor<4x33xf32> attributes {entry = "pike_softmax_epi", impl = "reference", pike.pattern = "softmax"} {
    %0 = pike.aten "aten::masked_fill"(%x, %mask) {operands = ["self", "mask"], value = 0xFFF0000000000000 : f64} : (tensor<4x33xf32>, tensor<4x33xi1>) -> tensor<4x33xf32>
    %1 = pike.aten "aten::softmax"(%0) {dim = 1 : i64, dtype, operands = ["self"]} : (tensor<4x33xf32>) -> tensor<4x33xf32>
    %2 = pike.aten "aten::add"(%1, %x) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x33xf32>, tensor<4x33xf32>) -> tensor<4x33xf32>
    pike.yield %2 : tensor<4x33xf32>
  }
  // sum over the last two dims, keepdim, with prologue and epilogue.
  pike.kernel @sum(%x: tensor<4x6x5x7xf32>) -> tensor<4x6x1x1xf32> attributes {entry = "pike_sum", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::square"(%x) {operands = ["self"]} : (tensor<4x6x5x7xf32>) -> tensor<4x6x5x7xf32>
    %1 = pike.aten "aten::sum"(%0) {dim = array<i64: -1, -2>, dtype, keepdim = true, operands = ["self"]} : (tensor<4x6x5x7xf32>) -> tensor<4x6x1x1xf32>
    %2 = pike.aten "aten::sqrt"(%1) {operands = ["self"]} : (tensor<4x6x1x1xf32>) -> tensor<4x6x1x1xf32>
    pike.yield %2 : tensor<4x6x1x1xf32>
  }
  // mean over the last dim (no keepdim), amax over all dims, var.
  pike.kernel @mean(%x: tensor<3x4x50xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> attributes {entry = "pike_mean", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mean"(%x) {dim = array<i64: 2>, dtype, keepdim = false, operands = ["self"]} : (tensor<3x4x50xf32>) -> tensor<3x4xf32>
    %1 = pike.aten "aten::add"(%0, %b) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32>
    pike.yield %1 : tensor<3x4xf32>
  }
  pike.kernel @amax(%x: tensor<5x9xf32>) -> tensor<f32> attributes {entry = "pike_amax", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::abs"(%x) {operands = ["self"]} : (tensor<5x9xf32>) -> tensor<5x9xf32>
    %1 = pike.aten "aten::amax"(%0) {dim = array<i64: 0, 1>, keepdim = false, operands = ["self"]} : (tensor<5x9xf32>) -> tensor<f32>
    pike.yield %1 : tensor<f32>
  }
  pike.kernel @var(%x: tensor<6x40xf32>) -> tensor<6x1xf32> attributes {entry = "pike_var", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::var"(%x) {correction = 1 : i64, dim = array<i64: 1>, keepdim = true, operands = ["self"]} : (tensor<6x40xf32>) -> tensor<6x1xf32>
    pike.yield %0 : tensor<6x1xf32>
  }
  // layer_norm over the last dim + silu (the depthwise_ln model's region).
  pike.kernel @layernorm(%x: tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> attributes {entry = "pike_layernorm", impl = "reference", pike.pattern = "norm_activation"} {
    %0 = pike.constant dense<1.000000e+00> : tensor<8xf32>
    %1 = pike.constant dense<[0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4]> : tensor<8xf32>
    %2 = pike.aten "aten::layer_norm"(%x, %0, %1) {cudnn_enable = true, eps = 1.000000e-05 : f64, normalized_shape = array<i64: 8>, operands = ["input", "weight", "bias"]} : (tensor<2x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x8x8xf32>
    %3 = pike.aten "aten::silu"(%2) {operands = ["self"]} : (tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32>
    pike.yield %3 : tensor<2x8x8x8xf32>
  }
  // layer_norm over two dims with weight/bias arguments and a gelu epilogue.
  pike.kernel @layernorm2(%x: tensor<3x10x24xf32>, %w: tensor<10x24xf32>, %b: tensor<10x24xf32>) -> tensor<3x10x24xf32> attributes {entry = "pike_layernorm2", impl = "reference", pike.pattern = "norm_activation"} {
    %0 = pike.aten "aten::layer_norm"(%x, %w, %b) {cudnn_enable = true, eps = 1.000000e-05 : f64, normalized_shape = array<i64: 10, 24>, operands = ["input", "weight", "bias"]} : (tensor<3x10x24xf32>, tensor<10x24xf32>, tensor<10x24xf32>) -> tensor<3x10x24xf32>
    %1 = pike.aten "aten::gelu"(%0) {approximate = "none", operands = ["self"]} : (tensor<3x10x24xf32>) -> tensor<3x10x24xf32>
    pike.yield %1 : tensor<3x10x24xf32>
  }
  // group_norm + relu.
  pike.kernel @groupnorm(%x: tensor<2x6x3x5xf32>, %w: tensor<6xf32>, %b: tensor<6xf32>) -> tensor<2x6x3x5xf32> attributes {entry = "pike_groupnorm", impl = "reference", pike.pattern = "norm_activation"} {
    %0 = pike.aten "aten::group_norm"(%x, %w, %b) {cudnn_enabled = true, eps = 1.000000e-05 : f64, num_groups = 3 : i64, operands = ["input", "weight", "bias"]} : (tensor<2x6x3x5xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<2x6x3x5xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x6x3x5xf32>) -> tensor<2x6x3x5xf32>
    pike.yield %1 : tensor<2x6x3x5xf32>
  }
  // rms_norm with a weight argument.
  pike.kernel @rmsnorm(%x: tensor<4x64xf32>, %w: tensor<64xf32>) -> tensor<4x64xf32> attributes {entry = "pike_rmsnorm", impl = "reference", pike.pattern = "norm_activation"} {
    %0 = pike.aten "aten::rms_norm"(%x, %w) {eps = 1.000000e-06 : f64, normalized_shape = array<i64: 64>, operands = ["input", "weight"]} : (tensor<4x64xf32>, tensor<64xf32>) -> tensor<4x64xf32>
    pike.yield %0 : tensor<4x64xf32>
  }
  // Softmax over a middle dim (strided rows).
  pike.kernel @softmax_mid(%x: tensor<2x5x3xf32>) -> tensor<2x5x3xf32> attributes {entry = "pike_softmax_mid", impl = "reference", pike.pattern = "softmax"} {
    %0 = pike.aten "aten::softmax"(%x) {dim = 1 : i64, dtype, operands = ["self"]} : (tensor<2x5x3xf32>) -> tensor<2x5x3xf32>
    pike.yield %0 : tensor<2x5x3xf32>
  }
  // sum over the middle dims (strided rows), no keepdim, with an epilogue.
  pike.kernel @sum_mid(%x: tensor<4x6x5x3xf32>) -> tensor<4x3xf32> attributes {entry = "pike_sum_mid", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::sum"(%x) {dim = array<i64: 1, 2>, dtype, keepdim = false, operands = ["self"]} : (tensor<4x6x5x3xf32>) -> tensor<4x3xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4x3xf32>) -> tensor<4x3xf32>
    pike.yield %1 : tensor<4x3xf32>
  }
  // logsumexp over the last dim, keepdim.
  pike.kernel @logsumexp(%x: tensor<7x40xf32>) -> tensor<7x1xf32> attributes {entry = "pike_logsumexp", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::logsumexp"(%x) {dim = array<i64: 1>, keepdim = true, operands = ["self"]} : (tensor<7x40xf32>) -> tensor<7x1xf32>
    pike.yield %0 : tensor<7x1xf32>
  }
  // Global average pooling (squeeze-excite) with its sigmoid gate: a row mean.
  pike.kernel @gap(%x: tensor<2x6x5x7xf32>) -> tensor<2x6x1x1xf32> attributes {entry = "pike_gap", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::adaptive_avg_pool2d"(%x) {operands = ["self"], output_size = array<i64: 1, 1>} : (tensor<2x6x5x7xf32>) -> tensor<2x6x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<2x6x1x1xf32>) -> tensor<2x6x1x1xf32>
    pike.yield %1 : tensor<2x6x1x1xf32>
  }
}
