// Axis reductions (lib/Codegen/Reduce.cpp) at whole-network shapes, for
// scripts/device-codegen-check.sh:
//   CANDIDATES="0 1" scripts/device-codegen-check.sh test/gpu/codegen/reduce-shapes.mlir
// (candidate 0: the rule's layout at 256 threads, 1: at 128; "0 1 2 3 4 5 6"
// times every layout).
module {
  // level5/07 S4 layer: the kernel construction as pike-fuse makes it, (H,N,1)
  // x (L) through exp/cos/sin/mul/sub, summed over N = 32, times 2:
  // H = 256, L = 2048 (a thread per (h, l), 32 steps each). Random inputs let
  // exp(a * l) grow large, so the tolerance (relative to the largest output)
  // checks little here: @s4_decaying checks the same kernel tightly.
  pike.kernel @s4_kernel(%arg0: tensor<256x32x1xf32>, %arg1: tensor<2048xf32>, %arg2: tensor<256x32x1xf32>, %arg3: tensor<256x32x1xf32>, %arg4: tensor<256x32x1xf32>) -> tensor<256x2048xf32> attributes {entry = "pike_s4_kernel", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.constant dense<2.000000e+00> : tensor<f64>
    %1 = pike.aten "aten::mul"(%arg0, %arg1) {operands = ["self", "other"]} : (tensor<256x32x1xf32>, tensor<2048xf32>) -> tensor<256x32x2048xf32>
    %2 = pike.aten "aten::exp"(%1) {operands = ["self"]} : (tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %3 = pike.aten "aten::mul"(%arg2, %arg1) {operands = ["self", "other"]} : (tensor<256x32x1xf32>, tensor<2048xf32>) -> tensor<256x32x2048xf32>
    %4 = pike.aten "aten::mul"(%arg3, %2) {operands = ["self", "other"]} : (tensor<256x32x1xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %5 = pike.aten "aten::cos"(%3) {operands = ["self"]} : (tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %6 = pike.aten "aten::mul"(%4, %5) {operands = ["self", "other"]} : (tensor<256x32x2048xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %7 = pike.aten "aten::mul"(%arg4, %2) {operands = ["self", "other"]} : (tensor<256x32x1xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %8 = pike.aten "aten::sin"(%3) {operands = ["self"]} : (tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %9 = pike.aten "aten::mul"(%7, %8) {operands = ["self", "other"]} : (tensor<256x32x2048xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %10 = pike.aten "aten::sub"(%6, %9) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<256x32x2048xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %11 = pike.aten "aten::sum"(%10) {dim = array<i64: 1>, dtype, keepdim = false, operands = ["self"]} : (tensor<256x32x2048xf32>) -> tensor<256x2048xf32>
    %12 = pike.aten "aten::mul"(%11, %0) {operands = ["self", "other"]} : (tensor<256x2048xf32>, tensor<f64>) -> tensor<256x2048xf32>
    pike.yield %12 : tensor<256x2048xf32>
  }
  // The same kernel with exp(-|a| * |l|) <= 1, so every output is O(1) and the
  // comparison with the reference is tight.
  pike.kernel @s4_decaying(%arg0: tensor<256x32x1xf32>, %arg1: tensor<2048xf32>, %arg2: tensor<256x32x1xf32>, %arg3: tensor<256x32x1xf32>, %arg4: tensor<256x32x1xf32>) -> tensor<256x2048xf32> attributes {entry = "pike_s4_decaying", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.constant dense<2.000000e+00> : tensor<f64>
    %ra = pike.aten "aten::abs"(%arg0) {operands = ["self"]} : (tensor<256x32x1xf32>) -> tensor<256x32x1xf32>
    %rn = pike.aten "aten::neg"(%ra) {operands = ["self"]} : (tensor<256x32x1xf32>) -> tensor<256x32x1xf32>
    %la = pike.aten "aten::abs"(%arg1) {operands = ["self"]} : (tensor<2048xf32>) -> tensor<2048xf32>
    %1 = pike.aten "aten::mul"(%rn, %la) {operands = ["self", "other"]} : (tensor<256x32x1xf32>, tensor<2048xf32>) -> tensor<256x32x2048xf32>
    %2 = pike.aten "aten::exp"(%1) {operands = ["self"]} : (tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %3 = pike.aten "aten::mul"(%arg2, %arg1) {operands = ["self", "other"]} : (tensor<256x32x1xf32>, tensor<2048xf32>) -> tensor<256x32x2048xf32>
    %4 = pike.aten "aten::mul"(%arg3, %2) {operands = ["self", "other"]} : (tensor<256x32x1xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %5 = pike.aten "aten::cos"(%3) {operands = ["self"]} : (tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %6 = pike.aten "aten::mul"(%4, %5) {operands = ["self", "other"]} : (tensor<256x32x2048xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %7 = pike.aten "aten::mul"(%arg4, %2) {operands = ["self", "other"]} : (tensor<256x32x1xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %8 = pike.aten "aten::sin"(%3) {operands = ["self"]} : (tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %9 = pike.aten "aten::mul"(%7, %8) {operands = ["self", "other"]} : (tensor<256x32x2048xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %10 = pike.aten "aten::sub"(%6, %9) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<256x32x2048xf32>, tensor<256x32x2048xf32>) -> tensor<256x32x2048xf32>
    %11 = pike.aten "aten::sum"(%10) {dim = array<i64: 1>, dtype, keepdim = false, operands = ["self"]} : (tensor<256x32x2048xf32>) -> tensor<256x2048xf32>
    %12 = pike.aten "aten::mul"(%11, %0) {operands = ["self", "other"]} : (tensor<256x2048xf32>, tensor<f64>) -> tensor<256x2048xf32>
    pike.yield %12 : tensor<256x2048xf32>
  }
  // Squeeze-excite's mean over H, W. NCHW (N = 32, C = 256, 56 x 56): the
  // reduced dims are trailing, a row mean (RowOps.cpp), for comparison;
  // channels-last-shaped N, H, W, C: an axis reduction (split-reduce: 8192
  // outputs, 3136 steps each), with the sigmoid gate.
  pike.kernel @se_mean_nchw(%x: tensor<32x256x56x56xf32>) -> tensor<32x256x1x1xf32> attributes {entry = "pike_se_mean_nchw", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mean"(%x) {dim = array<i64: 2, 3>, dtype, keepdim = true, operands = ["self"]} : (tensor<32x256x56x56xf32>) -> tensor<32x256x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<32x256x1x1xf32>) -> tensor<32x256x1x1xf32>
    pike.yield %1 : tensor<32x256x1x1xf32>
  }
  pike.kernel @se_mean_nhwc(%x: tensor<32x56x56x256xf32>) -> tensor<32x256xf32> attributes {entry = "pike_se_mean_nhwc", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mean"(%x) {dim = array<i64: 1, 2>, dtype, keepdim = false, operands = ["self"]} : (tensor<32x56x56x256xf32>) -> tensor<32x256xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<32x256xf32>) -> tensor<32x256xf32>
    pike.yield %1 : tensor<32x256xf32>
  }
  // Batch statistics: the mean of squares over the batch of a (4096, 1024)
  // activation (1024 outputs, 4096 steps: split-reduce).
  pike.kernel @batch_sq_mean(%x: tensor<4096x1024xf32>) -> tensor<1024xf32> attributes {entry = "pike_batch_sq_mean", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mul"(%x, %x) {operands = ["self", "other"]} : (tensor<4096x1024xf32>, tensor<4096x1024xf32>) -> tensor<4096x1024xf32>
    %1 = pike.aten "aten::mean"(%0) {dim = array<i64: 0>, dtype, keepdim = false, operands = ["self"]} : (tensor<4096x1024xf32>) -> tensor<1024xf32>
    pike.yield %1 : tensor<1024xf32>
  }
  // Max over a middle axis with many outputs (a thread per output).
  pike.kernel @amax_mid(%x: tensor<64x512x256xf32>) -> tensor<64x256xf32> attributes {entry = "pike_amax_mid", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::amax"(%x) {dim = array<i64: 1>, keepdim = false, operands = ["self"]} : (tensor<64x512x256xf32>) -> tensor<64x256xf32>
    pike.yield %0 : tensor<64x256xf32>
  }
  // Dims that are not adjacent, innermost reduced (a block per output).
  pike.kernel @sum_skip(%x: tensor<16x512x1024xf32>) -> tensor<512xf32> attributes {entry = "pike_sum_skip", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::sum"(%x) {dim = array<i64: 0, 2>, dtype, keepdim = false, operands = ["self"]} : (tensor<16x512x1024xf32>) -> tensor<512xf32>
    pike.yield %0 : tensor<512xf32>
  }
}
