// The LLM-free proposer: the built-in generator's knob space first, then
// deterministic mutations of the parents the search driver picked. Stateless:
// which it does is a function of the proposal's index and seed (ProposalContext),
// so a resumed search proposes exactly what an uninterrupted one would.
#ifndef PIKE_TUNING_BUILTINPROPOSER_H
#define PIKE_TUNING_BUILTINPROPOSER_H

#include "pike/Dialect/PikeOps.h"
#include "pike/Search/Interfaces.h"

#include <map>
#include <mutex>

namespace pike {

class BuiltinProposer : public search::Proposer {
public:
  explicit BuiltinProposer(bool allowTF32) : allowTF32(allowTF32) {}
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
  bool allowTF32;
  std::map<std::string, KernelOp> slots;
  std::mutex mutex; // MLIR diagnostics and codegen are not reentrant
};

} // namespace pike

#endif
