#ifndef PIKE_DIALECT_TD
#define PIKE_DIALECT_TD

include "mlir/IR/OpBase.td"

def Pike_Dialect : Dialect {
  let name = "pike";
  let summary = "Tensor programs imported from TorchScript, their fusion regions and CUDA kernel slots";
  let description = [{
    `pike` keeps PyTorch semantics: every tensor computation is a `pike.aten` op
    naming the ATen operator and carrying its non-tensor arguments as attributes.
    Passes group ops into `pike.fusion_group`s, outline them into `pike.kernel`
    slots with a fixed C ABI and attach CUDA sources to them.
  }];
  let cppNamespace = "::pike";
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 0;
}

class Pike_Op<string mnemonic, list<Trait> traits = []> :
    Op<Pike_Dialect, mnemonic, traits>;

// Static-shape ranked tensors are all pike computes on.
def Pike_Tensor : TensorRankOf<[AnyType], [0, 1, 2, 3, 4, 5, 6, 7, 8]>;

#endif
