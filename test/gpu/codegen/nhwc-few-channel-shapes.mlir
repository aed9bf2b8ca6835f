// Few-channel convolutions (LeNet-5 at batch 4096, kernelbench level3/02_lenet5)
// as channels-last slots, for scripts/device-codegen-check.sh: which candidate
// leads where cuDNN's tensor-core engines cannot use the channel count (1 or 6
// input channels). In run full-20261207j (H100) LeNet-5's first convolution got
// one candidate, the fused graph, at 0.397 ms, where run b's NCHW slot ran the
// legacy call with algorithm search at 0.188 ms. The NCHW twin comes from sed:
//   sed 's/pike.layout = "nhwc", //' test/gpu/codegen/nhwc-few-channel-shapes.mlir > /tmp/nchw-few.mlir
module {
  // conv1: 1 -> 6 channels, 5x5, 32x32, relu.
  pike.kernel @lenet_conv1_relu(%x: tensor<4096x1x32x32xf32>, %w: tensor<6x1x5x5xf32>, %b: tensor<6xf32>) -> tensor<4096x6x28x28xf32> attributes {entry = "pike_lenet_conv1_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<4096x1x32x32xf32>, tensor<6x1x5x5xf32>, tensor<6xf32>) -> tensor<4096x6x28x28xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4096x6x28x28xf32>) -> tensor<4096x6x28x28xf32>
    pike.yield %1 : tensor<4096x6x28x28xf32>
  }
  // conv2: 6 -> 16 channels, 5x5, 14x14, relu.
  pike.kernel @lenet_conv2_relu(%x: tensor<4096x6x14x14xf32>, %w: tensor<16x6x5x5xf32>, %b: tensor<16xf32>) -> tensor<4096x16x10x10xf32> attributes {entry = "pike_lenet_conv2_relu", impl = "reference", pike.layout = "nhwc", pike.pattern = "conv_epilogue"} {
    %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<4096x6x14x14xf32>, tensor<16x6x5x5xf32>, tensor<16xf32>) -> tensor<4096x16x10x10xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4096x16x10x10xf32>) -> tensor<4096x16x10x10xf32>
    pike.yield %1 : tensor<4096x16x10x10xf32>
  }
}
