func.func @forward(%q: tensor<1x2x150x64xf32>, %k: tensor<1x2x150x64xf32>, %v: tensor<1x2x150x64xf32>) -> tensor<1x2x150x64xf32> {
  %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = true, operands = ["query", "key", "value"], scale} : (tensor<1x2x150x64xf32>, tensor<1x2x150x64xf32>, tensor<1x2x150x64xf32>) -> tensor<1x2x150x64xf32>
  return %0 : tensor<1x2x150x64xf32>
}
