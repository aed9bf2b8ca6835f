// RUN: pike-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(pike-fuse))' | FileCheck %s
// RUN: pike-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline)' | FileCheck %s --check-prefix=SLOT

// aten::cat as a prologue: a cat whose only user is a region the elementwise DAG
// generator serves (elementwise ops, inference batch_norm) joins that region, so
// the concatenated tensor is never stored; its operands become the region's inputs.

// DenseNet's dense layer: cat -> batch_norm(training=false) -> relu is one
// norm_activation region; the three cat operands and the four batch-norm
// tensors are the slot's inputs.
// CHECK-LABEL: func.func @dense_layer
// CHECK-NOT: pike.aten "aten::cat"
// CHECK: %[[G:.*]] = pike.fusion_group "norm_activation"(%arg0, %arg1, %arg2, %arg3, %arg4, %arg5, %arg6)
// CHECK: pike.aten "aten::cat"
// CHECK: pike.aten "aten::batch_norm"
// CHECK: pike.aten "aten::relu"
// CHECK: pike.yield
// CHECK: return %[[G]]
// SLOT-LABEL: func.func @dense_layer
// SLOT: pike.call @region_0(%arg0, %arg1, %arg2, %arg3, %arg4, %arg5, %arg6)
// SLOT-LABEL: pike.kernel @region_0(%arg0: tensor<2x4x3x3xf32>, %arg1: tensor<2x2x3x3xf32>, %arg2: tensor<2x2x3x3xf32>, %arg3: tensor<8xf32>, %arg4: tensor<8xf32>, %arg5: tensor<8xf32>, %arg6: tensor<8xf32>) -> tensor<2x8x3x3xf32>
// SLOT-SAME: pike.pattern = "norm_activation"
// SLOT: pike.aten "aten::cat"(%arg0, %arg1, %arg2)
func.func @dense_layer(%a: tensor<2x4x3x3xf32>, %b: tensor<2x2x3x3xf32>, %c: tensor<2x2x3x3xf32>, %w: tensor<8xf32>, %bb: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) -> tensor<2x8x3x3xf32> {
  %0 = pike.aten "aten::cat"(%a, %b, %c) {dim = 1 : i64, operands = ["tensors[]", "tensors[]", "tensors[]"]} : (tensor<2x4x3x3xf32>, tensor<2x2x3x3xf32>, tensor<2x2x3x3xf32>) -> tensor<2x8x3x3xf32>
  %1 = pike.aten "aten::batch_norm"(%0, %w, %bb, %m, %v) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<2x8x3x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8x3x3xf32>
  %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<2x8x3x3xf32>) -> tensor<2x8x3x3xf32>
  return %2 : tensor<2x8x3x3xf32>
}

// -----

