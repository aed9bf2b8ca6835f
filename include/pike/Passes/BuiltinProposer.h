// The LLM-free proposer: the built-in generator's knob space first, then
// deterministic mutations of the parents the search driver picked.
#ifndef PIKE_PASSES_BUILTINPROPOSER_H
#define PIKE_PASSES_BUILTINPROPOSER_H

#include "pike/Dialect/PikeOps.h"
#include "pike/Search/Interfaces.h"

#include <map>
#include <mutex>

namespace pike {

class BuiltinProposer : public search::Proposer {
public:
  explicit BuiltinProposer(bool allowTF32) : allowTF32(allowTF32) {}
  void addSlot(const std::string &regionName, KernelOp kernel) { slots[regionName] = kernel; }

  search::Proposal propose(const search::TaskSpec &task,
                           const std::vector<const search::Candidate *> &parents,
                           uint64_t seed) override;

private:
  bool allowTF32;
  std::map<std::string, KernelOp> slots;
  std::map<std::string, size_t> nextKnob; // next unexplored entry of candidateKnobs
  std::mutex mutex;                       // MLIR diagnostics and codegen are not reentrant
};

} // namespace pike

#endif
