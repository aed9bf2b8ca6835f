// Slots the generator cannot handle keep their reference body with a remark
// naming the op; `strict` turns that into an error.
// RUN: pike-opt %s -pike-generate-kernels -verify-diagnostics -split-input-file | FileCheck %s
// RUN: not pike-opt %s -pike-generate-kernels="strict=true" -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=STRICT

// A 1-d convolution stays on cuDNN (every 2-d one has a generator: conv.test,
// conv-dense.test, conv-transposed.test).
// CHECK-LABEL: pike.kernel @conv
// CHECK-SAME: impl = "reference"
// expected-remark @+1 {{cannot generate a kernel for slot 'conv': convolution on non-4-d (NCHW) tensors}}
pike.kernel @conv(%x: tensor<1x2x8xf32>, %w: tensor<2x2x3xf32>) -> tensor<1x2x8xf32> attributes {entry = "pike_conv", impl = "reference", pike.pattern = "conv_epilogue"} {
  %b = pike.constant dense<0.0> : tensor<2xf32>
  %0 = pike.aten "aten::_convolution"(%x, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0>, padding = array<i64: 1>, stride = array<i64: 1>, transposed = false} : (tensor<1x2x8xf32>, tensor<2x2x3xf32>, tensor<2xf32>) -> tensor<1x2x8xf32>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<1x2x8xf32>) -> tensor<1x2x8xf32>
  pike.yield %1 : tensor<1x2x8xf32>
}

// -----

// CHECK-LABEL: pike.kernel @pool
// CHECK-SAME: impl = "reference"
// STRICT: error: cannot generate a kernel for slot 'pool': 'aten::max_pool3d' (other) has no code generator
// 2-d pooling has a generator (pool.test); 3-d pooling does not.
// expected-remark @+1 {{cannot generate a kernel for slot 'pool': 'aten::max_pool3d' (other) has no code generator}}
pike.kernel @pool(%x: tensor<1x2x4x4x4xf32>) -> tensor<1x2x2x2x2xf32> attributes {entry = "pike_pool", impl = "reference", pike.pattern = "single"} {
  %0 = pike.aten "aten::max_pool3d"(%x) {ceil_mode = false, dilation = array<i64: 1, 1, 1>, kernel_size = array<i64: 2, 2, 2>, operands = ["self"], padding = array<i64: 0, 0, 0>, stride = array<i64: 2, 2, 2>} : (tensor<1x2x4x4x4xf32>) -> tensor<1x2x2x2x2xf32>
  pike.yield %0 : tensor<1x2x2x2x2xf32>
}

// -----

// A training-mode dropout is not an identity.
// CHECK-LABEL: pike.kernel @drop
// CHECK-SAME: impl = "reference"
pike.kernel @drop(%x: tensor<8xf32>) -> tensor<8xf32> attributes {entry = "pike_drop", impl = "reference", pike.pattern = "elementwise"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'drop': 'aten::dropout' in training mode}}
  %0 = pike.aten "aten::dropout"(%x) {operands = ["input"], p = 5.000000e-01 : f64, train = true} : (tensor<8xf32>) -> tensor<8xf32>
  pike.yield %0 : tensor<8xf32>
}