// A lone pointwise consumer (no group of its own before) and a cat along the
// last dim (negative): cat + sigmoid become one elementwise region.
// CHECK-LABEL: func.func @cat_sigmoid
// CHECK: pike.fusion_group "elementwise"(%arg0, %arg1)
// CHECK: pike.aten "aten::cat"
// CHECK: pike.aten "aten::sigmoid"
// CHECK: pike.yield
func.func @cat_sigmoid(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) -> tensor<4x8xf32> {
  %0 = pike.aten "aten::cat"(%a, %b) {dim = -1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

// Several users, all inside the region: the cat still joins.
// CHECK-LABEL: func.func @two_users_inside
// CHECK: pike.fusion_group "elementwise"(%arg0, %arg1)
// CHECK: pike.aten "aten::cat"
// CHECK: pike.aten "aten::relu"
// CHECK: pike.aten "aten::mul"
func.func @two_users_inside(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %0 = pike.aten "aten::cat"(%a, %b) {dim = 0 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %2 = pike.aten "aten::mul"(%1, %0) {operands = ["self", "other"]} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %2 : tensor<4x3xf32>
}

// -----

// NOT fused: the cat's result has another user (it is returned), so it must be
// materialised anyway; the cat stays outside, unchanged.
// CHECK-LABEL: func.func @other_user
// CHECK: %[[C:.*]] = pike.aten "aten::cat"(%arg0, %arg1)
// CHECK: pike.fusion_group "norm_activation"(%[[C]],
// CHECK-NOT: aten::cat
// CHECK: return
func.func @other_user(%a: tensor<1x2x4x4xf32>, %b: tensor<1x2x4x4xf32>, %w: tensor<4xf32>, %bb: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %0 = pike.aten "aten::cat"(%a, %b) {dim = 1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  %1 = pike.aten "aten::batch_norm"(%0, %w, %bb, %m, %v) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %2, %0 : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// NOT fused: the cat also feeds a convolution (GoogLeNet's inception output);
// only the relu branch would read it in place, so it stays outside.
// CHECK-LABEL: func.func @feeds_conv
// CHECK: %[[C:.*]] = pike.aten "aten::cat"
// CHECK-DAG: pike.fusion_group "single"(%[[C]],
// CHECK-DAG: pike.fusion_group "elementwise"(%[[C]])
func.func @feeds_conv(%a: tensor<1x2x4x4xf32>, %b: tensor<1x2x4x4xf32>, %w: tensor<4x4x3x3xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %0 = pike.aten "aten::cat"(%a, %b) {dim = 1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  %1 = pike.aten "aten::_convolution"(%0, %w) {allow_tf32 = true, benchmark = false, bias, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight"], output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1>, stride = array<i64: 1, 1>, transposed = false} : (tensor<1x4x4x4xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x4x4xf32>
  %2 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %3 = pike.aten "aten::tanh"(%2) {operands = ["self"]} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %1, %3 : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// NOT fused: the consumer is a region the elementwise generator does not serve
// (a layer norm is a row op), so the cat stays outside.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[C:.*]] = pike.aten "aten::cat"
// CHECK: pike.fusion_group "norm_activation"(%[[C]],
// CHECK-NOT: aten::cat
func.func @layer_norm(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>, %w: tensor<8xf32>, %bb: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = pike.aten "aten::cat"(%a, %b) {dim = 1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<4x3xf32>, tensor<4x5xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::layer_norm"(%0, %w, %bb) {cudnn_enable = true, eps = 1.000000e-05 : f64, normalized_shape = array<i64: 8>, operands = ["input", "weight", "bias"]} : (tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// -----

// NOT fused: a training-mode batch norm computes its statistics (a row op).
// CHECK-LABEL: func.func @training
// CHECK: %[[C:.*]] = pike.aten "aten::cat"
// CHECK: pike.fusion_group "norm_activation"(%[[C]],
func.func @training(%a: tensor<1x2x4x4xf32>, %b: tensor<1x2x4x4xf32>, %w: tensor<4xf32>, %bb: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = pike.aten "aten::cat"(%a, %b) {dim = 1 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  %1 = pike.aten "aten::batch_norm"(%0, %w, %bb, %m, %v) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = true} : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %2 : tensor<1x4x4x4xf32>
}

// -----

// NOT fused: operands of different element types (torch promotes; the slot
// ABI keeps one dtype per cat).
// CHECK-LABEL: func.func @mixed_dtypes
// CHECK: %[[C:.*]] = pike.aten "aten::cat"
// CHECK: pike.fusion_group "elementwise"(%[[C]])
func.func @mixed_dtypes(%a: tensor<2x3xf32>, %b: tensor<2x3xf64>) -> tensor<4x3xf64> {
  %0 = pike.aten "aten::cat"(%a, %b) {dim = 0 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<2x3xf32>, tensor<2x3xf64>) -> tensor<4x3xf64>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4x3xf64>) -> tensor<4x3xf64>
  %2 = pike.aten "aten::neg"(%1) {operands = ["self"]} : (tensor<4x3xf64>) -> tensor<4x3xf64>
  return %2 : tensor<4x3xf64>
}

// -----

// A cat operand computed by another region (the relu: its value feeds the
// cat outside its group, so nothing after the cat joins it): the cat joins the
// add's region (with the tanh producer) and reads the relu's result from memory.
// CHECK-LABEL: func.func @operand_from_region
// CHECK: %[[R:.*]] = pike.fusion_group "elementwise"(%arg0)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: aten::relu
// CHECK-NEXT: pike.yield
// CHECK: pike.fusion_group "elementwise"(%[[R]], %arg1)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: aten::cat
// CHECK-NEXT: aten::tanh
// CHECK-NEXT: aten::add
func.func @operand_from_region(%a: tensor<1x3xf32>, %b: tensor<3x3xf32>) -> tensor<4x3xf32> {
  %0 = pike.aten "aten::relu"(%a) {operands = ["self"]} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  %1 = pike.aten "aten::cat"(%0, %b) {dim = 0 : i64, operands = ["tensors[]", "tensors[]"]} : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<4x3xf32>
  %2 = pike.aten "aten::tanh"(%0) {operands = ["self"]} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  %3 = pike.aten "aten::add"(%1, %2) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x3xf32>, tensor<1x3xf32>) -> tensor<4x3xf32>
  return %3 : tensor<4x3xf32>
}
