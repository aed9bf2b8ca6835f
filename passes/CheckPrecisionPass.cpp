// pike-check-precision: a relaxed policy (tf32, bf16, fp16) rounds what
// matmuls, attention and convolutions compute; discrete decisions taken on
// those values (top-k routing, argmax, sorting, comparisons, max-pool indices,
// rounding to integers) can then flip, which no tolerance absorbs. Warn there.
#include "pike/Dialect/PikeOps.h"
#include "pike/Passes/Passes.h"
#include "pike/Support/Precision.h"

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

/// Ops whose results a relaxed policy rounds: cuBLAS/cuDNN with TF32 allowed,
/// generated GEMMs and attention with TF32 or 16-bit operands.
bool roundsUnderPolicy(StringRef name) {
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
      "aten::kthvalue", "aten::multinomial", "aten::max_pool1d_with_indices",
      "aten::max_pool2d_with_indices", "aten::max_pool3d_with_indices",
      "aten::adaptive_max_pool1d", "aten::adaptive_max_pool2d", "aten::searchsorted",
      "aten::bucketize", "aten::round", "aten::floor", "aten::ceil", "aten::sign",
      "aten::unique", "aten::nonzero"};
  return ops.contains(name);
}

struct CheckPrecisionPass : public pike::impl::PikeCheckPrecisionBase<CheckPrecisionPass> {
  using PikeCheckPrecisionBase::PikeCheckPrecisionBase;

  /// Values that depend on a rounded result.
  llvm::DenseSet<Value> rounded;
  /// What rounded them, as the warning says it.
  std::string what;

  void visitAten(AtenOp op) {
    bool fromRounded = llvm::any_of(op.getInputs(), [&](Value v) { return rounded.contains(v); });
    if (fromRounded && decides(op.getName()))
      op.emitWarning() << "--precision=" << policy << ": '" << op.getName()
                       << "' decides on values computed by " << what
                       << "; rounding can change its choice, not only its value (check the "
                          "package's outputs, or keep fp32)";
    if (fromRounded || roundsUnderPolicy(op.getName()))
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
    std::optional<Precision> p = parsePrecision(policy);
    if (!p || *p == Precision::FP32) {
      module.emitError() << "pike-check-precision: policy='" << policy
                         << "' is not a relaxed precision policy (expected tf32, bf16 or fp16)";
      return signalPassFailure();
    }
    what = *p == Precision::TF32 ? std::string("TF32 matmuls or convolutions")
                                 : std::string(precisionName(*p)) +
                                       " matmuls/attention or TF32 convolutions";
    for (auto func : module.getOps<func::FuncOp>())
      for (Block &b : func.getBody())
        visitBlock(b, module);
    rounded.clear();
  }
};
} // namespace
