// RUN: pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse))' | FileCheck %s
// RUN: pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse{attention=false}))' | FileCheck %s --check-prefix=NOATT

// matmul -> scale -> softmax -> matmul is one attention group.
// CHECK-LABEL: func.func @attention
// CHECK: pike.fusion_group "attention"
// CHECK-COUNT-2: aten::matmul
// NOATT-NOT: "attention"
// NOATT: pike.fusion_group "gemm_epilogue"
// NOATT: pike.fusion_group "softmax"
func.func @attention(%q: tensor<2x8x16xf32>, %kt: tensor<2x16x8xf32>, %v: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  %s = pike.aten "aten::matmul"(%q, %kt) {operands = ["self", "other"]} : (tensor<2x8x16xf32>, tensor<2x16x8xf32>) -> tensor<2x8x8xf32>
  %c = pike.aten "aten::mul"(%s) {operands = ["self"], other = 2.500000e-01 : f64} : (tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %p = pike.aten "aten::softmax"(%c) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %o = pike.aten "aten::matmul"(%p, %v) {operands = ["self", "other"]} : (tensor<2x8x8xf32>, tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  return %o : tensor<2x8x16xf32>
}
