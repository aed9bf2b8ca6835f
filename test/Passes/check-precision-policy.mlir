// pike-check-precision under bf16 names the policy and what it rounds; max-pooling
// indices and rounding to integers are decisions too. fp32 or an unknown
// policy is an error, not a silent no-op.
// RUN: pike-opt %s -pike-check-precision=policy=bf16 -split-input-file -verify-diagnostics -o /dev/null
// RUN: not pike-opt %s -pike-check-precision=policy=fp32 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=FP32
// RUN: not pike-opt %s -pike-check-precision=policy=fp8 -split-input-file -o /dev/null 2>&1 | FileCheck %s --check-prefix=FP8
// FP32: error: pike-check-precision: policy='fp32' is not a relaxed precision policy (expected tf32, bf16 or fp16)
// FP8: error: pike-check-precision: policy='fp8' is not a relaxed precision policy

func.func @forward(%x: tensor<16x32xf32>, %w: tensor<8x32xf32>) -> tensor<16xi64> {
  %0 = pike.aten "aten::linear"(%x, %w) {bias, operands = ["input", "weight"]} : (tensor<16x32xf32>, tensor<8x32xf32>) -> tensor<16x8xf32>
  // expected-warning @+1 {{--precision=bf16: 'aten::argmax' decides on values computed by bf16 matmuls/attention or TF32 convolutions; rounding can change its choice}}
  %1 = pike.aten "aten::argmax"(%0) {dim = 1 : i64, keepdim = false, operands = ["self"]} : (tensor<16x8xf32>) -> tensor<16xi64>
  return %1 : tensor<16xi64>
}

// -----

func.func @forward(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<1x4x3x3xf32>, tensor<1x4x3x3xi64>, tensor<1x4x6x6xf32>) {
  %0 = pike.aten "aten::conv2d"(%x, %w) {bias, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], padding = array<i64: 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  // expected-warning @+1 {{--precision=bf16: 'aten::max_pool2d_with_indices' decides on values computed by}}
  %1:2 = pike.aten "aten::max_pool2d_with_indices"(%0) {ceil_mode = false, dilation = array<i64: 1, 1>, kernel_size = array<i64: 2, 2>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x6x6xf32>) -> (tensor<1x4x3x3xf32>, tensor<1x4x3x3xi64>)
  // expected-warning @+1 {{'aten::round' decides on values computed by}}
  %2 = pike.aten "aten::round"(%0) {operands = ["self"]} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %1#0, %1#1, %2 : tensor<1x4x3x3xf32>, tensor<1x4x3x3xi64>, tensor<1x4x6x6xf32>
}
