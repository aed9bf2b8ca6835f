// cumsum slots at whole-network shapes (level3/16 and 27 Mamba-2: b=4, h=16,
// c=16 chunks of l=64), for scripts/device-codegen-check.sh.
module {
  // The segment sum: masked_fill -> cumsum(-2) -> masked_fill(-inf) -> exp over [b,h,c,l,l].
  pike.kernel @ssd_segsum(%x: tensor<4x16x16x64x64xf32>, %strict: tensor<64x64xi1>, %keep: tensor<64x64xi1>) -> tensor<4x16x16x64x64xf32> attributes {entry = "pike_ssd_segsum", impl = "reference", pike.pattern = "reduction"} {
    %n = pike.aten "aten::bitwise_not"(%strict) {operands = ["self"]} : (tensor<64x64xi1>) -> tensor<64x64xi1>
    %0 = pike.aten "aten::masked_fill"(%x, %n) {operands = ["self", "mask"], value = 0.000000e+00 : f64} : (tensor<4x16x16x64x64xf32>, tensor<64x64xi1>) -> tensor<4x16x16x64x64xf32>
    %1 = pike.aten "aten::cumsum"(%0) {dim = -2 : i64, dtype, operands = ["self"]} : (tensor<4x16x16x64x64xf32>) -> tensor<4x16x16x64x64xf32>
    %k = pike.aten "aten::bitwise_not"(%keep) {operands = ["self"]} : (tensor<64x64xi1>) -> tensor<64x64xi1>
    %2 = pike.aten "aten::masked_fill"(%1, %k) {operands = ["self", "mask"], value = 0xFFF0000000000000 : f64} : (tensor<4x16x16x64x64xf32>, tensor<64x64xi1>) -> tensor<4x16x16x64x64xf32>
    %3 = pike.aten "aten::exp"(%2) {operands = ["self"]} : (tensor<4x16x16x64x64xf32>) -> tensor<4x16x16x64x64xf32>
    pike.yield %3 : tensor<4x16x16x64x64xf32>
  }
  // A_cum = cumsum(A dt, -1) over [b,h,c,l].
  pike.kernel @ssd_acum(%x: tensor<4x16x16x64xf32>) -> tensor<4x16x16x64xf32> attributes {entry = "pike_ssd_acum", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::cumsum"(%x) {dim = -1 : i64, dtype, operands = ["self"]} : (tensor<4x16x16x64xf32>) -> tensor<4x16x16x64xf32>
    pike.yield %0 : tensor<4x16x16x64xf32>
  }
  // Long rows: 4096 elements per line.
  pike.kernel @long_rows(%x: tensor<64x4096xf32>) -> tensor<64x4096xf32> attributes {entry = "pike_long_rows", impl = "reference", pike.pattern = "reduction"} {
    %0 = pike.aten "aten::cumsum"(%x) {dim = 1 : i64, dtype, operands = ["self"]} : (tensor<64x4096xf32>) -> tensor<64x4096xf32>
    pike.yield %0 : tensor<64x4096xf32>
  }
}
