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
    config->provenance = "builtin";
    BuiltinProposer proposer(config->precision);
    if (failed(runSlotSearch(getOperation(), *config, proposer, /*fixer=*/nullptr,
                             [&](const std::string &name, KernelOp k) { proposer.addSlot(name, k); })))
      signalPassFailure();
  }
};
} // namespace
