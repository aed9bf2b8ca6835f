// aten::cat read in place by the elementwise generator at DenseNet-121's shapes
// (kernelbench/tasks/level3/20_densenet121.py, batch 8: the concatenated features
// -> inference batch norm -> relu of a dense layer; pike-fuse puts the cat into
// that region), plus a last-dim cat with odd extents, for
// scripts/device-codegen-check.sh. The running variances are a positive splat so
// that random inputs give no NaN.
//   b1l6:  64 + 5 x 32 channels at 56x56 (float4 reads of the cat)
//   b3l13: 256 + 12 x 32 channels at 14x14 (float4 reads of the cat)
//   b4end: 512 + 16 x 32 channels at 7x7 (49 elements per channel: lanes read one by one)
//   lastdim: [4096, 100 | 28 | 3] along -1 -> + bias -> gelu
module {
  pike.kernel @b1l6(%f0: tensor<8x64x56x56xf32>, %f1: tensor<8x32x56x56xf32>, %f2: tensor<8x32x56x56xf32>, %f3: tensor<8x32x56x56xf32>, %f4: tensor<8x32x56x56xf32>, %f5: tensor<8x32x56x56xf32>, %w: tensor<224xf32>, %b: tensor<224xf32>, %m: tensor<224xf32>) -> tensor<8x224x56x56xf32> attributes {entry = "pike_b1l6", impl = "reference", pike.pattern = "norm_activation"} {
    %var = pike.constant dense<1.500000e+00> : tensor<224xf32>
    %0 = pike.aten "aten::cat"(%f0, %f1, %f2, %f3, %f4, %f5) {dim = 1 : i64, operands = ["tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]"]} : (tensor<8x64x56x56xf32>, tensor<8x32x56x56xf32>, tensor<8x32x56x56xf32>, tensor<8x32x56x56xf32>, tensor<8x32x56x56xf32>, tensor<8x32x56x56xf32>) -> tensor<8x224x56x56xf32>
    %1 = pike.aten "aten::batch_norm"(%0, %w, %b, %m, %var) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<8x224x56x56xf32>, tensor<224xf32>, tensor<224xf32>, tensor<224xf32>, tensor<224xf32>) -> tensor<8x224x56x56xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<8x224x56x56xf32>) -> tensor<8x224x56x56xf32>
    pike.yield %2 : tensor<8x224x56x56xf32>
  }
  pike.kernel @b3l13(%f0: tensor<8x256x14x14xf32>, %f1: tensor<8x32x14x14xf32>, %f2: tensor<8x32x14x14xf32>, %f3: tensor<8x32x14x14xf32>, %f4: tensor<8x32x14x14xf32>, %f5: tensor<8x32x14x14xf32>, %f6: tensor<8x32x14x14xf32>, %f7: tensor<8x32x14x14xf32>, %f8: tensor<8x32x14x14xf32>, %f9: tensor<8x32x14x14xf32>, %f10: tensor<8x32x14x14xf32>, %f11: tensor<8x32x14x14xf32>, %f12: tensor<8x32x14x14xf32>, %w: tensor<640xf32>, %b: tensor<640xf32>, %m: tensor<640xf32>) -> tensor<8x640x14x14xf32> attributes {entry = "pike_b3l13", impl = "reference", pike.pattern = "norm_activation"} {
    %var = pike.constant dense<1.500000e+00> : tensor<640xf32>
    %0 = pike.aten "aten::cat"(%f0, %f1, %f2, %f3, %f4, %f5, %f6, %f7, %f8, %f9, %f10, %f11, %f12) {dim = 1 : i64, operands = ["tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]"]} : (tensor<8x256x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>, tensor<8x32x14x14xf32>) -> tensor<8x640x14x14xf32>
    %1 = pike.aten "aten::batch_norm"(%0, %w, %b, %m, %var) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<8x640x14x14xf32>, tensor<640xf32>, tensor<640xf32>, tensor<640xf32>, tensor<640xf32>) -> tensor<8x640x14x14xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<8x640x14x14xf32>) -> tensor<8x640x14x14xf32>
    pike.yield %2 : tensor<8x640x14x14xf32>
  }
  pike.kernel @b4end(%f0: tensor<8x512x7x7xf32>, %f1: tensor<8x32x7x7xf32>, %f2: tensor<8x32x7x7xf32>, %f3: tensor<8x32x7x7xf32>, %f4: tensor<8x32x7x7xf32>, %f5: tensor<8x32x7x7xf32>, %f6: tensor<8x32x7x7xf32>, %f7: tensor<8x32x7x7xf32>, %f8: tensor<8x32x7x7xf32>, %f9: tensor<8x32x7x7xf32>, %f10: tensor<8x32x7x7xf32>, %f11: tensor<8x32x7x7xf32>, %f12: tensor<8x32x7x7xf32>, %f13: tensor<8x32x7x7xf32>, %f14: tensor<8x32x7x7xf32>, %f15: tensor<8x32x7x7xf32>, %f16: tensor<8x32x7x7xf32>, %w: tensor<1024xf32>, %b: tensor<1024xf32>, %m: tensor<1024xf32>) -> tensor<8x1024x7x7xf32> attributes {entry = "pike_b4end", impl = "reference", pike.pattern = "norm_activation"} {
    %var = pike.constant dense<1.500000e+00> : tensor<1024xf32>
    %0 = pike.aten "aten::cat"(%f0, %f1, %f2, %f3, %f4, %f5, %f6, %f7, %f8, %f9, %f10, %f11, %f12, %f13, %f14, %f15, %f16) {dim = 1 : i64, operands = ["tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]"]} : (tensor<8x512x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>, tensor<8x32x7x7xf32>) -> tensor<8x1024x7x7xf32>
    %1 = pike.aten "aten::batch_norm"(%0, %w, %b, %m, %var) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<8x1024x7x7xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>, tensor<1024xf32>) -> tensor<8x1024x7x7xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<8x1024x7x7xf32>) -> tensor<8x1024x7x7xf32>
    pike.yield %2 : tensor<8x1024x7x7xf32>
  }
  pike.kernel @lastdim(%a: tensor<4096x100xf32>, %b: tensor<4096x28xf32>, %c: tensor<4096x3xf32>, %bias: tensor<131xf32>) -> tensor<4096x131xf32> attributes {entry = "pike_lastdim", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::cat"(%a, %b, %c) {dim = -1 : i64, operands = ["tensors[]", "tensors[]", "tensors[]"]} : (tensor<4096x100xf32>, tensor<4096x28xf32>, tensor<4096x3xf32>) -> tensor<4096x131xf32>
    %1 = pike.aten "aten::add"(%0, %bias) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4096x131xf32>, tensor<131xf32>) -> tensor<4096x131xf32>
    %2 = pike.aten "aten::gelu"(%1) {approximate = "none", operands = ["self"]} : (tensor<4096x131xf32>) -> tensor<4096x131xf32>
    pike.yield %2 : tensor<4096x131xf32>
  }
}
