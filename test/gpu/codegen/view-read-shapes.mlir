// Elementwise slots that read their inputs through views, at whole-network
// shapes: the GRU step of level3/28 (chunk(3) of the input and hidden gates),
// the LSTM step of level3/15 (chunk(4)), LLaMA RoPE halves (level5/04), adaLN
// modulation (chunk(6) + unsqueeze, level5/05) and odd strides (scalar path),
// for scripts/device-codegen-check.sh.
module {
  pike.kernel @gru_step(%arg0: tensor<32x1536xf32>, %arg1: tensor<32x1536xf32>, %arg2: tensor<32x512xf32>) -> tensor<32x512xf32> attributes {entry = "pike_gru_step", impl = "reference", pike.pattern = "elementwise"} {
    %0:3 = pike.aten "aten::chunk"(%arg0) {chunks = 3 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<32x1536xf32>) -> (tensor<32x512xf32>, tensor<32x512xf32>, tensor<32x512xf32>)
    %1:3 = pike.aten "aten::chunk"(%arg1) {chunks = 3 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<32x1536xf32>) -> (tensor<32x512xf32>, tensor<32x512xf32>, tensor<32x512xf32>)
    %2 = pike.aten "aten::add"(%0#0, %1#0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<32x512xf32>, tensor<32x512xf32>) -> tensor<32x512xf32>
    %3 = pike.aten "aten::sigmoid"(%2) {operands = ["self"]} : (tensor<32x512xf32>) -> tensor<32x512xf32>
    %4 = pike.aten "aten::add"(%0#1, %1#1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<32x512xf32>, tensor<32x512xf32>) -> tensor<32x512xf32>
    %5 = pike.aten "aten::sigmoid"(%4) {operands = ["self"]} : (tensor<32x512xf32>) -> tensor<32x512xf32>
    %6 = pike.aten "aten::mul"(%3, %1#2) {operands = ["self", "other"]} : (tensor<32x512xf32>, tensor<32x512xf32>) -> tensor<32x512xf32>
    %7 = pike.aten "aten::add"(%0#2, %6) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<32x512xf32>, tensor<32x512xf32>) -> tensor<32x512xf32>
    %8 = pike.aten "aten::tanh"(%7) {operands = ["self"]} : (tensor<32x512xf32>) -> tensor<32x512xf32>
    %9 = pike.aten "aten::neg"(%5) {operands = ["self"]} : (tensor<32x512xf32>) -> tensor<32x512xf32>
    %10 = pike.aten "aten::add"(%9) {alpha = 1 : i64, operands = ["self"], other = 1 : i64} : (tensor<32x512xf32>) -> tensor<32x512xf32>
    %11 = pike.aten "aten::mul"(%10, %8) {operands = ["self", "other"]} : (tensor<32x512xf32>, tensor<32x512xf32>) -> tensor<32x512xf32>
    %12 = pike.aten "aten::mul"(%5, %arg2) {operands = ["self", "other"]} : (tensor<32x512xf32>, tensor<32x512xf32>) -> tensor<32x512xf32>
    %13 = pike.aten "aten::add"(%11, %12) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<32x512xf32>, tensor<32x512xf32>) -> tensor<32x512xf32>
    pike.yield %13 : tensor<32x512xf32>
  }
  pike.kernel @lstm_step(%arg0: tensor<128x4096xf32>, %arg1: tensor<128x1024xf32>) -> (tensor<128x1024xf32>, tensor<128x1024xf32>) attributes {entry = "pike_lstm_step", impl = "reference", pike.pattern = "elementwise"} {
    %0:4 = pike.aten "aten::chunk"(%arg0) {chunks = 4 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<128x4096xf32>) -> (tensor<128x1024xf32>, tensor<128x1024xf32>, tensor<128x1024xf32>, tensor<128x1024xf32>)
    %1 = pike.aten "aten::sigmoid"(%0#1) {operands = ["self"]} : (tensor<128x1024xf32>) -> tensor<128x1024xf32>
    %2 = pike.aten "aten::mul"(%1, %arg1) {operands = ["self", "other"]} : (tensor<128x1024xf32>, tensor<128x1024xf32>) -> tensor<128x1024xf32>
    %3 = pike.aten "aten::sigmoid"(%0#0) {operands = ["self"]} : (tensor<128x1024xf32>) -> tensor<128x1024xf32>
    %4 = pike.aten "aten::tanh"(%0#2) {operands = ["self"]} : (tensor<128x1024xf32>) -> tensor<128x1024xf32>
    %5 = pike.aten "aten::mul"(%3, %4) {operands = ["self", "other"]} : (tensor<128x1024xf32>, tensor<128x1024xf32>) -> tensor<128x1024xf32>
    %6 = pike.aten "aten::add"(%2, %5) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<128x1024xf32>, tensor<128x1024xf32>) -> tensor<128x1024xf32>
    %7 = pike.aten "aten::sigmoid"(%0#3) {operands = ["self"]} : (tensor<128x1024xf32>) -> tensor<128x1024xf32>
    %8 = pike.aten "aten::tanh"(%6) {operands = ["self"]} : (tensor<128x1024xf32>) -> tensor<128x1024xf32>
    %9 = pike.aten "aten::mul"(%7, %8) {operands = ["self", "other"]} : (tensor<128x1024xf32>, tensor<128x1024xf32>) -> tensor<128x1024xf32>
    pike.yield %6, %9 : tensor<128x1024xf32>, tensor<128x1024xf32>
  }
  pike.kernel @rope_llama(%x: tensor<16x32x1x128xf32>, %cos: tensor<1x1x64xf32>, %sin: tensor<1x1x64xf32>) -> (tensor<16x32x1x64xf32>, tensor<16x32x1x64xf32>) attributes {entry = "pike_rope_llama", impl = "reference", pike.pattern = "elementwise"} {
    %x1 = pike.aten "aten::slice"(%x) {dim = 3 : i64, end = 64 : i64, operands = ["self"], start = 0 : i64, step = 1 : i64} : (tensor<16x32x1x128xf32>) -> tensor<16x32x1x64xf32>
    %x2 = pike.aten "aten::slice"(%x) {dim = 3 : i64, end = 9223372036854775807 : i64, operands = ["self"], start = 64 : i64, step = 1 : i64} : (tensor<16x32x1x128xf32>) -> tensor<16x32x1x64xf32>
    %a = pike.aten "aten::mul"(%x1, %cos) {operands = ["self", "other"]} : (tensor<16x32x1x64xf32>, tensor<1x1x64xf32>) -> tensor<16x32x1x64xf32>
    %b = pike.aten "aten::mul"(%x2, %sin) {operands = ["self", "other"]} : (tensor<16x32x1x64xf32>, tensor<1x1x64xf32>) -> tensor<16x32x1x64xf32>
    %lo = pike.aten "aten::sub"(%a, %b) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<16x32x1x64xf32>, tensor<16x32x1x64xf32>) -> tensor<16x32x1x64xf32>
    %c = pike.aten "aten::mul"(%x2, %cos) {operands = ["self", "other"]} : (tensor<16x32x1x64xf32>, tensor<1x1x64xf32>) -> tensor<16x32x1x64xf32>
    %d = pike.aten "aten::mul"(%x1, %sin) {operands = ["self", "other"]} : (tensor<16x32x1x64xf32>, tensor<1x1x64xf32>) -> tensor<16x32x1x64xf32>
    %hi = pike.aten "aten::add"(%c, %d) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<16x32x1x64xf32>, tensor<16x32x1x64xf32>) -> tensor<16x32x1x64xf32>
    pike.yield %lo, %hi : tensor<16x32x1x64xf32>, tensor<16x32x1x64xf32>
  }
  pike.kernel @dit_modulate(%x: tensor<4x1024x768xf32>, %c: tensor<4x4608xf32>) -> tensor<4x1024x768xf32> attributes {entry = "pike_dit_modulate", impl = "reference", pike.pattern = "elementwise"} {
    %m:6 = pike.aten "aten::chunk"(%c) {chunks = 6 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<4x4608xf32>) -> (tensor<4x768xf32>, tensor<4x768xf32>, tensor<4x768xf32>, tensor<4x768xf32>, tensor<4x768xf32>, tensor<4x768xf32>)
    %shift = pike.aten "aten::unsqueeze"(%m#0) {dim = 1 : i64, operands = ["self"]} : (tensor<4x768xf32>) -> tensor<4x1x768xf32>
    %scale = pike.aten "aten::unsqueeze"(%m#1) {dim = 1 : i64, operands = ["self"]} : (tensor<4x768xf32>) -> tensor<4x1x768xf32>
    %0 = pike.aten "aten::add"(%scale) {alpha = 1 : i64, operands = ["self"], other = 1 : i64} : (tensor<4x1x768xf32>) -> tensor<4x1x768xf32>
    %1 = pike.aten "aten::mul"(%x, %0) {operands = ["self", "other"]} : (tensor<4x1024x768xf32>, tensor<4x1x768xf32>) -> tensor<4x1024x768xf32>
    %2 = pike.aten "aten::add"(%1, %shift) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4x1024x768xf32>, tensor<4x1x768xf32>) -> tensor<4x1024x768xf32>
    pike.yield %2 : tensor<4x1024x768xf32>
  }
  pike.kernel @odd_views(%x: tensor<4096x10xf32>, %y: tensor<4096x12xf32>) -> tensor<4096x5xf32> attributes {entry = "pike_odd_views", impl = "reference", pike.pattern = "elementwise"} {
    %c:2 = pike.aten "aten::chunk"(%x) {chunks = 2 : i64, dim = 1 : i64, operands = ["self"]} : (tensor<4096x10xf32>) -> (tensor<4096x5xf32>, tensor<4096x5xf32>)
    %s = pike.aten "aten::slice"(%y) {dim = 1 : i64, end = 11 : i64, operands = ["self"], start = 1 : i64, step = 2 : i64} : (tensor<4096x12xf32>) -> tensor<4096x5xf32>
    %0 = pike.aten "aten::mul"(%c#0, %s) {operands = ["self", "other"]} : (tensor<4096x5xf32>, tensor<4096x5xf32>) -> tensor<4096x5xf32>
    %1 = pike.aten "aten::sigmoid"(%c#1) {operands = ["self"]} : (tensor<4096x5xf32>) -> tensor<4096x5xf32>
    %2 = pike.aten "aten::add"(%0, %1) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<4096x5xf32>, tensor<4096x5xf32>) -> tensor<4096x5xf32>
    pike.yield %2 : tensor<4096x5xf32>
  }
}
