// Convolution slots of level-3 tasks at their real shapes (pike-opt --emit=kernels of
// kernelbench exports), for scripts/device-codegen-check.sh: correctness and time
// of each generated kernel against the slot reference on the GPU.
module {
  pike.kernel @mobilenetv2_region_0(%arg0: tensor<32x32x56x56xf32>, %arg1: tensor<192x32x1x1xf32>, %arg2: tensor<192xf32>) -> tensor<32x192x56x56xf32> attributes {entry = "pike_mobilenetv2_region_0", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%arg0, %arg1, %arg2) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x32x56x56xf32>, tensor<192x32x1x1xf32>, tensor<192xf32>) -> tensor<32x192x56x56xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<32x192x56x56xf32>) -> tensor<32x192x56x56xf32>
    pike.yield %1 : tensor<32x192x56x56xf32>
  }
  pike.kernel @mobilenetv2_region_1(%arg0: tensor<32x192x56x56xf32>, %arg1: tensor<192x1x3x3xf32>, %arg2: tensor<192xf32>) -> tensor<32x192x56x56xf32> attributes {entry = "pike_mobilenetv2_region_1", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%arg0, %arg1, %arg2) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 192 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x192x56x56xf32>, tensor<192x1x3x3xf32>, tensor<192xf32>) -> tensor<32x192x56x56xf32>
    %1 = pike.aten "aten::hardtanh"(%0) {max_val = 6.000000e+00 : f64, min_val = 0.000000e+00 : f64, operands = ["self"]} : (tensor<32x192x56x56xf32>) -> tensor<32x192x56x56xf32>
    pike.yield %1 : tensor<32x192x56x56xf32>
  }
  pike.kernel @mobilenetv2_region_2(%arg0: tensor<32x192x56x56xf32>, %arg1: tensor<32x192x1x1xf32>, %arg2: tensor<32x32x56x56xf32>) -> tensor<32x32x56x56xf32> attributes {entry = "pike_mobilenetv2_region_2", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.constant dense<0.000000e+00> : tensor<32xf32>
    %1 = pike.aten "aten::_convolution"(%arg0, %arg1, %0) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x192x56x56xf32>, tensor<32x192x1x1xf32>, tensor<32xf32>) -> tensor<32x32x56x56xf32>
    %2 = pike.aten "aten::add"(%arg2, %1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<32x32x56x56xf32>, tensor<32x32x56x56xf32>) -> tensor<32x32x56x56xf32>
    pike.yield %2 : tensor<32x32x56x56xf32>
  }
  pike.kernel @efficientnet_region_0(%arg0: tensor<32x64x56x56xf32>, %arg1: tensor<256x64x1x1xf32>, %arg2: tensor<256xf32>) -> tensor<32x256x56x56xf32> attributes {entry = "pike_efficientnet_region_0", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%arg0, %arg1, %arg2) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x64x56x56xf32>, tensor<256x64x1x1xf32>, tensor<256xf32>) -> tensor<32x256x56x56xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<32x256x56x56xf32>) -> tensor<32x256x56x56xf32>
    pike.yield %1 : tensor<32x256x56x56xf32>
  }
  pike.kernel @efficientnet_region_1(%arg0: tensor<32x256x56x56xf32>, %arg1: tensor<256x1x5x5xf32>, %arg2: tensor<256xf32>) -> tensor<32x256x56x56xf32> attributes {entry = "pike_efficientnet_region_1", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%arg0, %arg1, %arg2) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 256 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 2, 2>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x256x56x56xf32>, tensor<256x1x5x5xf32>, tensor<256xf32>) -> tensor<32x256x56x56xf32>
    %1 = pike.aten "aten::silu"(%0) {operands = ["self"]} : (tensor<32x256x56x56xf32>) -> tensor<32x256x56x56xf32>
    pike.yield %1 : tensor<32x256x56x56xf32>
  }
  pike.kernel @efficientnet_region_5(%arg0: tensor<32x256x56x56xf32>, %arg1: tensor<64x256x1x1xf32>, %arg2: tensor<32x64x56x56xf32>) -> tensor<32x64x56x56xf32> attributes {entry = "pike_efficientnet_region_5", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.constant dense<0.000000e+00> : tensor<64xf32>
    %1 = pike.aten "aten::_convolution"(%arg0, %arg1, %0) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x256x56x56xf32>, tensor<64x256x1x1xf32>, tensor<64xf32>) -> tensor<32x64x56x56xf32>
    %2 = pike.aten "aten::add"(%arg2, %1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<32x64x56x56xf32>, tensor<32x64x56x56xf32>) -> tensor<32x64x56x56xf32>
    pike.yield %2 : tensor<32x64x56x56xf32>
  }
  pike.kernel @squeezenet_region_0(%arg0: tensor<32x128x55x55xf32>, %arg1: tensor<32x128x1x1xf32>) -> tensor<32x32x55x55xf32> attributes {entry = "pike_squeezenet_region_0", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.constant dense<[0.064297922, -9.354630e-03, -0.0370910913, 0.0461484268, 0.00746931694, -3.931870e-02, 0.0206875596, -0.0589424707, 0.0821493715, 0.0774721428, 0.0407631025, 0.0467598848, -0.0878630578, -0.0491339751, -0.0850532054, -0.0460685268, -0.0732804834, 0.0650601387, 4.768660e-02, 0.0520530529, -0.0392386727, 0.0673684627, -0.0127720963, -0.0229004156, 0.0475911573, 0.0585335419, -0.0635274053, 0.0841483101, -0.00892099179, 0.0235413648, -0.0880115106, 0.00983987748]> : tensor<32xf32>
    %1 = pike.aten "aten::_convolution"(%arg0, %arg1, %0) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x128x55x55xf32>, tensor<32x128x1x1xf32>, tensor<32xf32>) -> tensor<32x32x55x55xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<32x32x55x55xf32>) -> tensor<32x32x55x55xf32>
    pike.yield %2 : tensor<32x32x55x55xf32>
  }
  pike.kernel @squeezenet_region_1(%arg0: tensor<32x32x55x55xf32>, %arg1: tensor<128x32x1x1xf32>, %arg2: tensor<128xf32>) -> tensor<32x128x55x55xf32> attributes {entry = "pike_squeezenet_region_1", impl = "reference", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%arg0, %arg1, %arg2) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<32x32x55x55xf32>, tensor<128x32x1x1xf32>, tensor<128xf32>) -> tensor<32x128x55x55xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<32x128x55x55xf32>) -> tensor<32x128x55x55xf32>
    pike.yield %1 : tensor<32x128x55x55xf32>
  }
}
