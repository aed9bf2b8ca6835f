// Axis reductions (lib/Codegen/Reduce.cpp): reduced dims that are not a
// trailing block, with elementwise prologues (broadcasts) and epilogues.
module {
  // S4's kernel construction at a small shape: (H,N,1) x (L) broadcast through
  // exp/cos/sin/mul/sub, summed over N, times 2.
  pike.kernel @s4(%ar: tensor<4x5x1xf32>, %l: tensor<40xf32>, %ai: tensor<4x5x1xf32>, %cr: tensor<4x5x1xf32>, %ci: tensor<4x5x1xf32>) -> tensor<4x40xf32> attributes {entry = "pike_s4", impl = "reference", pike.pattern = "reduction"} {
    %two = pike.constant dense<2.000000e+00> : tensor<f64>
    %0 = pike.aten "aten::mul"(%ar, %l) {operands = ["self", "other"]} : (tensor<4x5x1xf32>, tensor<40xf32>) -> tensor<4x5x40xf32>
    %1 = pike.aten "aten::exp"(%0) {operands = ["self"]} : (tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
    %2 = pike.aten "aten::mul"(%ai, %l) {operands = ["self", "other"]} : (tensor<4x5x1xf32>, tensor<40xf32>) -> tensor<4x5x40xf32>
    %3 = pike.aten "aten::mul"(%cr, %1) {operands = ["self", "other"]} : (tensor<4x5x1xf32>, tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
    %4 = pike.aten "aten::cos"(%2) {operands = ["self"]} : (tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
    %5 = pike.aten "aten::mul"(%3, %4) {operands = ["self", "other"]} : (tensor<4x5x40xf32>, tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
    %6 = pike.aten "aten::mul"(%ci, %1) {operands = ["self", "other"]} : (tensor<4x5x1xf32>, tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
    %7 = pike.aten "aten::sin"(%2) {operands = ["self"]} : (tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
    %8 = pike.aten "aten::mul"(%6, %7) {operands = ["self", "other"]} : (tensor<4x5x40xf32>, tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
    %9 = pike.aten "aten::sub"(%5, %8) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x5x40xf32>, tensor<4x5x40xf32>) -> tensor<4x5x40xf32>
    %10 = pike.aten "aten::sum"(%9) {dim = array<i64: 1>, dtype, keepdim = false, operands = ["self"]} : (tensor<4x5x40xf32>) -> tensor<4x40xf32>
    %11 = pike.aten "aten::mul"(%10, %two) {operands = ["self", "other"]} : (tensor<4x40xf32>, tensor<f64>) -> tensor<4x40xf32>
    pike.yield %11 : tensor<4x40xf32>
  }
  // Mean over the first dim, keepdim, with a bias broadcast in the epilogue.
  pike.kernel @mean0(%x: tensor<70x6xf32>, %b: tensor<6xf32>) -> tensor<1x6xf32> attributes {entry = "pike_mean0", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mean"(%x) {dim = array<i64: 0>, dtype, keepdim = true, operands = ["self"]} : (tensor<70x6xf32>) -> tensor<1x6xf32>
    %1 = pike.aten "aten::add"(%0, %b) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<1x6xf32>, tensor<6xf32>) -> tensor<1x6xf32>
    pike.yield %1 : tensor<1x6xf32>
  }
  // amax over dims that are not adjacent (the innermost one reduced).
  pike.kernel @amax_skip(%x: tensor<3x4x50xf32>) -> tensor<4xf32> attributes {entry = "pike_amax_skip", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::abs"(%x) {operands = ["self"]} : (tensor<3x4x50xf32>) -> tensor<3x4x50xf32>
    %1 = pike.aten "aten::amax"(%0) {dim = array<i64: 0, -1>, keepdim = false, operands = ["self"]} : (tensor<3x4x50xf32>) -> tensor<4xf32>
    pike.yield %1 : tensor<4xf32>
  }
  // amin over a middle dim, keepdim, of a broadcast difference.
  pike.kernel @amin_mid(%x: tensor<2x37x33xf32>, %y: tensor<37x1xf32>) -> tensor<2x1x33xf32> attributes {entry = "pike_amin_mid", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::sub"(%x, %y) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x37x33xf32>, tensor<37x1xf32>) -> tensor<2x37x33xf32>
    %1 = pike.aten "aten::amin"(%0) {dim = array<i64: 1>, keepdim = true, operands = ["self"]} : (tensor<2x37x33xf32>) -> tensor<2x1x33xf32>
    pike.yield %1 : tensor<2x1x33xf32>
  }
  // prod over the first dim of values near 1.
  pike.kernel @prod0(%x: tensor<5x8xf32>) -> tensor<8xf32> attributes {entry = "pike_prod0", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::sigmoid"(%x) {operands = ["self"]} : (tensor<5x8xf32>) -> tensor<5x8xf32>
    %1 = pike.aten "aten::add"(%0, %0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<5x8xf32>, tensor<5x8xf32>) -> tensor<5x8xf32>
    %2 = pike.aten "aten::prod"(%1) {dim = 0 : i64, dtype, keepdim = false, operands = ["self"]} : (tensor<5x8xf32>) -> tensor<8xf32>
    pike.yield %2 : tensor<8xf32>
  }
  // Channels-last squeeze-excite: mean over H, W of an N, H, W, C tensor,
  // then the sigmoid gate.
  pike.kernel @se_nhwc(%x: tensor<2x7x9x12xf32>) -> tensor<2x12xf32> attributes {entry = "pike_se_nhwc", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mean"(%x) {dim = array<i64: 1, 2>, dtype, keepdim = false, operands = ["self"]} : (tensor<2x7x9x12xf32>) -> tensor<2x12xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<2x12xf32>) -> tensor<2x12xf32>
    pike.yield %1 : tensor<2x12xf32>
  }
  // Enough outputs (8448 = 264 blocks of 32) for split-reduce's full warp of
  // outputs per slice.
  pike.kernel @wide(%x: tensor<3x8448xf32>) -> tensor<8448xf32> attributes {entry = "pike_wide", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::sum"(%x) {dim = array<i64: 0>, dtype, keepdim = false, operands = ["self"]} : (tensor<3x8448xf32>) -> tensor<8448xf32>
    pike.yield %0 : tensor<8448xf32>
  }
  // Long reduction, few outputs (split-reduce by the rule), two outputs.
  pike.kernel @long_sum(%x: tensor<300x40xf32>) -> (tensor<40xf32>, tensor<40xf32>) attributes {entry = "pike_long_sum", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mul"(%x, %x) {operands = ["self", "other"]} : (tensor<300x40xf32>, tensor<300x40xf32>) -> tensor<300x40xf32>
    %1 = pike.aten "aten::sum"(%0) {dim = array<i64: 0>, dtype, keepdim = false, operands = ["self"]} : (tensor<300x40xf32>) -> tensor<40xf32>
    %2 = pike.aten "aten::sqrt"(%1) {operands = ["self"]} : (tensor<40xf32>) -> tensor<40xf32>
    pike.yield %1, %2 : tensor<40xf32>, tensor<40xf32>
  }
}
