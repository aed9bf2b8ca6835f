// Elementwise kernel slots exercising broadcasting, scalar attributes,
// constants, dtype conversion and multiple outputs (shared by several tests).
module {
  // bias vector + [N,C,1,1] scale + 0-d f64 constant, gelu(tanh), two outputs.
  pike.kernel @bcast(%x: tensor<2x8x4x4xf32>, %s: tensor<2x8x1x1xf32>, %b: tensor<4xf32>) -> (tensor<2x8x4x4xf32>, tensor<2x8x1x1xf32>) attributes {entry = "pike_bcast", impl = "reference", pike.pattern = "elementwise"} {
    %c = pike.constant dense<5.000000e-01> : tensor<f64>
    %sig = pike.aten "aten::sigmoid"(%s) {operands = ["self"]} : (tensor<2x8x1x1xf32>) -> tensor<2x8x1x1xf32>
    %m = pike.aten "aten::mul"(%x, %sig) {operands = ["self", "other"]} : (tensor<2x8x4x4xf32>, tensor<2x8x1x1xf32>) -> tensor<2x8x4x4xf32>
    %a = pike.aten "aten::add"(%m, %b) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x8x4x4xf32>, tensor<4xf32>) -> tensor<2x8x4x4xf32>
    %k = pike.aten "aten::mul"(%a, %c) {operands = ["self", "other"]} : (tensor<2x8x4x4xf32>, tensor<f64>) -> tensor<2x8x4x4xf32>
    %g = pike.aten "aten::gelu"(%k) {approximate = "tanh", operands = ["self"]} : (tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32>
    pike.yield %g, %sig : tensor<2x8x4x4xf32>, tensor<2x8x1x1xf32>
  }
  // Same-shape chain: vectorisable. Scalar attributes (add.Scalar, alpha), clamp, silu, hardswish.
  pike.kernel @chain(%x: tensor<64x32xf32>, %y: tensor<64x32xf32>) -> tensor<64x32xf32> attributes {entry = "pike_chain", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::sub"(%x, %y) {alpha = 2.000000e+00 : f64, operands = ["self", "other"]} : (tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x32xf32>
    %1 = pike.aten "aten::add"(%0) {alpha = 1 : i64, operands = ["self"], other = 2.000000e+00 : f64} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %2 = pike.aten "aten::silu"(%1) {operands = ["self"]} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %3 = pike.aten "aten::clamp"(%2) {max = 3.000000e+00 : f64, min, operands = ["self"]} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %4 = pike.aten "aten::hardswish"(%3) {operands = ["self"]} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %5 = pike.aten "aten::rsub"(%4) {alpha = 1 : i64, operands = ["self"], other = 1.000000e+00 : f64} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %6 = pike.aten "aten::mish"(%5) {operands = ["self"]} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %7 = pike.aten "aten::leaky_relu"(%6) {negative_slope = 1.000000e-01 : f64, operands = ["self"]} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %8 = pike.aten "aten::elu"(%7) {alpha = 1.000000e+00 : f64, input_scale = 1 : i64, operands = ["self"], scale = 1 : i64} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %9 = pike.aten "aten::softplus"(%8) {beta = 1 : i64, operands = ["self"], threshold = 2.000000e+01 : f64} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %10 = pike.aten "aten::pow"(%9) {exponent = 2.000000e+00 : f64, operands = ["self"]} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    %11 = pike.aten "aten::gelu"(%10) {approximate = "none", operands = ["self"]} : (tensor<64x32xf32>) -> tensor<64x32xf32>
    pike.yield %11 : tensor<64x32xf32>
  }
  // Comparisons, where, masked_fill, dtype conversion, dense constant array, maximum.
  pike.kernel @select(%x: tensor<3x5xf32>, %y: tensor<5xf32>) -> (tensor<3x5xf32>, tensor<3x5xi1>) attributes {entry = "pike_select", impl = "reference", pike.pattern = "elementwise"} {
    %w = pike.constant dense<[1.0, -2.0, 3.0, -4.0, 5.0]> : tensor<5xf32>
    %z = pike.constant dense<0.000000e+00> : tensor<f64>
    %0 = pike.aten "aten::gt"(%x, %y) {operands = ["self", "other"]} : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xi1>
    %1 = pike.aten "aten::mul"(%x, %w) {operands = ["self", "other"]} : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
    %2 = pike.aten "aten::where"(%0, %1, %y) {operands = ["condition", "self", "other"]} : (tensor<3x5xi1>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
    %3 = pike.aten "aten::lt"(%x) {operands = ["self"], other = -5.000000e-01 : f64} : (tensor<3x5xf32>) -> tensor<3x5xi1>
    %4 = pike.aten "aten::masked_fill"(%2, %3) {operands = ["self", "mask"], value = -1.000000e+00 : f64} : (tensor<3x5xf32>, tensor<3x5xi1>) -> tensor<3x5xf32>
    %5 = pike.aten "aten::maximum"(%4, %w) {operands = ["self", "other"]} : (tensor<3x5xf32>, tensor<5xf32>) -> tensor<3x5xf32>
    %6 = pike.aten "aten::to"(%3) {copy = false, dtype = 6 : i64, memory_format, non_blocking = false, operands = ["self"]} : (tensor<3x5xi1>) -> tensor<3x5xf32>
    %7 = pike.aten "aten::add"(%5, %6) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<3x5xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
    %8 = pike.aten "aten::abs"(%7) {operands = ["self"]} : (tensor<3x5xf32>) -> tensor<3x5xf32>
    %9 = pike.aten "aten::sqrt"(%8) {operands = ["self"]} : (tensor<3x5xf32>) -> tensor<3x5xf32>
    %10 = pike.aten "aten::div"(%9, %z) {operands = ["self", "other"], rounding_mode} : (tensor<3x5xf32>, tensor<f64>) -> tensor<3x5xf32>
    %11 = pike.aten "aten::clamp_max"(%10) {max = 1.000000e+03 : f64, operands = ["self"]} : (tensor<3x5xf32>) -> tensor<3x5xf32>
    pike.yield %11, %3 : tensor<3x5xf32>, tensor<3x5xi1>
  }
  // Odd size: no vector path, hardsigmoid, tanh, exp, log, rsqrt, relu6, neg, square.
  pike.kernel @odd(%x: tensor<7x3xf32>, %y: tensor<1x3xf32>) -> tensor<7x3xf32> attributes {entry = "pike_odd", impl = "reference", pike.pattern = "elementwise"} {
    %0 = pike.aten "aten::hardsigmoid"(%x) {operands = ["self"]} : (tensor<7x3xf32>) -> tensor<7x3xf32>
    %1 = pike.aten "aten::tanh"(%y) {operands = ["self"]} : (tensor<1x3xf32>) -> tensor<1x3xf32>
    %2 = pike.aten "aten::sub"(%0, %1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<7x3xf32>, tensor<1x3xf32>) -> tensor<7x3xf32>
    %3 = pike.aten "aten::exp"(%2) {operands = ["self"]} : (tensor<7x3xf32>) -> tensor<7x3xf32>
    %4 = pike.aten "aten::log"(%3) {operands = ["self"]} : (tensor<7x3xf32>) -> tensor<7x3xf32>
    %5 = pike.aten "aten::square"(%4) {operands = ["self"]} : (tensor<7x3xf32>) -> tensor<7x3xf32>
    %6 = pike.aten "aten::rsqrt"(%5) {operands = ["self"]} : (tensor<7x3xf32>) -> tensor<7x3xf32>
    %7 = pike.aten "aten::neg"(%6) {operands = ["self"]} : (tensor<7x3xf32>) -> tensor<7x3xf32>
    %8 = pike.aten "aten::relu6"(%7) {operands = ["self"]} : (tensor<7x3xf32>) -> tensor<7x3xf32>
    %9 = pike.aten "aten::minimum"(%8, %x) {operands = ["self", "other"]} : (tensor<7x3xf32>, tensor<7x3xf32>) -> tensor<7x3xf32>
    pike.yield %9 : tensor<7x3xf32>
  }
}
