// scaled_dot_product_attention slots the generator refuses keep their
// reference (the remark says why).
// RUN: pike-opt %s -pike-generate-kernels -verify-diagnostics -split-input-file | FileCheck %s

// CHECK-LABEL: pike.kernel @dropout
// CHECK-SAME: impl = "reference"
pike.kernel @dropout(%q: tensor<1x2x8x8xf32>, %k: tensor<1x2x8x8xf32>, %v: tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> attributes {entry = "pike_dropout", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'dropout': scaled_dot_product_attention with dropout_p > 0 has no code generator (dropout is random)}}
  %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 1.000000e-01 : f64, enable_gqa = false, is_causal = false, operands = ["query", "key", "value"], scale} : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  pike.yield %0 : tensor<1x2x8x8xf32>
}

// -----

// CHECK-LABEL: pike.kernel @mask_and_causal
// CHECK-SAME: impl = "reference"
pike.kernel @mask_and_causal(%q: tensor<1x2x8x8xf32>, %k: tensor<1x2x8x8xf32>, %v: tensor<1x2x8x8xf32>, %m: tensor<8x8xi1>) -> tensor<1x2x8x8xf32> attributes {entry = "pike_mask_and_causal", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'mask_and_causal': scaled_dot_product_attention with both attn_mask and is_causal (torch rejects it)}}
  %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v, %m) {dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = true, operands = ["query", "key", "value", "attn_mask"], scale} : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<8x8xi1>) -> tensor<1x2x8x8xf32>
  pike.yield %0 : tensor<1x2x8x8xf32>
}

// -----

// Grouped-query attention: 4 query heads, 2 key/value heads.
// CHECK-LABEL: pike.kernel @gqa
// CHECK-SAME: impl = "reference"
pike.kernel @gqa(%q: tensor<1x4x8x8xf32>, %k: tensor<1x2x8x8xf32>, %v: tensor<1x2x8x8xf32>) -> tensor<1x4x8x8xf32> attributes {entry = "pike_gqa", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'gqa': grouped-query attention (enable_gqa with fewer key/value heads) has no code generator}}
  %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = true, is_causal = false, operands = ["query", "key", "value"], scale} : (tensor<1x4x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x4x8x8xf32>
  pike.yield %0 : tensor<1x4x8x8xf32>
}

// -----

// CHECK-LABEL: pike.kernel @intmask
// CHECK-SAME: impl = "reference"
pike.kernel @intmask(%q: tensor<1x2x8x8xf32>, %k: tensor<1x2x8x8xf32>, %v: tensor<1x2x8x8xf32>, %m: tensor<8x8xi64>) -> tensor<1x2x8x8xf32> attributes {entry = "pike_intmask", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'intmask': attn_mask is neither bool nor f32}}
  %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v, %m) {dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = false, operands = ["query", "key", "value", "attn_mask"], scale} : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<8x8xi64>) -> tensor<1x2x8x8xf32>
  pike.yield %0 : tensor<1x2x8x8xf32>
}

// -----

// Two attentions in one region.
// CHECK-LABEL: pike.kernel @two
// CHECK-SAME: impl = "reference"
// expected-remark @+1 {{cannot generate a kernel for slot 'two': scaled_dot_product_attention with other contractions or reductions in one region}}
pike.kernel @two(%q: tensor<1x2x8x8xf32>, %k: tensor<1x2x8x8xf32>, %v: tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> attributes {entry = "pike_two", impl = "reference", pike.pattern = "single"} {
  %0 = pike.aten "aten::scaled_dot_product_attention"(%q, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = false, operands = ["query", "key", "value"], scale} : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %1 = pike.aten "aten::scaled_dot_product_attention"(%0, %k, %v) {attn_mask, dropout_p = 0.000000e+00 : f64, enable_gqa = false, is_causal = false, operands = ["query", "key", "value"], scale} : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  pike.yield %1 : tensor<1x2x8x8xf32>
}
