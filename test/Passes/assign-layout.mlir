// pike-assign-layout: the slots connected to a 2-d convolution through rank-4
// floating values are marked channels-last (auto); reshapes stop the spread,
// so an attention-like block behind a view keeps contiguous tensors; slots that
// already have code keep their layout, and the spread stops at them (their
// NCHW results would be transposed for a channels-last reader). A slot whose
// result a view reads stays NCHW (a channels-last tensor is not viewable).
// RUN: pike-opt %s -pike-assign-layout | FileCheck %s --check-prefix=AUTO
// RUN: pike-opt %s -pike-assign-layout=layout=nhwc | FileCheck %s --check-prefix=NHWC
// RUN: pike-opt %s -pike-assign-layout=layout=nhwc -pike-assign-layout=layout=nchw | FileCheck %s --check-prefix=NCHW
// RUN: not pike-opt %s -pike-assign-layout=layout=nchwc 2>&1 | FileCheck %s --check-prefix=BAD

// AUTO-LABEL: pike.kernel @conv
// AUTO-SAME: pike.layout = "nhwc"
// AUTO-LABEL: pike.kernel @act
// AUTO-SAME: pike.layout = "nhwc"
// AUTO-LABEL: pike.kernel @pool_mean
// AUTO-SAME: pike.layout = "nhwc"
// AUTO-LABEL: pike.kernel @head
// AUTO-NOT: pike.layout
// AUTO-LABEL: pike.kernel @viewed
// AUTO-NOT: pike.layout
// AUTO-LABEL: pike.kernel @attn_like
// AUTO-NOT: pike.layout
// AUTO-LABEL: pike.kernel @has_code
// AUTO-NOT: pike.layout
// AUTO-LABEL: pike.kernel @after_has_code
// AUTO-NOT: pike.layout

// NHWC-LABEL: pike.kernel @conv
// NHWC-SAME: pike.layout = "nhwc"
// NHWC-LABEL: pike.kernel @head
// NHWC-NOT: pike.layout
// NHWC-LABEL: pike.kernel @viewed
// NHWC-NOT: pike.layout
// NHWC-LABEL: pike.kernel @attn_like
// NHWC-SAME: pike.layout = "nhwc"
// NHWC-LABEL: pike.kernel @has_code
// NHWC-NOT: pike.layout
// NHWC-LABEL: pike.kernel @after_has_code
// NHWC-SAME: pike.layout = "nhwc"

// NCHW-NOT: pike.layout = "nhwc"

// BAD: error: pike-assign-layout: layout must be auto, nhwc or nchw, not 'nchwc'

module {
  func.func @forward(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %lw: tensor<5x4xf32>) -> (tensor<2x5xf32>, tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) {
    %0 = pike.call @conv(%x, %w) : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
    %1 = pike.call @act(%0) : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    %2 = pike.call @pool_mean(%1) : (tensor<2x4x8x8xf32>) -> tensor<2x4xf32>
    %3 = pike.call @head(%2, %lw) : (tensor<2x4xf32>, tensor<5x4xf32>) -> tensor<2x5xf32>
    %v = pike.call @viewed(%1) : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    %4 = pike.aten "aten::view"(%v) {operands = ["self"], size = array<i64: 2, 4, 4, 16>} : (tensor<2x4x8x8xf32>) -> tensor<2x4x4x16xf32>
    %5 = pike.call @attn_like(%4) : (tensor<2x4x4x16xf32>) -> tensor<2x4x4x16xf32>
    %6 = pike.call @has_code(%1) : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    %7 = pike.call @after_has_code(%6) : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    return %3, %7, %6 : tensor<2x5xf32>, tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>
  }
  pike.kernel @conv(%x: tensor<2x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32> attributes {entry = "pike_conv", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::_convolution"(%x, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
    pike.yield %0 : tensor<2x4x8x8xf32>
  }
  pike.kernel @act(%x: tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32> attributes {entry = "pike_act", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    pike.yield %0 : tensor<2x4x8x8xf32>
  }
  pike.kernel @pool_mean(%x: tensor<2x4x8x8xf32>) -> tensor<2x4xf32> attributes {entry = "pike_pool_mean", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mean"(%x) {dim = array<i64: 2, 3>, keepdim = false, operands = ["self"]} : (tensor<2x4x8x8xf32>) -> tensor<2x4xf32>
    pike.yield %0 : tensor<2x4xf32>
  }
  pike.kernel @head(%x: tensor<2x4xf32>, %w: tensor<5x4xf32>) -> tensor<2x5xf32> attributes {entry = "pike_head", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::linear"(%x, %w) {bias, operands = ["input", "weight"]} : (tensor<2x4xf32>, tensor<5x4xf32>) -> tensor<2x5xf32>
    pike.yield %0 : tensor<2x5xf32>
  }
  pike.kernel @viewed(%x: tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32> attributes {entry = "pike_viewed", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::neg"(%x) {operands = ["self"]} : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    pike.yield %0 : tensor<2x4x8x8xf32>
  }
  pike.kernel @attn_like(%x: tensor<2x4x4x16xf32>) -> tensor<2x4x4x16xf32> attributes {entry = "pike_attn_like", impl = "reference", pike.pattern = "softmax"} {
    %0 = pike.aten "aten::softmax"(%x) {dim = -1 : i64, operands = ["self"]} : (tensor<2x4x4x16xf32>) -> tensor<2x4x4x16xf32>
    pike.yield %0 : tensor<2x4x4x16xf32>
  }
  pike.kernel @has_code(%x: tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32> attributes {entry = "pike_has_code", impl = "nvcc", source = "// written for NCHW", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::sigmoid"(%x) {operands = ["self"]} : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    pike.yield %0 : tensor<2x4x8x8xf32>
  }
  pike.kernel @after_has_code(%x: tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32> attributes {entry = "pike_after_has_code", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::tanh"(%x) {operands = ["self"]} : (tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
    pike.yield %0 : tensor<2x4x8x8xf32>
  }
}
