// einsum slots the generator refuses keep their reference with a remark.
// RUN: pike-opt %s -pike-generate-kernels -verify-diagnostics -split-input-file | FileCheck %s

// CHECK-LABEL: pike.kernel @three
// CHECK-SAME: impl = "reference"
pike.kernel @three(%a0: tensor<2x3x4xf32>, %a1: tensor<2x4x5xf32>, %a2: tensor<2x5x6xf32>) -> tensor<2x3x6xf32> attributes {entry = "pike_three", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'three': einsum 'bij,bjk,bkl->bil': no operand only scales another or the result (a chain of two contractions); no code generator}}
  %0 = pike.aten "aten::einsum"(%a0, %a1, %a2) {equation = "bij,bjk,bkl->bil", operands = ["tensors[]", "tensors[]", "tensors[]"], path} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, tensor<2x5x6xf32>) -> tensor<2x3x6xf32>
  pike.yield %0 : tensor<2x3x6xf32>
}

// -----

// Mamba-2's intra-chunk outputs (level3/27): C B^T, then the decay, then x: two
// contractions (over n, then s).
// CHECK-LABEL: pike.kernel @four
// CHECK-SAME: impl = "reference"
pike.kernel @four(%c: tensor<2x3x5x4xf32>, %b: tensor<2x3x5x4xf32>, %l: tensor<2x3x3x5x5xf32>, %x: tensor<2x3x5x3x6xf32>) -> tensor<2x3x5x3x6xf32> attributes {entry = "pike_four", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'four': einsum 'bcln,bcsn,bhcls,bcshp->bclhp': only two-operand contractions (and a third operand that scales one of them or the result) have a code generator}}
  %0 = pike.aten "aten::einsum"(%c, %b, %l, %x) {equation = "bcln,bcsn,bhcls,bcshp->bclhp", operands = ["tensors[]", "tensors[]", "tensors[]", "tensors[]"], path} : (tensor<2x3x5x4xf32>, tensor<2x3x5x4xf32>, tensor<2x3x3x5x5xf32>, tensor<2x3x5x3x6xf32>) -> tensor<2x3x5x3x6xf32>
  pike.yield %0 : tensor<2x3x5x3x6xf32>
}

// -----

// CHECK-LABEL: pike.kernel @ellipsis
// CHECK-SAME: impl = "reference"
pike.kernel @ellipsis(%a0: tensor<2x3x4xf32>, %a1: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> attributes {entry = "pike_ellipsis", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'ellipsis': einsum with an ellipsis ('...') has no code generator}}
  %0 = pike.aten "aten::einsum"(%a0, %a1) {equation = "...ij,...jk->...ik", operands = ["tensors[]", "tensors[]"], path} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  pike.yield %0 : tensor<2x3x5xf32>
}

// -----

// CHECK-LABEL: pike.kernel @diagonal
// CHECK-SAME: impl = "reference"
pike.kernel @diagonal(%a0: tensor<4x4xf32>, %a1: tensor<4xf32>) -> tensor<4xf32> attributes {entry = "pike_diagonal", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'diagonal': einsum 'ii,i->i' repeats an index in one term (diagonal) and has no code generator}}
  %0 = pike.aten "aten::einsum"(%a0, %a1) {equation = "ii,i->i", operands = ["tensors[]", "tensors[]"], path} : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4xf32>
  pike.yield %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: pike.kernel @rowsum
// CHECK-SAME: impl = "reference"
pike.kernel @rowsum(%a0: tensor<3x4xf32>, %a1: tensor<4x5xf32>) -> tensor<5xf32> attributes {entry = "pike_rowsum", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'rowsum': einsum index 'i' is summed within one operand only; no code generator}}
  %0 = pike.aten "aten::einsum"(%a0, %a1) {equation = "ij,jk->k", operands = ["tensors[]", "tensors[]"], path} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<5xf32>
  pike.yield %0 : tensor<5xf32>
}

// -----

// CHECK-LABEL: pike.kernel @kperm
// CHECK-SAME: impl = "reference"
pike.kernel @kperm(%a0: tensor<2x3x4xf32>, %a1: tensor<4x3x2xf32>) -> tensor<f32> attributes {entry = "pike_kperm", impl = "reference", pike.pattern = "single"} {
  // expected-remark @+1 {{cannot generate a kernel for slot 'kperm': einsum 'ijk,kji->': the contracted indices are not adjacent in the same order in both operands; no code generator}}
  %0 = pike.aten "aten::einsum"(%a0, %a1) {equation = "ijk,kji->", operands = ["tensors[]", "tensors[]"], path} : (tensor<2x3x4xf32>, tensor<4x3x2xf32>) -> tensor<f32>
  pike.yield %0 : tensor<f32>
}
