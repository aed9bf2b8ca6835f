// pike-search: the evolutionary search over every reference slot with the
// built-in (LLM-free) proposer.
#include "pike/Passes/Passes.h"
#include "pike/Passes/SlotSearchPassBase.h"
#include "pike/Tuning/BuiltinProposer.h"
#include "pike/Tuning/SlotSearch.h"

namespace pike {
#define GEN_PASS_DEF_PIKESEARCH
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {
struct SearchPass : public SlotSearchPassBase<pike::impl::PikeSearchBase<SearchPass>> {
  using SlotSearchPassBase::SlotSearchPassBase;

  void runOnOperation() override {
    FailureOr<SlotSearchConfig> config = slotSearchConfig();
    if (failed(config))
      return signalPassFailure();
    config->precision = allowTF32 ? "tf32 allowed in generated GEMMs" : "fp32 kernels (convolution kernels: TF32 where the exported convolution allows it, as cuDNN does); PyTorch ops keep its TF32 settings";
    config->provenance = "builtin";
    BuiltinProposer proposer(allowTF32);
    if (failed(runSlotSearch(getOperation(), *config, proposer, /*fixer=*/nullptr,
                             [&](const std::string &name, KernelOp k) { proposer.addSlot(name, k); })))
      signalPassFailure();
  }
};
} // namespace
