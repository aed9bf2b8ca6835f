// A slot with code whose result type the kernel ABI has no dtype for is an
// error on the slot, naming the type (never a silently int8-typed output).
// RUN: rm -rf %t && not pike-opt %s -pike-emit-package="output-dir=%t" -o /dev/null 2>&1 | FileCheck %s
// CHECK: unknown-dtype.mlir:6:3: error: result #0 has element type 'i16', which the kernel ABI has no dtype for
module {
  pike.kernel @region_0(%a: tensor<4xi16>) -> tensor<4xi16> attributes {entry = "pike_region_0", impl = "nvrtc", source = "extern \"C\" __global__ void k(const short* a, short* o) {}", launches = [{kernel = "k", grid = [1, 1, 1], block = [32, 1, 1]}]} {
    %r = pike.aten "aten::neg"(%a) {operands = ["self"]} : (tensor<4xi16>) -> tensor<4xi16>
    pike.yield %r : tensor<4xi16>
  }
  func.func @forward(%x: tensor<4xi16>) -> tensor<4xi16> {
    %0 = pike.call @region_0(%x) : (tensor<4xi16>) -> tensor<4xi16>
    return %0 : tensor<4xi16>
  }
}
