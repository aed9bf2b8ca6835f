// Three-operand einsums whose third operand scales one operand or the result
// (Mamba-2's chunked SSD, level3/16 and level3/27), at small odd sizes:
// b=2, c=3, l=s=5, n=4, h=3, p=6.
module {
  // Chunk states: the decay 'bhcl' is a factor of x 'bclhp' (scales B).
  pike.kernel @ssd_states(%bm: tensor<2x3x5x4xf32>, %decay: tensor<2x3x3x5xf32>, %x: tensor<2x3x5x3x6xf32>) -> tensor<2x3x3x6x4xf32> attributes {entry = "pike_ssd_states", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%bm, %decay, %x) {equation = "bcln,bhcl,bclhp->bchpn", operands = ["tensors[]", "tensors[]", "tensors[]"], path} : (tensor<2x3x5x4xf32>, tensor<2x3x3x5xf32>, tensor<2x3x5x3x6xf32>) -> tensor<2x3x3x6x4xf32>
    pike.yield %0 : tensor<2x3x3x6x4xf32>
  }
  // Output of the carried states: exp(A_cum) 'bhcl' scales the result; with an epilogue.
  pike.kernel @ssd_yoff(%cm: tensor<2x3x5x4xf32>, %st: tensor<2x3x3x6x4xf32>, %ea: tensor<2x3x3x5xf32>, %yd: tensor<2x3x5x3x6xf32>) -> tensor<2x3x5x3x6xf32> attributes {entry = "pike_ssd_yoff", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%cm, %st, %ea) {equation = "bcln,bchpn,bhcl->bclhp", operands = ["tensors[]", "tensors[]", "tensors[]"], path} : (tensor<2x3x5x4xf32>, tensor<2x3x3x6x4xf32>, tensor<2x3x3x5xf32>) -> tensor<2x3x5x3x6xf32>
    %1 = pike.aten "aten::add"(%yd, %0) {alpha = 1 : i64, operands = ["self", "other"]} : (tensor<2x3x5x3x6xf32>, tensor<2x3x5x3x6xf32>) -> tensor<2x3x5x3x6xf32>
    pike.yield %1 : tensor<2x3x5x3x6xf32>
  }
  // Outputs within each chunk (level3/16): the scores 'bcls' are a factor of the
  // segment-sum decay 'bhcls' (scales A, the first operand in the first place).
  pike.kernel @ssd_ydiag(%sc: tensor<2x3x5x5xf32>, %lm: tensor<2x3x3x5x5xf32>, %x: tensor<2x3x5x3x6xf32>) -> tensor<2x3x5x3x6xf32> attributes {entry = "pike_ssd_ydiag", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%sc, %lm, %x) {equation = "bcls,bhcls,bcshp->bclhp", operands = ["tensors[]", "tensors[]", "tensors[]"], path} : (tensor<2x3x5x5xf32>, tensor<2x3x3x5x5xf32>, tensor<2x3x5x3x6xf32>) -> tensor<2x3x5x3x6xf32>
    pike.yield %0 : tensor<2x3x5x3x6xf32>
  }
  // A factor with an index of the other operand and the output ('h'): it becomes
  // a batch index of the operand it multiplies (scales A).
  pike.kernel @batch_factor(%a: tensor<2x5x4xf32>, %w: tensor<5x4x3xf32>, %b: tensor<2x4x3x6xf32>) -> tensor<2x5x3x6xf32> attributes {entry = "pike_batch_factor", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%a, %w, %b) {equation = "bls,lsh,bshp->blhp", operands = ["tensors[]", "tensors[]", "tensors[]"], path} : (tensor<2x5x4xf32>, tensor<5x4x3xf32>, tensor<2x4x3x6xf32>) -> tensor<2x5x3x6xf32>
    pike.yield %0 : tensor<2x5x3x6xf32>
  }
}
