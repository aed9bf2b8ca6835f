#ifndef PIKE_OPS_TD
#define PIKE_OPS_TD

include "pike/Dialect/PikeDialect.td"
include "pike/Dialect/PikeEnums.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def Pike_AtenOp : Pike_Op<"aten", [Pure]> {
  let summary = "An ATen operator with static shapes";
  let description = [{
    `name` is the ATen operator (`aten::conv2d`). Tensor arguments are operands,
    in schema order; `operands` names the schema argument each operand binds to
    (a `[]` suffix marks an element of a Tensor[] argument). Every other schema
    argument is a named attribute; a unit attribute stands for None.

    ```mlir
    %y = pike.aten "aten::relu"(%x) {operands = ["self"]} : (tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, Variadic<Pike_Tensor>:$inputs);
  let results = (outs Variadic<Pike_Tensor>:$outputs);
  let assemblyFormat = "$name `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Schema argument names of the operands, from the `operands` attribute.
    llvm::SmallVector<llvm::StringRef> getOperandArgNames();
    /// Attributes that are schema arguments (everything but name/operands).
    llvm::SmallVector<mlir::NamedAttribute> getScalarArgs();
  }];
}

def Pike_ConstantOp : Pike_Op<"constant", [Pure, ConstantLike]> {
  let summary = "A small tensor constant kept inline";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Pike_Tensor:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Pike_WeightOp : Pike_Op<"weight", [Pure]> {
  let summary = "A parameter stored in the module's external weights file";
  let description = [{
    Names a tensor in the safetensors file given by the module attribute
    `pike.weights_file`; the IR never holds large tensors as text.
  }];
  let arguments = (ins StrAttr:$weight_name);
  let results = (outs Pike_Tensor:$result);
  let assemblyFormat = "$weight_name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Pike_OpaqueOp : Pike_Op<"opaque", []> {
  let summary = "TorchScript the importer could not lower, with the reason";
  let arguments = (ins StrAttr:$kind, StrAttr:$reason, Variadic<AnyType>:$inputs);
  let results = (outs Variadic<AnyType>:$outputs);
  let assemblyFormat = "$kind `(` $inputs `)` `reason` $reason attr-dict `:` functional-type($inputs, $outputs)";
  let hasVerifier = 1;
}

def Pike_YieldOp : Pike_Op<"yield", [Pure, Terminator, ReturnLike,
    ParentOneOf<["FusionGroupOp", "KernelOp"]>]> {
  let summary = "Results of a fusion group or kernel body";
  let arguments = (ins Variadic<Pike_Tensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
  let hasVerifier = 1;
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, mlir::ValueRange()); }]>];
}

def Pike_FusionGroupOp : Pike_Op<"fusion_group", [IsolatedFromAbove,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "Ops that will become one kernel";
  let description = [{
    Block arguments stand for the operands, so the body is closed and can be
    outlined as is. `pattern` says why the ops were grouped (a `FusionPattern`:
    `elementwise`, `gemm_epilogue`, `conv_epilogue`, `norm_activation`,
    `softmax`, `attention`, `reduction`, `single`).
  }];
  let arguments = (ins Variadic<Pike_Tensor>:$inputs, StrAttr:$pattern);
  let results = (outs Variadic<Pike_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$pattern `(` $inputs `)` `:` functional-type($inputs, $outputs) attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `pattern` as the enum (the verifier has checked it names one).
    FusionPattern getPatternKind() { return *symbolizeFusionPattern(getPattern()); }
  }];
}

def Pike_KernelOp : Pike_Op<"kernel", [IsolatedFromAbove, Symbol,
    FunctionOpInterface, SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "An outlined kernel slot: reference body, C ABI entry and CUDA source";
  let description = [{
    The body is the reference semantics (the grouped ops). `entry` is the C ABI
    symbol (see pike/Runtime/KernelABI.h). `impl` (a `KernelImpl`) says how the slot runs:
    `reference` (the body through LibTorch, no CUDA yet), `nvcc` (host launcher +
    kernels in `source`) or `nvrtc` (device-only `source` with static `launches`).
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs,
                       StrAttr:$entry,
                       StrAttr:$impl,
                       OptionalAttr<StrAttr>:$source,
                       OptionalAttr<ArrayAttr>:$launches);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `impl` as the enum (the verifier has checked it names one).
    KernelImpl getImplKind() { return *symbolizeKernelImpl(getImpl()); }
    mlir::Region *getCallableRegion() { return &getBody(); }
    llvm::ArrayRef<mlir::Type> getArgumentTypes() { return getFunctionType().getInputs(); }
    llvm::ArrayRef<mlir::Type> getResultTypes() { return getFunctionType().getResults(); }
  }];
}

def Pike_CallOp : Pike_Op<"call", [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Runs a kernel slot";
  let arguments = (ins FlatSymbolRefAttr:$callee, Variadic<Pike_Tensor>:$inputs);
  let results = (outs Variadic<Pike_Tensor>:$outputs);
  let assemblyFormat = "$callee `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs)";
}

#endif
