// RUN: pike-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(pike-fuse))' | FileCheck %s

// A linear with a bias-free elementwise tail becomes one gemm_epilogue group;
// the scalar constant is cloned into the body rather than passed in.
// CHECK-LABEL: func.func @gemm_gelu
// CHECK: %[[G:.*]] = pike.fusion_group "gemm_epilogue"(%arg0, %arg1) : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
// CHECK: pike.constant
// CHECK: pike.aten "aten::linear"
// CHECK: pike.aten "aten::gelu"
// CHECK: pike.aten "aten::mul"
// CHECK: pike.yield
// CHECK: return %[[G]]
func.func @gemm_gelu(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>) -> tensor<4x16xf32> {
  %c = pike.constant dense<2.0> : tensor<f32>
  %0 = pike.aten "aten::linear"(%x, %w) {bias, operands = ["input", "weight"]} : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  %1 = pike.aten "aten::gelu"(%0) {approximate = "none", operands = ["self"]} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %2 = pike.aten "aten::mul"(%1, %c) {operands = ["self", "other"]} : (tensor<4x16xf32>, tensor<f32>) -> tensor<4x16xf32>
  return %2 : tensor<4x16xf32>
}

// -----

// relu's result has two users; both are elementwise, so the epilogue takes the
// whole DAG and relu's value never leaves the kernel.
// CHECK-LABEL: func.func @multi_use
// CHECK: pike.fusion_group "conv_epilogue"
// CHECK: aten::_convolution
// CHECK: aten::relu
// CHECK: aten::add
// CHECK: aten::add
// CHECK: pike.yield %{{.*}} : tensor<1x4x8x8xf32>
// CHECK-NOT: pike.fusion_group
func.func @multi_use(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32> {
  %0 = pike.aten "aten::_convolution"(%x, %w) {bias, operands = ["input", "weight"], stride = array<i64: 1, 1>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, transposed = false, output_padding = array<i64: 0, 0>, groups = 1 : i64, benchmark = false, deterministic = false, cudnn_enabled = true, allow_tf32 = true} : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %2 = pike.aten "aten::add"(%1, %x) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %3 = pike.aten "aten::add"(%2, %1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %3 : tensor<1x4x8x8xf32>
}

// -----

// Producers whose only users are in the group join it: gelu(x) * sigmoid(y)
// plus the tanh(x - y) branch is one elementwise kernel.
// CHECK-LABEL: func.func @dag
// CHECK: pike.fusion_group "elementwise"(%arg0, %arg1)
// CHECK-DAG: aten::gelu
// CHECK-DAG: aten::sigmoid
// CHECK-DAG: aten::sub
// CHECK-DAG: aten::tanh
// CHECK: pike.yield
// CHECK-NOT: pike.fusion_group
func.func @dag(%x: tensor<8xf32>, %y: tensor<8xf32>) -> tensor<8xf32> {
  %g = pike.aten "aten::gelu"(%x) {approximate = "none", operands = ["self"]} : (tensor<8xf32>) -> tensor<8xf32>
  %s = pike.aten "aten::sigmoid"(%y) {operands = ["self"]} : (tensor<8xf32>) -> tensor<8xf32>
  %a = pike.aten "aten::mul"(%g, %s) {operands = ["self", "other"]} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %d = pike.aten "aten::sub"(%x, %y) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %t = pike.aten "aten::tanh"(%d) {operands = ["self"]} : (tensor<8xf32>) -> tensor<8xf32>
  %r = pike.aten "aten::add"(%a, %t) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// Elementwise ops that only feed a 2-d pooling op become its prologue (the
// pooling kernel recomputes them per window element).
// CHECK-LABEL: func.func @bn_relu_pool
// CHECK: pike.fusion_group "pooling"
// CHECK: aten::mul
// CHECK: aten::relu
// CHECK: aten::max_pool2d
// CHECK: pike.yield
func.func @bn_relu_pool(%x: tensor<1x2x4x4xf32>, %s: tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32> {
  %0 = pike.aten "aten::mul"(%x, %s) {operands = ["self", "other"]} : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %2 = pike.aten "aten::max_pool2d"(%1) {ceil_mode = false, dilation = array<i64: 1, 1>, kernel_size = array<i64: 2, 2>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// The relu is also returned: it must be stored, so the pool stays on its own.
// CHECK-LABEL: func.func @relu_used_twice
// CHECK: pike.fusion_group "elementwise"
// CHECK-NOT: pike.fusion_group "pooling"
func.func @relu_used_twice(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %1 = pike.aten "aten::avg_pool2d"(%0) {ceil_mode = false, count_include_pad = true, divisor_override, kernel_size = array<i64: 2, 2>, operands = ["self"], padding = array<i64: 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %0, %1 : tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>
}
