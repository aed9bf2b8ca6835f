// RUN: pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline)' | FileCheck %s
// RUN: pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline{prefix=slot_})' | FileCheck %s --check-prefix=PREFIX

// CHECK-LABEL: func.func @forward
// CHECK: %[[R:.*]] = pike.call @region_0(%arg0) : (tensor<8xf32>) -> tensor<8xf32>
// CHECK: pike.aten "aten::view"(%[[R]])
// CHECK-LABEL: pike.kernel @region_0(%arg0: tensor<8xf32>) -> tensor<8xf32>
// CHECK-SAME: entry = "pike_region_0", impl = "reference", pike.pattern = "elementwise"
// CHECK: aten::sigmoid
// CHECK: aten::mul
// CHECK: pike.yield
// PREFIX: pike.call @slot_0
// PREFIX: pike.kernel @slot_0
// PREFIX-SAME: entry = "pike_slot_0"
func.func @forward(%x: tensor<8xf32>) -> tensor<2x4xf32> {
  %0 = pike.aten "aten::sigmoid"(%x) {operands = ["self"]} : (tensor<8xf32>) -> tensor<8xf32>
  %1 = pike.aten "aten::mul"(%0, %x) {operands = ["self", "other"]} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %2 = pike.aten "aten::view"(%1) {operands = ["self"], size = array<i64: 2, 4>} : (tensor<8xf32>) -> tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}
