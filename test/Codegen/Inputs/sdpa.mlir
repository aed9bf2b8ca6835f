// aten::scaled_dot_product_attention regions (+ elementwise epilogue): scale,
// causal mask, bool / float attn_mask, head dims 16..128, ragged tiles.
module {
  // Causal, default scale 1/sqrt(16), 40 keys.
  pike.kernel @causal(%q: tensor<2x3x40x16xf32>, %k: tensor<2x3x40x16xf32>, %v: tensor<2x3x40x16xf32>) -> tensor<2x3x40x16xf32> attributes {entry = "pike_causal", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = true, operands = ["query", "key", "value"], scale} : (tensor<2x3x40x16xf32>, tensor<2x3x40x16xf32>, tensor<2x3x40x16xf32>) -> tensor<2x3x40x16xf32>
    pike.yield %0 : tensor<2x3x40x16xf32>
  }
  // Bool mask [Lq, Lk], explicit scale, Lk != Lq, Dv != D, relu epilogue.
  pike.kernel @boolmask(%q: tensor<2x3x40x16xf32>, %k: tensor<2x3x50x16xf32>, %v: tensor<2x3x50x24xf32>, %m: tensor<40x50xi1>) -> tensor<2x3x40x24xf32> attributes {entry = "pike_boolmask", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v, %m) {dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = false, operands = ["query", "key", "value", "attn_mask"], scale = 3.000000e-01 : f64} : (tensor<2x3x40x16xf32>, tensor<2x3x50x16xf32>, tensor<2x3x50x24xf32>, tensor<40x50xi1>) -> tensor<2x3x40x24xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x3x40x24xf32>) -> tensor<2x3x40x24xf32>
    pike.yield %1 : tensor<2x3x40x24xf32>
  }
  // Additive float mask broadcast over the batch (coordinates needed), head dim 32,
  // key/value broadcast over the batch.
  pike.kernel @floatmask(%q: tensor<2x2x33x32xf32>, %k: tensor<1x1x45x32xf32>, %v: tensor<1x1x45x32xf32>, %m: tensor<2x1x33x45xf32>) -> tensor<2x2x33x32xf32> attributes {entry = "pike_floatmask", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v, %m) {dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = false, operands = ["query", "key", "value", "attn_mask"], scale} : (tensor<2x2x33x32xf32>, tensor<1x1x45x32xf32>, tensor<1x1x45x32xf32>, tensor<2x1x33x45xf32>) -> tensor<2x2x33x32xf32>
    pike.yield %0 : tensor<2x2x33x32xf32>
  }
  // Causal with 150 keys (several key tiles, causal tile skip), head dim 64.
  pike.kernel @long(%q: tensor<1x2x150x64xf32>, %k: tensor<1x2x150x64xf32>, %v: tensor<1x2x150x64xf32>) -> tensor<1x2x150x64xf32> attributes {entry = "pike_long", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = true, operands = ["query", "key", "value"], scale} : (tensor<1x2x150x64xf32>, tensor<1x2x150x64xf32>, tensor<1x2x150x64xf32>) -> tensor<1x2x150x64xf32>
    pike.yield %0 : tensor<1x2x150x64xf32>
  }
  // Head dim 128, 3-d operands, Lq != Lk, more queries than keys, causal.
  pike.kernel @wide(%q: tensor<3x70x128xf32>, %k: tensor<3x20x128xf32>, %v: tensor<3x20x128xf32>) -> tensor<3x70x128xf32> attributes {entry = "pike_wide", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = true, operands = ["query", "key", "value"], scale = 5.000000e-02 : f64} : (tensor<3x70x128xf32>, tensor<3x20x128xf32>, tensor<3x20x128xf32>) -> tensor<3x70x128xf32>
    pike.yield %0 : tensor<3x70x128xf32>
  }
}
