func.func @forward(%x: tensor<4x8xf32>, %a: tensor<64x64xf32>) -> (tensor<4x8xf32>, tensor<64x64xf32>) {
  %0 = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = pike.aten "aten::sigmoid"(%a) {operands = ["self"]} : (tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0, %1 : tensor<4x8xf32>, tensor<64x64xf32>
}
