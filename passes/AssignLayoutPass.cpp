// pike-assign-layout: which kernel slots store their rank-4 tensors
// channels-last (pike.layout = "nhwc", pike/Dialect/SlotLayout.h).
#include "pike/Dialect/SlotLayout.h"
#include "pike/Passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SetVector.h"

namespace pike {
#define GEN_PASS_DEF_PIKEASSIGNLAYOUT
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {

bool isImageTensor(Type t) {
  auto tt = dyn_cast<RankedTensorType>(t);
  return tt && tt.getRank() == 4 && isa<FloatType>(tt.getElementType());
}

bool hasImageTensor(KernelOp k) {
  FunctionType ft = k.getFunctionType();
  return llvm::any_of(ft.getInputs(), isImageTensor) || llvm::any_of(ft.getResults(), isImageTensor);
}

/// The 2-d convolutions of a slot (ATen convolutions whose input has rank 4):
/// whether it has one, and whether one reads a single input channel (a
/// grayscale image). Such an input is the same memory in both layouts, and
/// cuDNN's channels-last engines ran it 2x slower than the NCHW ones (LeNet-5's
/// 1 -> 6 channel 5x5 at batch 4096 on the H100: 394 vs 195 us,
/// test/gpu/codegen/nhwc-few-channel-shapes.mlir), so such a slot stays NCHW
/// and, like a slot with code, stops the spread.
struct Convolutions2d {
  bool any = false;
  bool singleChannel = false;
};
Convolutions2d convolutions2d(KernelOp k) {
  Convolutions2d c;
  k.walk([&](AtenOp a) {
    llvm::StringRef n = a.getName();
    if (!(n.starts_with("aten::conv") || n == "aten::_convolution") || a.getInputs().empty() ||
        !isImageTensor(a.getInputs().front().getType()))
      return;
    c.any = true;
    c.singleChannel |= cast<RankedTensorType>(a.getInputs().front().getType()).getDimSize(1) == 1;
  });
  return c;
}

/// Ops outside slots that the channels-last part spreads through: they keep
/// the meaning of N, C, H, W (a reshape or permute of a rank-4 value does not).
bool keepsImageDims(Operation *op) {
  auto a = dyn_cast<AtenOp>(op);
  if (!a)
    return false;
  llvm::StringRef n = a.getName();
  if (n.contains("view") || n.contains("reshape") || n.contains("permute") || n.contains("transpose") ||
      n.contains("flatten") || n.contains("unflatten") || n.contains("squeeze") || n.contains("expand") ||
      n.contains("unfold") || n.contains("pixel_shuffle") || n.contains("channel_shuffle") ||
      n.contains("select") || n.contains("slice") || n.contains("narrow") || n.contains("split") ||
      n.contains("chunk"))
    return false;
  return llvm::all_of(op->getOperandTypes(), [](Type t) { return !isa<RankedTensorType>(t) || isImageTensor(t); }) &&
         llvm::all_of(op->getResultTypes(), isImageTensor);
}

struct AssignLayoutPass : public pike::impl::PikeAssignLayoutBase<AssignLayoutPass> {
  using PikeAssignLayoutBase::PikeAssignLayoutBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (layout != "auto" && layout != "nhwc" && layout != "nchw") {
      module.emitError() << "pike-assign-layout: layout must be auto, nhwc or nchw, not '" << layout << "'";
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    SmallVector<KernelOp> kernels;
    module.walk([&](KernelOp k) {
      // A slot with code keeps the layout its code was written for.
      if (k.getImpl() == "reference")
        kernels.push_back(k);
    });
    llvm::DenseSet<Operation *> marked;
    if (layout == "nhwc") {
      for (KernelOp k : kernels)
        if (hasImageTensor(k))
          marked.insert(k);
    } else if (layout == "auto") {
      marked = channelsLastPart(module, symbols);
    }
    // A channels-last result read by a view or reshape would not be viewable
    // (TorchScript's aten::view needs compatible strides): such slots stay NCHW.
    module.walk([&](CallOp c) {
      KernelOp k = symbols.lookup<KernelOp>(c.getCallee());
      if (!k || !marked.contains(k))
        return;
      for (Value r : c->getResults()) {
        auto t = dyn_cast<RankedTensorType>(r.getType());
        if (!isImageTensor(r.getType()) || t.getDimSize(2) * t.getDimSize(3) == 1)
          continue; // the same memory in both layouts
        for (Operation *user : r.getUsers())
          if (!isa<CallOp>(user) && !user->hasTrait<OpTrait::ReturnLike>() && !keepsImageDims(user))
            marked.erase(k);
      }
    });
    Builder b(module.getContext());
    for (KernelOp k : kernels) {
      if (marked.contains(k))
        k->setAttr(kLayoutAttr, b.getStringAttr(kLayoutNhwc));
      else
        k->removeAttr(kLayoutAttr);
    }
  }

  /// The slots reached from 2-d convolutions through rank-4 floating values.
  llvm::DenseSet<Operation *> channelsLastPart(ModuleOp module, SymbolTable &symbols) {
    llvm::DenseSet<Operation *> out;
    llvm::SetVector<Value> part;
    // Slots the part may hold, each body walked once: reference bodies (code
    // keeps its layout) without a single-channel convolution; those with a 2-d
    // convolution seed the part.
    llvm::DenseMap<Operation *, bool> eligible; // slot -> has a 2-d convolution
    module.walk([&](KernelOp k) {
      if (k.getImpl() != "reference")
        return;
      Convolutions2d c = convolutions2d(k);
      if (!c.singleChannel)
        eligible[k] = c.any;
    });
    auto calleeOf = [&](CallOp c) {
      KernelOp k = symbols.lookup<KernelOp>(c.getCallee());
      return k && eligible.count(k) ? k : KernelOp();
    };
    auto addImageValues = [&](Operation *op) {
      for (Value v : op->getOperands())
        if (isImageTensor(v.getType()))
          part.insert(v);
      for (Value v : op->getResults())
        if (isImageTensor(v.getType()))
          part.insert(v);
    };
    module.walk([&](CallOp c) {
      if (KernelOp k = calleeOf(c); k && eligible.lookup(k))
        addImageValues(c);
    });
    // Grows `part` (a SetVector: values appended while iterating are visited too).
    auto spread = [&](Operation *op) {
      if (auto c = dyn_cast<CallOp>(op)) {
        if (calleeOf(c))
          addImageValues(c);
      } else if (keepsImageDims(op)) {
        addImageValues(op);
      }
    };
    for (size_t i = 0; i < part.size(); ++i) {
      Value v = part[i];
      if (Operation *def = v.getDefiningOp())
        spread(def);
      for (Operation *user : v.getUsers())
        spread(user);
    }
    module.walk([&](CallOp c) {
      KernelOp k = calleeOf(c);
      if (!k)
        return;
      bool touches = llvm::any_of(c->getOperands(), [&](Value v) { return part.contains(v); }) ||
                     llvm::any_of(c->getResults(), [&](Value v) { return part.contains(v); });
      if (touches)
        out.insert(k);
    });
    return out;
  }
};

} // namespace
