// RUN: pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-region-report)' -o /dev/null 2>&1 | FileCheck %s
// RUN: pike-opt %s -pass-pipeline='builtin.module(func.func(pike-fuse),pike-outline,pike-region-report{output=%t.json})' -o /dev/null
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: not pike-opt %s -pass-pipeline='builtin.module(pike-region-report{output=/nonexistent/dir/r.json})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERR

// CHECK: // pike region report: 1 regions, 0 ops outside regions
// 2*4*16*8 FLOPs for the linear plus 64 for the relu; (32+128+64)*4 bytes.
// CHECK: // region_0 [gemm_epilogue] ops=2 flops=1088 bytes=896 : aten::linear aten::relu
// JSON: "name": "region_0"
// JSON: "pattern": "gemm_epilogue"
// JSON: "flops": 1088
// JSON: "impl": "reference"
// ERR: error: cannot write region report '/nonexistent/dir/r.json'
func.func @forward(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>) -> tensor<4x16xf32> {
  %0 = pike.aten "aten::linear"(%x, %w) {bias, operands = ["input", "weight"]} : (tensor<4x8xf32>, tensor<16x8xf32>) -> tensor<4x16xf32>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}
