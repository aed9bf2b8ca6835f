// Pooling slots at level-3 sizes (ResNet stem, GoogLeNet ceil-mode pools, DenseNet
// transition, VGG-style adaptive average, a fused batch-norm + relu prologue) for
// scripts/device-codegen-check.sh: the generated kernel against the slot reference.
module {
  pike.kernel @resnet_stem_maxpool(%x: tensor<8x64x112x112xf32>) -> tensor<8x64x56x56xf32> attributes {entry = "pike_resnet_stem_maxpool", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = false, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<8x64x112x112xf32>) -> tensor<8x64x56x56xf32>
    pike.yield %0 : tensor<8x64x56x56xf32>
  }
  pike.kernel @googlenet_maxpool_ceil(%x: tensor<8x192x56x56xf32>) -> tensor<8x192x28x28xf32> attributes {entry = "pike_googlenet_maxpool_ceil", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = true, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<8x192x56x56xf32>) -> tensor<8x192x28x28xf32>
    pike.yield %0 : tensor<8x192x28x28xf32>
  }
  pike.kernel @googlenet_branch_pool(%x: tensor<8x256x28x28xf32>) -> tensor<8x256x28x28xf32> attributes {entry = "pike_googlenet_branch_pool", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::max_pool2d"(%x) {ceil_mode = true, dilation = array<i64: 1, 1>, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 1, 1>} : (tensor<8x256x28x28xf32>) -> tensor<8x256x28x28xf32>
    pike.yield %0 : tensor<8x256x28x28xf32>
  }
  pike.kernel @densenet_transition_avgpool(%x: tensor<8x128x56x56xf32>) -> tensor<8x128x28x28xf32> attributes {entry = "pike_densenet_transition_avgpool", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::avg_pool2d"(%x) {ceil_mode = false, count_include_pad = true, divisor_override, kernel_size = array<i64: 2, 2>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<8x128x56x56xf32>) -> tensor<8x128x28x28xf32>
    pike.yield %0 : tensor<8x128x28x28xf32>
  }
  pike.kernel @avgpool_pad_nocount(%x: tensor<8x64x28x28xf32>) -> tensor<8x64x15x15xf32> attributes {entry = "pike_avgpool_pad_nocount", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::avg_pool2d"(%x) {ceil_mode = true, count_include_pad = false, divisor_override, kernel_size = array<i64: 3, 3>, operands = ["self"], padding = array<i64: 1, 1>, stride = array<i64: 2, 2>} : (tensor<8x64x28x28xf32>) -> tensor<8x64x15x15xf32>
    pike.yield %0 : tensor<8x64x15x15xf32>
  }
  pike.kernel @vgg_adaptive_avg7(%x: tensor<8x512x14x14xf32>) -> tensor<8x512x7x7xf32> attributes {entry = "pike_vgg_adaptive_avg7", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::adaptive_avg_pool2d"(%x) {operands = ["self"], output_size = array<i64: 7, 7>} : (tensor<8x512x14x14xf32>) -> tensor<8x512x7x7xf32>
    pike.yield %0 : tensor<8x512x7x7xf32>
  }
  pike.kernel @adaptive_max_idx(%x: tensor<8x64x15x17xf32>) -> (tensor<8x64x4x5xf32>, tensor<8x64x4x5xi64>) attributes {entry = "pike_adaptive_max_idx", impl = "reference", pike.pattern = "single"} {
    %0:2 = pike.aten "aten::adaptive_max_pool2d"(%x) {operands = ["self"], output_size = array<i64: 4, 5>} : (tensor<8x64x15x17xf32>) -> (tensor<8x64x4x5xf32>, tensor<8x64x4x5xi64>)
    pike.yield %0#0, %0#1 : tensor<8x64x4x5xf32>, tensor<8x64x4x5xi64>
  }
  pike.kernel @bn_relu_avgpool(%x: tensor<8x256x56x56xf32>, %s: tensor<256x1x1xf32>, %t: tensor<256x1x1xf32>) -> tensor<8x256x28x28xf32> attributes {entry = "pike_bn_relu_avgpool", impl = "reference", pike.pattern = "pooling"} {
    %0 = pike.aten "aten::mul"(%x, %s) {operands = ["self", "other"]} : (tensor<8x256x56x56xf32>, tensor<256x1x1xf32>) -> tensor<8x256x56x56xf32>
    %1 = pike.aten "aten::add"(%0, %t) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<8x256x56x56xf32>, tensor<256x1x1xf32>) -> tensor<8x256x56x56xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<8x256x56x56xf32>) -> tensor<8x256x56x56xf32>
    %3 = pike.aten "aten::avg_pool2d"(%2) {ceil_mode = false, count_include_pad = true, divisor_override, kernel_size = array<i64: 2, 2>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<8x256x56x56xf32>) -> tensor<8x256x28x28xf32>
    pike.yield %3 : tensor<8x256x28x28xf32>
  }
}
