// Channels-last slots (pike.layout = "nhwc") that no generator can write keep
// their reference body (PyTorch runs it on channels-last tensors), with a
// remark saying why: a generator that does not know the layout would read
// NCHW indices from NHWC memory.
// RUN: pike-opt %s -pike-generate-kernels -verify-diagnostics -split-input-file | FileCheck %s

// Row ops (softmax, layer norm, reductions other than a spatial mean) have NCHW code only.
// CHECK-LABEL: pike.kernel @softmax_channels
// CHECK-SAME: impl = "reference"
// expected-remark @+1 {{cannot generate a kernel for slot 'softmax_channels': no generated code for this pattern in a channels-last slot}}
pike.kernel @softmax_channels(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> attributes {entry = "pike_softmax_channels", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
  %0 = pike.aten "aten::softmax"(%x) {dim = 1 : i64, dtype, operands = ["self"]} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  pike.yield %0 : tensor<2x3x4x5xf32>
}

// -----

// Channels-last pooling reads its prologue's operands in N, H, W, C order: a
// contiguous [C, H, W] constant is refused there too.
// CHECK-LABEL: pike.kernel @pool_chw_constant
// CHECK-SAME: impl = "reference"
pike.kernel @pool_chw_constant(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32> attributes {entry = "pike_pool_chw_constant", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'pool_chw_constant': a contiguous operand of shape [2x2x2] would need a transposed read in a channels-last slot}}
  %c = pike.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]> : tensor<2x2x2xf32>
  %0 = pike.aten "aten::add"(%x, %c) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %1 = pike.aten "aten::max_pool2d"(%0) {ceil_mode = false, dilation = array<i64: 1, 1>, kernel_size = array<i64: 2, 2>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  pike.yield %1 : tensor<1x2x1x1xf32>
}

// -----

// A contiguous [C, H, W] constant is not in N, H, W, C order.
// CHECK-LABEL: pike.kernel @chw_constant
// CHECK-SAME: impl = "reference"
pike.kernel @chw_constant(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> attributes {entry = "pike_chw_constant", impl = "reference", pike.layout = "nhwc", pike.pattern = "elementwise"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'chw_constant': a contiguous operand of shape [2x2x2] would need a transposed read in a channels-last slot}}
  %c = pike.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]> : tensor<2x2x2xf32>
  %0 = pike.aten "aten::add"(%x, %c) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x2x2x2xf32>, tensor<2x2x2xf32>) -> tensor<1x2x2x2xf32>
  pike.yield %0 : tensor<1x2x2x2xf32>
}

// -----

// A transposed convolution (cuDNN backward-data) has no NHWC code.
// CHECK-LABEL: pike.kernel @deconv
// CHECK-SAME: impl = "reference"
pike.kernel @deconv(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x2x2xf32>) -> tensor<1x2x10x10xf32> attributes {entry = "pike_deconv", impl = "reference", pike.layout = "nhwc", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'deconv': a transposed convolution in a channels-last slot}}
  %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 2, 2>, transposed = true} : (tensor<1x4x5x5xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x10x10xf32>
  pike.yield %0 : tensor<1x2x10x10xf32>
}

// -----

// triu/tril mask logical coordinates.
// CHECK-LABEL: pike.kernel @triangle
// CHECK-SAME: impl = "reference"
pike.kernel @triangle(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> attributes {entry = "pike_triangle", impl = "reference", pike.layout = "nhwc", pike.pattern = "elementwise"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'triangle': 'aten::triu' in a channels-last slot}}
  %0 = pike.aten "aten::triu"(%x) {diagonal = 0 : i64, operands = ["self"]} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  pike.yield %0 : tensor<1x2x3x3xf32>
}
