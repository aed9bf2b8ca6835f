// cumsum regions: elementwise prologue -> cumsum(dim) -> elementwise epilogue.
module {
  // Last dim, 100 elements (several 32-element warp chunks), an epilogue that
  // reads the input again (x * cumsum(x)).
  pike.kernel @last(%x: tensor<4x100xf32>) -> tensor<4x100xf32> attributes {entry = "pike_last", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::cumsum"(%x) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<4x100xf32>) -> tensor<4x100xf32>
    %1 = pike.aten "aten::mul"(%x, %0) {operands = ["self", "other"]} : (tensor<4x100xf32>, tensor<4x100xf32>) -> tensor<4x100xf32>
    pike.yield %1 : tensor<4x100xf32>
  }
  // The chunked SSD segment sum: masked_fill -> cumsum(-2) -> masked_fill(-inf) -> exp,
  // masks [T, T] broadcast over the batch; the cumsum also yielded.
  pike.kernel @segsum(%x: tensor<2x3x16x16xf32>, %strict: tensor<16x16xi1>, %keep: tensor<16x16xi1>) -> (tensor<2x3x16x16xf32>, tensor<2x3x16x16xf32>) attributes {entry = "pike_segsum", impl = "reference", pike.pattern = "reduction"} {
    %n = pike.aten "aten::bitwise_not"(%strict) {operands = ["self"]} : (tensor<16x16xi1>) -> tensor<16x16xi1>
    %0 = pike.aten "aten::masked_fill"(%x, %n) {operands = ["self", "mask"], value = 0.000000e+00 : f64} : (tensor<2x3x16x16xf32>, tensor<16x16xi1>) -> tensor<2x3x16x16xf32>
    %1 = pike.aten "aten::cumsum"(%0) {dim = -2 : i64, dtype, operands = ["self"]} : (tensor<2x3x16x16xf32>) -> tensor<2x3x16x16xf32>
    %k = pike.aten "aten::bitwise_not"(%keep) {operands = ["self"]} : (tensor<16x16xi1>) -> tensor<16x16xi1>
    %2 = pike.aten "aten::masked_fill"(%1, %k) {operands = ["self", "mask"], value = 0xFFF0000000000000 : f64} : (tensor<2x3x16x16xf32>, tensor<16x16xi1>) -> tensor<2x3x16x16xf32>
    %3 = pike.aten "aten::exp"(%2) {operands = ["self"]} : (tensor<2x3x16x16xf32>) -> tensor<2x3x16x16xf32>
    pike.yield %3, %1 : tensor<2x3x16x16xf32>, tensor<2x3x16x16xf32>
  }
  // Dim 0 of [37, 5]: every line strided by 5; a prologue scaling by a broadcast row.
  pike.kernel @first(%x: tensor<37x5xf32>, %w: tensor<5xf32>) -> tensor<37x5xf32> attributes {entry = "pike_first", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::mul"(%x, %w) {operands = ["self", "other"]} : (tensor<37x5xf32>, tensor<5xf32>) -> tensor<37x5xf32>
    %1 = pike.aten "aten::cumsum"(%0) {dim = 0 : i64, dtype, operands = ["self"]} : (tensor<37x5xf32>) -> tensor<37x5xf32>
    pike.yield %1 : tensor<37x5xf32>
  }
  // A 1-d scan (Mamba-2's A_cum over a chunk, flattened).
  pike.kernel @flat(%x: tensor<70xf32>) -> tensor<70xf32> attributes {entry = "pike_flat", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::cumsum"(%x) {dim = 0 : i64, dtype, operands = ["self"]} : (tensor<70xf32>) -> tensor<70xf32>
    pike.yield %0 : tensor<70xf32>
  }
}
