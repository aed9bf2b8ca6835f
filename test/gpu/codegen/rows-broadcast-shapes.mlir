// Row reductions broadcast back over their rows at whole-network shapes
// (level3/27 Mamba-2 LM: RMSNorm written out over d_model = 512 and the gated
// norm over d_inner = 1024, 4 x 1024 tokens), for scripts/device-codegen-check.sh.
module {
  pike.kernel @rmsnorm512(%sq: tensor<4x1024x512xf32>, %x: tensor<4x1024x512xf32>, %w: tensor<512xf32>) -> tensor<4x1024x512xf32> attributes {entry = "pike_rmsnorm512", impl = "reference", pike.pattern = "reduction"} {
    %eps = pike.constant dense<1.000000e-05> : tensor<f64>
    %0 = pike.aten "aten::mean"(%sq) {dim = array<i64: -1>, dtype, keepdim = true, operands = ["self"]} : (tensor<4x1024x512xf32>) -> tensor<4x1024x1xf32>
    %1 = pike.aten "aten::add"(%0, %eps) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x1024x1xf32>, tensor<f64>) -> tensor<4x1024x1xf32>
    %2 = pike.aten "aten::rsqrt"(%1) {operands = ["self"]} : (tensor<4x1024x1xf32>) -> tensor<4x1024x1xf32>
    %3 = pike.aten "aten::mul"(%x, %2) {operands = ["self", "other"]} : (tensor<4x1024x512xf32>, tensor<4x1024x1xf32>) -> tensor<4x1024x512xf32>
    %4 = pike.aten "aten::mul"(%3, %w) {operands = ["self", "other"]} : (tensor<4x1024x512xf32>, tensor<512xf32>) -> tensor<4x1024x512xf32>
    pike.yield %4 : tensor<4x1024x512xf32>
  }
  pike.kernel @rmsnorm1024(%sq: tensor<4x1024x1024xf32>, %x: tensor<4x1024x1024xf32>, %w: tensor<1024xf32>) -> tensor<4x1024x1024xf32> attributes {entry = "pike_rmsnorm1024", impl = "reference", pike.pattern = "reduction"} {
    %eps = pike.constant dense<1.000000e-05> : tensor<f64>
    %0 = pike.aten "aten::mean"(%sq) {dim = array<i64: -1>, dtype, keepdim = true, operands = ["self"]} : (tensor<4x1024x1024xf32>) -> tensor<4x1024x1xf32>
    %1 = pike.aten "aten::add"(%0, %eps) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x1024x1xf32>, tensor<f64>) -> tensor<4x1024x1xf32>
    %2 = pike.aten "aten::rsqrt"(%1) {operands = ["self"]} : (tensor<4x1024x1xf32>) -> tensor<4x1024x1xf32>
    %3 = pike.aten "aten::mul"(%x, %2) {operands = ["self", "other"]} : (tensor<4x1024x1024xf32>, tensor<4x1024x1xf32>) -> tensor<4x1024x1024xf32>
    %4 = pike.aten "aten::mul"(%3, %w) {operands = ["self", "other"]} : (tensor<4x1024x1024xf32>, tensor<1024xf32>) -> tensor<4x1024x1024xf32>
    pike.yield %4 : tensor<4x1024x1024xf32>
  }
}
