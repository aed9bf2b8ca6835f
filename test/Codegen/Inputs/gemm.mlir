// GEMM regions: linear / matmul / mm / bmm / addmm with elementwise epilogues.
module {
  // linear + bias + relu: cuBLASLt RELU_BIAS covers the whole region.
  pike.kernel @linear_relu(%x: tensor<8x32xf32>, %w: tensor<16x32xf32>, %b: tensor<16xf32>) -> tensor<8x16xf32> attributes {entry = "pike_linear_relu", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::linear"(%x, %w, %b) {operands = ["input", "weight", "bias"]} : (tensor<8x32xf32>, tensor<16x32xf32>, tensor<16xf32>) -> tensor<8x16xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<8x16xf32>) -> tensor<8x16xf32>
    pike.yield %1 : tensor<8x16xf32>
  }
  // 3-d input, gelu(tanh): cuBLASLt GELU_BIAS.
  pike.kernel @linear_gelu_tanh(%x: tensor<2x5x24xf32>, %w: tensor<40x24xf32>, %b: tensor<40xf32>) -> tensor<2x5x40xf32> attributes {entry = "pike_linear_gelu_tanh", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::linear"(%x, %w, %b) {operands = ["input", "weight", "bias"]} : (tensor<2x5x24xf32>, tensor<40x24xf32>, tensor<40xf32>) -> tensor<2x5x40xf32>
    %1 = pike.aten "aten::gelu"(%0) {approximate = "tanh", operands = ["self"]} : (tensor<2x5x40xf32>) -> tensor<2x5x40xf32>
    pike.yield %1 : tensor<2x5x40xf32>
  }
  // erf gelu after a constant bias (the mlp model's region): BIAS + an epilogue kernel.
  pike.kernel @linear_gelu(%x: tensor<4x12xf32>, %w: tensor<6x12xf32>) -> tensor<4x6xf32> attributes {entry = "pike_linear_gelu", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %b = pike.constant dense<[0.5, -0.25, 0.125, 1.0, -1.0, 0.0]> : tensor<6xf32>
    %0 = pike.aten "aten::linear"(%x, %w, %b) {operands = ["input", "weight", "bias"]} : (tensor<4x12xf32>, tensor<6x12xf32>, tensor<6xf32>) -> tensor<4x6xf32>
    %1 = pike.aten "aten::gelu"(%0) {approximate = "none", operands = ["self"]} : (tensor<4x6xf32>) -> tensor<4x6xf32>
    pike.yield %1 : tensor<4x6xf32>
  }
  // linear without bias + residual add (the lstm_step model's region), two outputs.
  pike.kernel @linear_add(%x: tensor<4x16xf32>, %w: tensor<128x16xf32>, %r: tensor<4x128xf32>) -> (tensor<4x128xf32>, tensor<4x128xf32>) attributes {entry = "pike_linear_add", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::linear"(%x, %w) {bias, operands = ["input", "weight"]} : (tensor<4x16xf32>, tensor<128x16xf32>) -> tensor<4x128xf32>
    %1 = pike.aten "aten::add"(%r, %0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x128xf32>, tensor<4x128xf32>) -> tensor<4x128xf32>
    pike.yield %1, %0 : tensor<4x128xf32>, tensor<4x128xf32>
  }
  // bmm + scale + sigmoid.
  pike.kernel @bmm(%a: tensor<3x9x20xf32>, %b: tensor<3x20x7xf32>) -> tensor<3x9x7xf32> attributes {entry = "pike_bmm", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %c = pike.constant dense<2.500000e-01> : tensor<f64>
    %0 = pike.aten "aten::bmm"(%a, %b) {operands = ["self", "mat2"]} : (tensor<3x9x20xf32>, tensor<3x20x7xf32>) -> tensor<3x9x7xf32>
    %1 = pike.aten "aten::mul"(%0, %c) {operands = ["self", "other"]} : (tensor<3x9x7xf32>, tensor<f64>) -> tensor<3x9x7xf32>
    %2 = pike.aten "aten::sigmoid"(%1) {operands = ["self"]} : (tensor<3x9x7xf32>) -> tensor<3x9x7xf32>
    pike.yield %2 : tensor<3x9x7xf32>
  }
  // matmul [2,3,5,7] x [7,4]: leading dims fold into M.
  pike.kernel @matmul_fold(%a: tensor<2x3x5x7xf32>, %b: tensor<7x4xf32>) -> tensor<2x3x5x4xf32> attributes {entry = "pike_matmul_fold", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::matmul"(%a, %b) {operands = ["self", "other"]} : (tensor<2x3x5x7xf32>, tensor<7x4xf32>) -> tensor<2x3x5x4xf32>
    pike.yield %0 : tensor<2x3x5x4xf32>
  }
  // matmul with a broadcast batch: [1,5,7] x [3,7,6].
  pike.kernel @matmul_bcast(%a: tensor<1x5x7xf32>, %b: tensor<3x7x6xf32>) -> tensor<3x5x6xf32> attributes {entry = "pike_matmul_bcast", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::matmul"(%a, %b) {operands = ["self", "other"]} : (tensor<1x5x7xf32>, tensor<3x7x6xf32>) -> tensor<3x5x6xf32>
    pike.yield %0 : tensor<3x5x6xf32>
  }
  // addmm(beta * bias + alpha * A @ B) + tanh.
  pike.kernel @addmm(%bias: tensor<10xf32>, %a: tensor<6x70xf32>, %b: tensor<70x10xf32>) -> tensor<6x10xf32> attributes {entry = "pike_addmm", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::addmm"(%bias, %a, %b) {alpha = 2 : i64, beta = 5.000000e-01 : f64, operands = ["self", "mat1", "mat2"]} : (tensor<10xf32>, tensor<6x70xf32>, tensor<70x10xf32>) -> tensor<6x10xf32>
    %1 = pike.aten "aten::tanh"(%0) {operands = ["self"]} : (tensor<6x10xf32>) -> tensor<6x10xf32>
    pike.yield %1 : tensor<6x10xf32>
  }
}
