// DenseNet-121's region_59 as pike-fuse and the channels-last policy make it (batch 8,
// kernelbench/tasks/level3/20_densenet121.py): 128 + 12 x 32 channels at 28x28, stored
// channels-last, concatenated -> inference batch norm -> relu. Its only candidate ran
// past the worker's 35 s GPU deadline in run nhwc-20261207i (H200) while the same
// generator's 7-11-input slots of that network passed; this checks the kernel outside
// the worker. The running variance is a positive splat (no NaN from random inputs).
//   scripts/device-codegen-check.sh test/gpu/codegen/nhwc-cat-shapes.mlir
module {
  pike.kernel @dn_r59(%arg0: tensor<8x128x28x28xf32>, %arg1: tensor<8x32x28x28xf32>, %arg2: tensor<8x32x28x28xf32>, %arg3: tensor<8x32x28x28xf32>, %arg4: tensor<8x32x28x28xf32>, %arg5: tensor<8x32x28x28xf32>, %arg6: tensor<8x32x28x28xf32>, %arg7: tensor<8x32x28x28xf32>, %arg8: tensor<8x32x28x28xf32>, %arg9: tensor<8x32x28x28xf32>, %arg10: tensor<8x32x28x28xf32>, %arg11: tensor<8x32x28x28xf32>, %arg12: tensor<8x32x28x28xf32>, %arg13: tensor<512xf32>, %arg14: tensor<512xf32>, %arg15: tensor<512xf32>) -> tensor<8x512x28x28xf32> attributes {entry = "pike_dn_r59", impl = "reference", pike.layout = "nhwc", pike.pattern = "norm_activation"} {
    %var = pike.constant dense<1.500000e+00> : tensor<512xf32>
    %0 = pike.aten "aten::cat"(%arg0, %arg1, %arg2, %arg3, %arg4, %arg5, %arg6, %arg7, %arg8, %arg9, %arg10, %arg11, %arg12) {dim = 1 : i64, operands = ["tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]", "tensors[]"]} : (tensor<8x128x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>, tensor<8x32x28x28xf32>) -> tensor<8x512x28x28xf32>
    %1 = pike.aten "aten::batch_norm"(%0, %arg13, %arg14, %arg15, %var) {cudnn_enabled = true, eps = 1.000000e-05 : f64, momentum = 1.000000e-01 : f64, operands = ["input", "weight", "bias", "running_mean", "running_var"], training = false} : (tensor<8x512x28x28xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>, tensor<512xf32>) -> tensor<8x512x28x28xf32>
    %2 = pike.aten "aten::relu"(%1) {operands = ["self"]} : (tensor<8x512x28x28xf32>) -> tensor<8x512x28x28xf32>
    pike.yield %2 : tensor<8x512x28x28xf32>
  }
}
