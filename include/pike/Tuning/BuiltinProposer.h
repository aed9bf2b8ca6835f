// The LLM-free proposer: the built-in generator's knob space first, then
// deterministic mutations of the parents the search driver picked. Stateless:
// which it does is a function of the proposal's index and seed (ProposalContext),
// so a resumed search proposes exactly what an uninterrupted one would.
//
// The precision policy shapes the knob space: entries the policy cannot run
// (mma-tf32 under fp32, mma-half outside bf16/fp16) are left out, the policy's
// own kind of entry goes first, and every proposal carries the policy
// (codegen::withPolicy: TF32 and 16-bit operands where it allows them).
#ifndef PIKE_TUNING_BUILTINPROPOSER_H
#define PIKE_TUNING_BUILTINPROPOSER_H

#include "pike/Dialect/PikeOps.h"
#include "pike/Search/Interfaces.h"
#include "pike/Support/Precision.h"

#include <map>
#include <mutex>

namespace pike {

class BuiltinProposer : public search::Proposer {
public:
  explicit BuiltinProposer(Precision policy) : policy(policy) {}
  void addSlot(const std::string &regionName, KernelOp kernel) { slots[regionName] = kernel; }

  /// Proposal `ctx.index` of a task: entry `index` of the slot's knob space
  /// while there are unexplored entries (or no parent to mutate; the space is
  /// then walked again from the start), afterwards a mutation of the first parent
  /// seeded by `ctx.seed`.
  search::Proposal propose(const search::TaskSpec &task,
                           const std::vector<const search::Candidate *> &parents,
                           const search::ProposalContext &ctx) override;
  /// Without a place in a plan: as proposal 0 (the first knob-space entry).
  search::Proposal propose(const search::TaskSpec &task,
                           const std::vector<const search::Candidate *> &parents,
                           uint64_t seed) override;

private:
  Precision policy;
  std::map<std::string, KernelOp> slots;
  std::mutex mutex; // MLIR diagnostics and codegen are not reentrant
};

} // namespace pike

#endif
