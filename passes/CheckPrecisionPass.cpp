// pike-check-precision: a TF32 policy rounds what matmuls and convolutions
// compute; discrete decisions taken on those values (top-k routing, argmax,
// sorting, comparisons) can then flip, which no tolerance absorbs. Warn there.
#include "pike/Dialect/PikeOps.h"
#include "pike/Passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

namespace pike {
#define GEN_PASS_DEF_PIKECHECKPRECISION
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {

/// Ops whose results TF32 rounds (cuBLAS/cuDNN with TF32 allowed).
bool roundsUnderTF32(StringRef name) {
  static const llvm::StringSet<> ops = {
      "aten::linear", "aten::matmul", "aten::mm", "aten::bmm", "aten::addmm", "aten::baddbmm",
      "aten::einsum", "aten::_convolution", "aten::conv1d", "aten::conv2d", "aten::conv3d",
      "aten::conv_transpose2d", "aten::scaled_dot_product_attention"};
  return ops.contains(name);
}

/// Ops that turn values into decisions (indices, orders, booleans).
bool decides(StringRef name) {
  static const llvm::StringSet<> ops = {
      "aten::topk", "aten::argmax", "aten::argmin", "aten::sort", "aten::argsort", "aten::max",
      "aten::min", "aten::gt", "aten::lt", "aten::ge", "aten::le", "aten::eq", "aten::ne",
      "aten::kthvalue", "aten::multinomial"};
  return ops.contains(name);
}

struct CheckPrecisionPass : public pike::impl::PikeCheckPrecisionBase<CheckPrecisionPass> {
  using PikeCheckPrecisionBase::PikeCheckPrecisionBase;

  /// Values that depend on a TF32-rounded result.
  llvm::DenseSet<Value> rounded;

  void visitAten(AtenOp op) {
    bool fromRounded = llvm::any_of(op.getInputs(), [&](Value v) { return rounded.contains(v); });
    if (fromRounded && decides(op.getName()))
      op.emitWarning() << "--precision=tf32: '" << op.getName()
                       << "' decides on values computed by TF32 matmuls or convolutions; "
                          "rounding can change its choice, not only its value (check the "
                          "package's outputs, or keep fp32)";
    if (fromRounded || roundsUnderTF32(op.getName()))
      for (Value r : op.getOutputs())
        rounded.insert(r);
  }

  /// Walks a slot's body with its arguments bound to the call's operands.
  void visitCall(CallOp call, ModuleOp module) {
    auto kernel = module.lookupSymbol<KernelOp>(call.getCallee());
    if (!kernel)
      return;
    Block &body = kernel.getBody().front();
    for (auto [arg, operand] : llvm::zip(body.getArguments(), call.getInputs()))
      if (rounded.contains(operand))
        rounded.insert(arg);
    visitBlock(body, module);
    auto yield = cast<YieldOp>(body.getTerminator());
    for (auto [result, yielded] : llvm::zip(call.getOutputs(), yield->getOperands()))
      if (rounded.contains(yielded))
        rounded.insert(result);
  }

  void visitBlock(Block &block, ModuleOp module) {
    for (Operation &op : block) {
      if (auto aten = dyn_cast<AtenOp>(op))
        visitAten(aten);
      else if (auto call = dyn_cast<CallOp>(op))
        visitCall(call, module);
      else
        for (Region &r : op.getRegions())
          for (Block &b : r)
            visitBlock(b, module);
    }
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : module.getOps<func::FuncOp>())
      for (Block &b : func.getBody())
        visitBlock(b, module);
    rounded.clear();
  }
};
} // namespace
