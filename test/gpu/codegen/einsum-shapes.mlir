// einsum slots at whole-network shapes (level3/16 and level3/27 Mamba-2 SSD:
// b=4, c=16, l=64, n=64, h=16, p=64, two and three operands; level5 MLA, MoE,
// RWKV), for scripts/device-codegen-check.sh.
module {
  // C B^T per chunk: the GEMM planner (B transposed).
  pike.kernel @ssd_scores(%a: tensor<4x16x64x64xf32>, %b: tensor<4x16x64x64xf32>) -> tensor<4x16x64x64xf32> attributes {entry = "pike_ssd_scores", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "bcln,bcsn->bcls", operands = ["tensors[]", "tensors[]"], path} : (tensor<4x16x64x64xf32>, tensor<4x16x64x64xf32>) -> tensor<4x16x64x64xf32>
    pike.yield %0 : tensor<4x16x64x64xf32>
  }
  // Inter-chunk state passing: strided einsum kernel.
  pike.kernel @ssd_states(%a: tensor<4x16x17x17xf32>, %b: tensor<4x17x16x64x64xf32>) -> tensor<4x17x16x64x64xf32> attributes {entry = "pike_ssd_states", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "bhzc,bchpn->bzhpn", operands = ["tensors[]", "tensors[]"], path} : (tensor<4x16x17x17xf32>, tensor<4x17x16x64x64xf32>) -> tensor<4x17x16x64x64xf32>
    pike.yield %0 : tensor<4x17x16x64x64xf32>
  }
  // MLA absorbed W_uk: batch h in the middle.
  pike.kernel @mla_absorb(%a: tensor<32x16x128xf32>, %b: tensor<16x128x512xf32>) -> tensor<32x16x512xf32> attributes {entry = "pike_mla_absorb", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "bhd,hdc->bhc", operands = ["tensors[]", "tensors[]"], path} : (tensor<32x16x128xf32>, tensor<16x128x512xf32>) -> tensor<32x16x512xf32>
    pike.yield %0 : tensor<32x16x512xf32>
  }
  // MoE combine: contraction over experts.
  pike.kernel @moe_combine(%a: tensor<2048x8xf32>, %b: tensor<8x2048x1024xf32>) -> tensor<2048x1024xf32> attributes {entry = "pike_moe_combine", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "te,etd->td", operands = ["tensors[]", "tensors[]"], path} : (tensor<2048x8xf32>, tensor<8x2048x1024xf32>) -> tensor<2048x1024xf32>
    pike.yield %0 : tensor<2048x1024xf32>
  }
  // RWKV decay: batch c innermost.
  pike.kernel @rwkv_decay(%a: tensor<256x256x512xf32>, %b: tensor<8x256x512xf32>) -> tensor<8x256x512xf32> attributes {entry = "pike_rwkv_decay", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "tic,bic->btc", operands = ["tensors[]", "tensors[]"], path} : (tensor<256x256x512xf32>, tensor<8x256x512xf32>) -> tensor<8x256x512xf32>
    pike.yield %0 : tensor<8x256x512xf32>
  }
  // Chunk states: the decay scales x (third operand, factor of B).
  pike.kernel @ssd_chunk_states(%bm: tensor<4x16x64x64xf32>, %decay: tensor<4x16x16x64xf32>, %x: tensor<4x16x64x16x64xf32>) -> tensor<4x16x16x64x64xf32> attributes {entry = "pike_ssd_chunk_states", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%bm, %decay, %x) {equation = "bcln,bhcl,bclhp->bchpn", operands = ["tensors[]", "tensors[]", "tensors[]"], path} : (tensor<4x16x64x64xf32>, tensor<4x16x16x64xf32>, tensor<4x16x64x16x64xf32>) -> tensor<4x16x16x64x64xf32>
    pike.yield %0 : tensor<4x16x16x64x64xf32>
  }
  // Output of the carried states: exp(A_cum) scales the result.
  pike.kernel @ssd_y_off(%cm: tensor<4x16x64x64xf32>, %st: tensor<4x16x16x64x64xf32>, %ea: tensor<4x16x16x64xf32>) -> tensor<4x16x64x16x64xf32> attributes {entry = "pike_ssd_y_off", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%cm, %st, %ea) {equation = "bcln,bchpn,bhcl->bclhp", operands = ["tensors[]", "tensors[]", "tensors[]"], path} : (tensor<4x16x64x64xf32>, tensor<4x16x16x64x64xf32>, tensor<4x16x16x64xf32>) -> tensor<4x16x64x16x64xf32>
    pike.yield %0 : tensor<4x16x64x16x64xf32>
  }
  // Outputs within each chunk (level3/16): the scores scale the segment-sum decay.
  pike.kernel @ssd_y_diag(%sc: tensor<4x16x64x64xf32>, %lm: tensor<4x16x16x64x64xf32>, %x: tensor<4x16x64x16x64xf32>) -> tensor<4x16x64x16x64xf32> attributes {entry = "pike_ssd_y_diag", impl = "reference", pike.pattern = "single"} {
    %0 = pike.aten "aten::einsum"(%sc, %lm, %x) {equation = "bcls,bhcls,bcshp->bclhp", operands = ["tensors[]", "tensors[]", "tensors[]"], path} : (tensor<4x16x64x64xf32>, tensor<4x16x16x64x64xf32>, tensor<4x16x64x16x64xf32>) -> tensor<4x16x64x16x64xf32>
    pike.yield %0 : tensor<4x16x64x16x64xf32>
  }
}
