// Two-operand einsum contractions: plain batched GEMMs (GEMM planner) and
// strided ones (einsum generator), with an elementwise epilogue.
module {
  // Plain bmm: GEMM planner.
  pike.kernel @bmm(%a: tensor<3x5x7xf32>, %b: tensor<3x7x6xf32>) -> tensor<3x5x6xf32> attributes {entry = "pike_bmm", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "bij,bjk->bik", operands = ["tensors[]", "tensors[]"], path} : (tensor<3x5x7xf32>, tensor<3x7x6xf32>) -> tensor<3x5x6xf32>
    pike.yield %0 : tensor<3x5x6xf32>
  }
  // Mamba-2 scores C B^T: GEMM planner with B transposed.
  pike.kernel @nt(%a: tensor<2x3x9x5xf32>, %b: tensor<2x3x11x5xf32>) -> tensor<2x3x9x11xf32> attributes {entry = "pike_nt", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "bcln,bcsn->bcls", operands = ["tensors[]", "tensors[]"], path} : (tensor<2x3x9x5xf32>, tensor<2x3x11x5xf32>) -> tensor<2x3x9x11xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x3x9x11xf32>) -> tensor<2x3x9x11xf32>
    pike.yield %1 : tensor<2x3x9x11xf32>
  }
  // Implicit output (ik).
  pike.kernel @implicit(%a: tensor<6x4xf32>, %b: tensor<4x5xf32>) -> tensor<6x5xf32> attributes {entry = "pike_implicit", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "ij,jk", operands = ["tensors[]", "tensors[]"], path} : (tensor<6x4xf32>, tensor<4x5xf32>) -> tensor<6x5xf32>
    pike.yield %0 : tensor<6x5xf32>
  }
  // Mamba-2 chunk-state passing: batch (b,h) strided in B and the output.
  pike.kernel @ssd_states(%a: tensor<2x3x4x5xf32>, %b: tensor<2x5x3x6x7xf32>) -> tensor<2x4x3x6x7xf32> attributes {entry = "pike_ssd_states", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "bhzc,bchpn->bzhpn", operands = ["tensors[]", "tensors[]"], path} : (tensor<2x3x4x5xf32>, tensor<2x5x3x6x7xf32>) -> tensor<2x4x3x6x7xf32>
    %1 = pike.aten "aten::relu"(%0) {operands = ["self"]} : (tensor<2x4x3x6x7xf32>) -> tensor<2x4x3x6x7xf32>
    pike.yield %1 : tensor<2x4x3x6x7xf32>
  }
  // MLA absorbed projection: batch h in the middle.
  pike.kernel @mla(%a: tensor<4x3x8xf32>, %b: tensor<3x8x10xf32>) -> tensor<4x3x10xf32> attributes {entry = "pike_mla", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "bhd,hdc->bhc", operands = ["tensors[]", "tensors[]"], path} : (tensor<4x3x8xf32>, tensor<3x8x10xf32>) -> tensor<4x3x10xf32>
    pike.yield %0 : tensor<4x3x10xf32>
  }
  // MoE combine: batch t, contraction e, M empty.
  pike.kernel @moe_comb(%a: tensor<6x4xf32>, %b: tensor<4x6x5xf32>) -> tensor<6x5xf32> attributes {entry = "pike_moe_comb", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "te,etd->td", operands = ["tensors[]", "tensors[]"], path} : (tensor<6x4xf32>, tensor<4x6x5xf32>) -> tensor<6x5xf32>
    pike.yield %0 : tensor<6x5xf32>
  }
  // MoE up projection: A broadcast over the expert batch.
  pike.kernel @moe_up(%a: tensor<6x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<3x6x5xf32> attributes {entry = "pike_moe_up", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "td,edf->etf", operands = ["tensors[]", "tensors[]"], path} : (tensor<6x8xf32>, tensor<3x8x5xf32>) -> tensor<3x6x5xf32>
    %1 = pike.aten "aten::sigmoid"(%0) {operands = ["self"]} : (tensor<3x6x5xf32>) -> tensor<3x6x5xf32>
    pike.yield %1 : tensor<3x6x5xf32>
  }
  // Outer product: K empty.
  pike.kernel @outer(%a: tensor<7xf32>, %b: tensor<9xf32>) -> tensor<7x9xf32> attributes {entry = "pike_outer", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "i,j->ij", operands = ["tensors[]", "tensors[]"], path} : (tensor<7xf32>, tensor<9xf32>) -> tensor<7x9xf32>
    pike.yield %0 : tensor<7x9xf32>
  }
  // RWKV decay: batch c innermost, strided everything.
  pike.kernel @rwkv(%a: tensor<5x6x4xf32>, %b: tensor<3x6x4xf32>) -> tensor<3x5x4xf32> attributes {entry = "pike_rwkv", impl = "reference", pike.pattern = "gemm_epilogue"} {
    %0 = pike.aten "aten::einsum"(%a, %b) {equation = "tic,bic->btc", operands = ["tensors[]", "tensors[]"], path} : (tensor<5x6x4xf32>, tensor<3x6x4xf32>) -> tensor<3x5x4xf32>
    pike.yield %0 : tensor<3x5x4xf32>
  }
}
