// RUN: pike-opt %s | FileCheck %s
// RUN: pike-opt %s | pike-opt | FileCheck %s
// RUN: pike-opt -mlir-print-op-generic %s | pike-opt | FileCheck %s

module attributes {pike.weights_file = "w.safetensors"} {
  // CHECK-LABEL: func.func @forward
  func.func @forward(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
    // CHECK: pike.weight "fc.weight" : tensor<8x8xf32>
    %w = pike.weight "fc.weight" : tensor<8x8xf32>
    // CHECK: pike.constant dense<1.000000e+00> : tensor<8xf32>
    %b = pike.constant dense<1.0> : tensor<8xf32>
    // CHECK: pike.aten "aten::linear"(%{{.*}}, %{{.*}}, %{{.*}}) {operands = ["input", "weight", "bias"]}
    %y = pike.aten "aten::linear"(%x, %w, %b) {operands = ["input", "weight", "bias"]} : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    // CHECK: pike.fusion_group "elementwise"
    // CHECK: pike.yield
    %g = pike.fusion_group "elementwise"(%y) : (tensor<4x8xf32>) -> tensor<4x8xf32> {
    ^bb0(%a: tensor<4x8xf32>):
      %r = pike.aten "aten::relu"(%a) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
      pike.yield %r : tensor<4x8xf32>
    }
    // CHECK: pike.call @region_0
    %c = pike.call @region_0(%g) : (tensor<4x8xf32>) -> tensor<4x8xf32>
    return %c : tensor<4x8xf32>
  }
  // CHECK-LABEL: pike.kernel @region_0
  // CHECK-SAME: entry = "pike_region_0", impl = "reference"
  pike.kernel @region_0(%a: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_region_0", impl = "reference"} {
    %r = pike.aten "aten::sigmoid"(%a) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
    pike.yield %r : tensor<4x8xf32>
  }
  // CHECK-LABEL: pike.kernel @region_1
  // CHECK-SAME: impl = "nvrtc"
  pike.kernel @region_1(%a: tensor<4x8xf32>) -> tensor<4x8xf32> attributes {entry = "pike_region_1", impl = "nvrtc", source = "extern \"C\" __global__ void k(const float* a, float* o) {}", launches = [{kernel = "k", grid = [1, 1, 1], block = [32, 1, 1]}]} {
    %r = pike.aten "aten::sigmoid"(%a) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
    pike.yield %r : tensor<4x8xf32>
  }
  // CHECK-LABEL: func.func @opaque
  func.func @opaque(%x: tensor<4xf32>) -> tensor<4xf32> {
    // CHECK: pike.opaque "prim::If"(%{{.*}}) reason "control flow on a value known only at run time"
    %r = pike.opaque "prim::If"(%x) reason "control flow on a value known only at run time" : (tensor<4xf32>) -> tensor<4xf32>
    return %r : tensor<4xf32>
  }
}
