// RUN: pike-opt %s -pike-check-precision -split-input-file -verify-diagnostics -o /dev/null

// Top-k routing on a matmul's output, through two slots: warned at the top-k.
func.func @forward(%x: tensor<16x32xf32>, %w: tensor<8x32xf32>) -> tensor<16x2xi64> {
  %0 = pike.call @region_0(%x, %w) : (tensor<16x32xf32>, tensor<8x32xf32>) -> tensor<16x8xf32>
  %1:2 = pike.call @region_1(%0) : (tensor<16x8xf32>) -> (tensor<16x2xf32>, tensor<16x2xi64>)
  return %1#1 : tensor<16x2xi64>
}
pike.kernel @region_0(%arg0: tensor<16x32xf32>, %arg1: tensor<8x32xf32>) -> tensor<16x8xf32> attributes {entry = "pike_region_0", impl = "reference"} {
  %0 = pike.aten "aten::linear"(%arg0, %arg1) {bias, operands = ["input", "weight"]} : (tensor<16x32xf32>, tensor<8x32xf32>) -> tensor<16x8xf32>
  %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<16x8xf32>) -> tensor<16x8xf32>
  pike.yield %1 : tensor<16x8xf32>
}
pike.kernel @region_1(%arg0: tensor<16x8xf32>) -> (tensor<16x2xf32>, tensor<16x2xi64>) attributes {entry = "pike_region_1", impl = "reference"} {
  // expected-warning @+1 {{--precision=tf32: 'aten::topk' decides on values computed by TF32 matmuls or convolutions}}
  %0:2 = pike.aten "aten::topk"(%arg0) {dim = -1 : i64, k = 2 : i64, largest = true, operands = ["self"], sorted = true} : (tensor<16x8xf32>) -> (tensor<16x2xf32>, tensor<16x2xi64>)
  pike.yield %0#0, %0#1 : tensor<16x2xf32>, tensor<16x2xi64>
}

// -----

// The same decision on an input that no matmul touched: no warning; smooth
// math after a matmul: no warning either.
func.func @forward(%x: tensor<16x8xf32>, %w: tensor<8x8xf32>) -> (tensor<16x8xi1>, tensor<16x8xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<16x8xf32>) -> tensor<16x8xf32>
  %1 = pike.aten "aten::gt"(%0, %x) {operands = ["self", "other"]} : (tensor<16x8xf32>, tensor<16x8xf32>) -> tensor<16x8xi1>
  %2 = pike.aten "aten::mm"(%x, %w) {operands = ["self", "mat2"]} : (tensor<16x8xf32>, tensor<8x8xf32>) -> tensor<16x8xf32>
  %3 = pike.aten "aten::softmax"(%2) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<16x8xf32>) -> tensor<16x8xf32>
  return %1, %3 : tensor<16x8xi1>, tensor<16x8xf32>
}

// -----

// A comparison directly in @forward on a convolution's output.
func.func @forward(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xi1> {
  %0 = pike.aten "aten::conv2d"(%x, %w) {bias, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], padding = array<i64: 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  // expected-warning @+1 {{'aten::gt' decides on values computed by TF32}}
  %2 = pike.aten "aten::gt"(%1, %0) {operands = ["self", "other"]} : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xi1>
  return %2 : tensor<1x4x6x6xi1>
}
