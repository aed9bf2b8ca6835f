// pike-outline: every pike.fusion_group becomes a pike.kernel slot (reference
// body, C ABI entry symbol) and a pike.call to it.
#include "pike/Passes/Passes.h"
#include "pike/Dialect/AttrNames.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace pike {
#define GEN_PASS_DEF_PIKEOUTLINE
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {
struct OutlinePass : public pike::impl::PikeOutlineBase<OutlinePass> {
  using PikeOutlineBase::PikeOutlineBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<FusionGroupOp> groups;
    module.walk([&](FusionGroupOp g) { groups.push_back(g); });
    unsigned index = 0;
    for (FusionGroupOp group : groups) {
      std::string name;
      do {
        name = prefix + std::to_string(index++);
      } while (symbols.lookup(name));
      OpBuilder b(module.getContext());
      b.setInsertionPointToEnd(module.getBody());
      auto type = b.getFunctionType(group.getInputs().getTypes(), group.getResultTypes());
      auto kernel = b.create<KernelOp>(group.getLoc(), name, type, /*arg_attrs=*/nullptr,
                                       /*res_attrs=*/nullptr, "pike_" + name, "reference",
                                       /*source=*/nullptr, /*launches=*/nullptr);
      kernel->setAttr(pike::kPatternAttr, group.getPatternAttr());
      kernel.getBody().takeBody(group.getBody());
      symbols.insert(kernel);
      b.setInsertionPoint(group);
      auto call = b.create<CallOp>(group.getLoc(), group.getResultTypes(),
                                   FlatSymbolRefAttr::get(kernel.getSymNameAttr()),
                                   group.getInputs());
      group.replaceAllUsesWith(call.getResults());
      group.erase();
    }
  }
};
} // namespace
