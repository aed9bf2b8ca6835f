// scaled_dot_product_attention slots at whole-network shapes, for
// scripts/device-codegen-check.sh: level3/26 GPT-2 small (causal, 512 tokens,
// head dim 64), level3/24 ViT-S/16 (197 tokens, 6 heads), a head-dim-128 causal
// model (1024 tokens) and head dim 32 with an additive float mask.
module {
  pike.kernel @gpt2_sdpa(%q: tensor<4x12x512x64xf32>, %k: tensor<4x12x512x64xf32>, %v: tensor<4x12x512x64xf32>) -> tensor<4x12x512x64xf32> attributes {entry = "pike_gpt2_sdpa", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = true, operands = ["query", "key", "value"], scale} : (tensor<4x12x512x64xf32>, tensor<4x12x512x64xf32>, tensor<4x12x512x64xf32>) -> tensor<4x12x512x64xf32>
    pike.yield %0 : tensor<4x12x512x64xf32>
  }
  pike.kernel @vit_sdpa(%q: tensor<16x6x197x64xf32>, %k: tensor<16x6x197x64xf32>, %v: tensor<16x6x197x64xf32>) -> tensor<16x6x197x64xf32> attributes {entry = "pike_vit_sdpa", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = false, operands = ["query", "key", "value"], scale} : (tensor<16x6x197x64xf32>, tensor<16x6x197x64xf32>, tensor<16x6x197x64xf32>) -> tensor<16x6x197x64xf32>
    pike.yield %0 : tensor<16x6x197x64xf32>
  }
  pike.kernel @d128_causal(%q: tensor<2x16x1024x128xf32>, %k: tensor<2x16x1024x128xf32>, %v: tensor<2x16x1024x128xf32>) -> tensor<2x16x1024x128xf32> attributes {entry = "pike_d128_causal", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = true, operands = ["query", "key", "value"], scale} : (tensor<2x16x1024x128xf32>, tensor<2x16x1024x128xf32>, tensor<2x16x1024x128xf32>) -> tensor<2x16x1024x128xf32>
    pike.yield %0 : tensor<2x16x1024x128xf32>
  }
  pike.kernel @d32_fmask(%q: tensor<8x8x256x32xf32>, %k: tensor<8x8x256x32xf32>, %v: tensor<8x8x256x32xf32>, %m: tensor<1x1x256x256xf32>) -> tensor<8x8x256x32xf32> attributes {entry = "pike_d32_fmask", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v, %m) {dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = false, operands = ["query", "key", "value", "attn_mask"], scale} : (tensor<8x8x256x32xf32>, tensor<8x8x256x32xf32>, tensor<8x8x256x32xf32>, tensor<1x1x256x256xf32>) -> tensor<8x8x256x32xf32>
    pike.yield %0 : tensor<8x8x256x32xf32>
  }
}
