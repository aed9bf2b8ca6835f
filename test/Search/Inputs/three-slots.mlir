// Three reference slots after pike-fuse + pike-outline (a GEMM with epilogue, a
// softmax row kernel, an elementwise chain on another input), small enough that
// the built-in generator lists several candidates for each.
func.func @forward(%x: tensor<16x32xf32>, %w: tensor<64x32xf32>, %y: tensor<32x96xf32>) -> (tensor<16x64xf32>, tensor<32x96xf32>) {
  %0 = pike.aten "aten::linear"(%x, %w) {bias, operands = ["input", "weight"]} : (tensor<16x32xf32>, tensor<64x32xf32>) -> tensor<16x64xf32>
  %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<16x64xf32>) -> tensor<16x64xf32>
  %2 = pike.aten "aten::softmax"(%1) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<16x64xf32>) -> tensor<16x64xf32>
  %3 = pike.aten "aten::sigmoid"(%y) {operands = ["self"]} : (tensor<32x96xf32>) -> tensor<32x96xf32>
  %4 = pike.aten "aten::mul"(%3, %y) {operands = ["self", "other"]} : (tensor<32x96xf32>, tensor<32x96xf32>) -> tensor<32x96xf32>
  return %2, %4 : tensor<16x64xf32>, tensor<32x96xf32>
}
