// pike-llm-search: the PIKE method's proposal and error-fix agents as a pass.
#ifdef PIKE_HAVE_LLM
#include "pike/LLM/Agents.h"
#include "pike/Dialect/AttrNames.h"
#include "pike/LLM/Client.h"
#include "pike/LLM/Options.h"
#endif
#include "pike/Tuning/CheckedEvaluator.h"
#include "pike/Passes/Passes.h"
#include "pike/Passes/SlotSearchPassBase.h"
#include "pike/Tuning/SlotSearch.h"

namespace pike {
#define GEN_PASS_DEF_PIKELLMSEARCH
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {
struct LLMSearchPass : public SlotSearchPassBase<pike::impl::PikeLLMSearchBase<LLMSearchPass>> {
  using SlotSearchPassBase::SlotSearchPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
#ifndef PIKE_HAVE_LLM
    module.emitError() << "this pike-opt was built without the LLM clients (PIKE_ENABLE_LLM=OFF)";
    return signalPassFailure();
#else
    // Before any client starts.
    FailureOr<SlotSearchConfig> config = slotSearchConfig();
    if (failed(config) || failed(checkSlotOrder(module, order)) ||
        failed(checkSearchTime(module, searchTime, minSlotTime)))
      return signalPassFailure();
    llm::LLMOptions options;
    if (std::string err = options.parse(llm); !err.empty()) {
      module.emitError() << "bad llm options: " << err;
      return signalPassFailure();
    }
    // llm-record= / llm-replay= (pike-opt --llm-record / --llm-replay).
    if (options.recordDir.empty())
      options.recordDir = llmRecord;
    if (options.replayDir.empty())
      options.replayDir = llmReplay;
    std::shared_ptr<llm::LLMClient> client;
    std::unique_ptr<llm::ProposalAgent> proposer;
    std::unique_ptr<llm::FixAgent> fixer;
    try {
      client = std::make_shared<llm::LLMClient>(options);
      proposer = std::make_unique<llm::ProposalAgent>(client, llm::AgentOptions(options));
      fixer = std::make_unique<llm::FixAgent>(client, llm::AgentOptions(options));
    } catch (const std::exception &e) {
      module.emitError() << "cannot start the LLM agents: " << e.what();
      return signalPassFailure();
    }
    config->provenance = "llm " + options.provider + "/" + options.model;
    // The client's ledger enforces budget-usd / max-queries within this process.
    // A resumed search charges it with what its checkpoint says was paid before,
    // so the caps stop it where an uninterrupted run would have stopped.
    config->onResume = [client](const search::Spend &paid) {
      llm::Ledger &ledger = client->ledger();
      for (int64_t q = 0; q < paid.queries; ++q) {
        try {
          ledger.reserve(client->model());
        } catch (const llm::LLMError &) {
          break; // a cap is reached: it stays reached, whatever else is charged
        }
      }
      ledger.charge(client->model(), llm::Usage{paid.promptTokens, paid.completionTokens}, paid.usd);
    };
    if (check)
      config->wrapEvaluator = [](std::unique_ptr<search::Evaluator> inner) {
        return std::unique_ptr<search::Evaluator>(new CheckedEvaluator(std::move(inner)));
      };
    // The search's own total, not the agents': after a resume the agents have
    // seen only this run's calls, the replayed ones were paid for before.
    search::Spend spend;
    if (failed(runSlotSearch(module, *config, *proposer, fixer.get(),
                             [](const std::string &, KernelOp) {}, &spend)))
      return signalPassFailure();
    Builder b(module.getContext());
    module->setAttr(pike::kLlmQueriesAttr, b.getI64IntegerAttr(spend.queries));
    module->setAttr(pike::kLlmUsdAttr, b.getF64FloatAttr(spend.usd));
#endif
  }
};
} // namespace
