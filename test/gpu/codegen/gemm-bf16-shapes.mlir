// GEMM slots at GPT-2-small shapes (4 x 512 tokens, d_model 768), for
// scripts/device-codegen-check.sh with the bf16/fp16 policies' knobs
// ({"halfOperands":"bf16","allowTF32":true}): the MLP's up projection with its
// tanh-GELU (cuBLASLt's GELU_BIAS epilogue), its down projection plus the
// residual (cuBLAS + a generated epilogue) and the attention scores as a bmm.
// The reference is fp32: the check measures what bf16 operands cost.
module {
  pike.kernel @mlp_up(%x: tensor<2048x768xf32>, %w: tensor<3072x768xf32>, %b: tensor<3072xf32>) -> tensor<2048x3072xf32> attributes {entry = "pike_mlp_up", impl = "reference", pike.pattern = "contraction"} {
    %0 = pike.aten "aten::linear"(%x, %w, %b) {operands = ["input", "weight", "bias"]} : (tensor<2048x768xf32>, tensor<3072x768xf32>, tensor<3072xf32>) -> tensor<2048x3072xf32>
    %1 = pike.aten "aten::gelu"(%0) {approximate = "tanh", operands = ["self"]} : (tensor<2048x3072xf32>) -> tensor<2048x3072xf32>
    pike.yield %1 : tensor<2048x3072xf32>
  }
  pike.kernel @mlp_down(%h: tensor<2048x3072xf32>, %w: tensor<768x3072xf32>, %b: tensor<768xf32>, %r: tensor<2048x768xf32>) -> tensor<2048x768xf32> attributes {entry = "pike_mlp_down", impl = "reference", pike.pattern = "contraction"} {
    %0 = pike.aten "aten::linear"(%h, %w, %b) {operands = ["input", "weight", "bias"]} : (tensor<2048x3072xf32>, tensor<768x3072xf32>, tensor<768xf32>) -> tensor<2048x768xf32>
    %1 = pike.aten "aten::add"(%0, %r) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2048x768xf32>, tensor<2048x768xf32>) -> tensor<2048x768xf32>
    pike.yield %1 : tensor<2048x768xf32>
  }
  pike.kernel @scores(%q: tensor<48x512x64xf32>, %k: tensor<48x64x512xf32>) -> tensor<48x512x512xf32> attributes {entry = "pike_scores", impl = "reference", pike.pattern = "contraction"} {
    %0 = pike.aten "aten::bmm"(%q, %k) {operands = ["self", "mat2"]} : (tensor<48x512x64xf32>, tensor<48x64x512xf32>) -> tensor<48x512x512xf32>
    pike.yield %0 : tensor<48x512x512xf32>
  }
}
