// GEMM regions whose epilogue broadcasts the result over larger outputs.
module {
  // EfficientNet squeeze-excite: 1x1 conv on the pooled [N,C',1,1] -> sigmoid ->
  // times the [N,C,H,W] feature map.
  pike.kernel @se(%s: tensor<2x3x1x1xf32>, %x: tensor<2x8x9x9xf32>) -> tensor<2x8x9x9xf32> attributes {entry = "pike_se", impl = "reference", pike.pattern = "conv_epilogue"} {
    %w = pike.constant dense<[[[[0.5]], [[-0.25]], [[0.125]]], [[[0.3]], [[0.2]], [[-0.1]]], [[[-0.4]], [[0.6]], [[0.05]]], [[[0.7]], [[-0.3]], [[0.2]]], [[[0.1]], [[0.1]], [[0.1]]], [[[-0.2]], [[0.4]], [[-0.6]]], [[[0.9]], [[-0.8]], [[0.3]]], [[[0.0]], [[0.25]], [[-0.5]]]]> : tensor<8x3x1x1xf32>
    %b = pike.constant dense<[0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8]> : tensor<8xf32>
    %0 = pike.aten "aten::_convolution"(%s, %w, %b) {allow_tf32 = true, benchmark = false, cudnn_enabled = true, deterministic = false, dilation = array<i64: 1, 1>, groups = 1 : i64, operands = ["input", "weight", "bias"], output_padding = array<i64: 0, 0>, padding = array<i64: 0, 0>, stride = array<i64: 1, 1>, transposed = false} : (tensor<2x3x1x1xf32>, tensor<8x3x1x1xf32>, tensor<8xf32>) -> tensor<2x8x1x1xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<2x8x1x1xf32>) -> tensor<2x8x1x1xf32>
    %2 = pike.aten "aten::mul"(%x, %1) {operands = ["self", "other"]} : (tensor<2x8x9x9xf32>, tensor<2x8x1x1xf32>) -> tensor<2x8x9x9xf32>
    pike.yield %2 : tensor<2x8x9x9xf32>
  }
  // A matmul [3,70,4] x [4,1] -> [3,70,1] gating a [3,70,300] tensor (several splits).
  pike.kernel @gate(%a: tensor<3x70x4xf32>, %b: tensor<4x1xf32>, %x: tensor<3x70x300xf32>) -> tensor<3x70x300xf32> attributes {entry = "pike_gate", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::matmul"(%a, %b) {operands = ["self", "other"]} : (tensor<3x70x4xf32>, tensor<4x1xf32>) -> tensor<3x70x1xf32>
    %1 = pike.aten "aten::add"(%x, %0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<3x70x300xf32>, tensor<3x70x1xf32>) -> tensor<3x70x300xf32>
    pike.yield %1 : tensor<3x70x300xf32>
  }
}
