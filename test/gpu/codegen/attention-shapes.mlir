// Attention slots of level-3 tasks at their real shapes (pike-opt --emit=kernels of
// kernelbench exports), for scripts/device-codegen-check.sh.
module {
  pike.kernel @gpt_region_3(%arg0: tensor<8x12x512x64xf32>, %arg1: tensor<8x12x64x512xf32>, %arg2: tensor<512x512xi1>, %arg3: tensor<8x12x512x64xf32>) -> tensor<8x12x512x64xf32> attributes {entry = "pike_gpt_region_3", impl = "reference", pike.pattern = "attention"} {
    %0 = pike.constant dense<1.250000e-01> : tensor<f64>
    %1 = pike.aten "aten::matmul"(%arg0, %arg1) {operands = ["self", "other"]} : (tensor<8x12x512x64xf32>, tensor<8x12x64x512xf32>) -> tensor<8x12x512x512xf32>
    %2 = pike.aten "aten::mul"(%1, %0) {operands = ["self", "other"]} : (tensor<8x12x512x512xf32>, tensor<f64>) -> tensor<8x12x512x512xf32>
    %3 = pike.aten "aten::masked_fill"(%2, %arg2) {operands = ["self", "mask"], value = 0xFFF0000000000000 : f64} : (tensor<8x12x512x512xf32>, tensor<512x512xi1>) -> tensor<8x12x512x512xf32>
    %4 = pike.aten "aten::softmax"(%3) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<8x12x512x512xf32>) -> tensor<8x12x512x512xf32>
    %5 = pike.aten "aten::matmul"(%4, %arg3) {operands = ["self", "other"]} : (tensor<8x12x512x512xf32>, tensor<8x12x512x64xf32>) -> tensor<8x12x512x64xf32>
    pike.yield %5 : tensor<8x12x512x64xf32>
  }
  pike.kernel @vit_region_1(%arg0: tensor<16x12x197x64xf32>, %arg1: tensor<16x12x64x197xf32>, %arg2: tensor<16x12x197x64xf32>) -> tensor<16x12x197x64xf32> attributes {entry = "pike_vit_region_1", impl = "reference", pike.pattern = "attention"} {
    %0 = pike.constant dense<1.250000e-01> : tensor<f64>
    %1 = pike.aten "aten::matmul"(%arg0, %arg1) {operands = ["self", "other"]} : (tensor<16x12x197x64xf32>, tensor<16x12x64x197xf32>) -> tensor<16x12x197x197xf32>
    %2 = pike.aten "aten::mul"(%1, %0) {operands = ["self", "other"]} : (tensor<16x12x197x197xf32>, tensor<f64>) -> tensor<16x12x197x197xf32>
    %3 = pike.aten "aten::softmax"(%2) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<16x12x197x197xf32>) -> tensor<16x12x197x197xf32>
    %4 = pike.aten "aten::matmul"(%3, %arg2) {operands = ["self", "other"]} : (tensor<16x12x197x197xf32>, tensor<16x12x197x64xf32>) -> tensor<16x12x197x64xf32>
    pike.yield %4 : tensor<16x12x197x64xf32>
  }
}
