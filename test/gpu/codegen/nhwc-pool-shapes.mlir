// Channels-last pooling slots (pike.layout = "nhwc") at network shapes, for
// scripts/device-codegen-check.sh (each checked against its TorchScript reference
// on channels-last tensors and timed against it):
//   CANDIDATES="0 1" scripts/device-codegen-check.sh test/gpu/codegen/nhwc-pool-shapes.mlir
module {
  // ResNet stem: max pool 3x3 s2 p1, 64 channels at 112x112.
  pike.kernel @resnet_stem_maxpool(%x: tensor<8x64x112x112xf32>) -> tensor<8x64x56x56xf32> attributes {entry = "pike_resnet_stem_maxpool", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = false, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<8x64x112x112xf32>) -> tensor<8x64x56x56xf32>
    pike.yield %0 : tensor<8x64x56x56xf32>
  }
  // GoogLeNet between stages: max pool 3x3 s2 ceil_mode, 192 channels at 56x56.
  pike.kernel @googlenet_stage_maxpool(%x: tensor<8x192x56x56xf32>) -> tensor<8x192x28x28xf32> attributes {entry = "pike_googlenet_stage_maxpool", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = true, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<8x192x56x56xf32>) -> tensor<8x192x28x28xf32>
    pike.yield %0 : tensor<8x192x28x28xf32>
  }
  // GoogLeNet inception pool branch: max pool 3x3 s1 p1, 480 channels at 14x14.
  pike.kernel @inception_branch_maxpool(%x: tensor<8x480x14x14xf32>) -> tensor<8x480x14x14xf32> attributes {entry = "pike_inception_branch_maxpool", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = true, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 1, 1>} : (tensor<8x480x14x14xf32>) -> tensor<8x480x14x14xf32>
    pike.yield %0 : tensor<8x480x14x14xf32>
  }
  // EfficientNet squeeze-excite: mean over H, W of 672 channels at 14x14.
  pike.kernel @se_squeeze_mean(%x: tensor<8x672x14x14xf32>) -> tensor<8x672x1x1xf32> attributes {entry = "pike_se_squeeze_mean", impl = "reference", pike.layout = "nhwc", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mean"(%x) {dim = array<i64: 2, 3>, dtype, keepdim = true, operands = ["self"]} : (tensor<8x672x14x14xf32>) -> tensor<8x672x1x1xf32>
    pike.yield %0 : tensor<8x672x1x1xf32>
  }
  // ResNet-50 head: global average pooling of 2048 channels at 7x7.
  pike.kernel @resnet50_gap(%x: tensor<8x2048x7x7xf32>) -> tensor<8x2048x1x1xf32> attributes {entry = "pike_resnet50_gap", impl = "reference", pike.layout = "nhwc", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::adaptive_avg_pool2d"(%x) {operands = ["self"], output_size = array<i64: 1, 1>} : (tensor<8x2048x7x7xf32>) -> tensor<8x2048x1x1xf32>
    pike.yield %0 : tensor<8x2048x1x1xf32>
  }
}
