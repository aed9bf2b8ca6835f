#include "pike/Tuning/BuiltinProposer.h"

#include "pike/Codegen/Codegen.h"

#include "mlir/IR/Diagnostics.h"

#include <algorithm>

using namespace pike;

search::Proposal BuiltinProposer::propose(const search::TaskSpec &task,
                                          const std::vector<const search::Candidate *> &parents,
                                          uint64_t seed) {
  return propose(task, parents, search::ProposalContext{seed, 0});
}

search::Proposal BuiltinProposer::propose(const search::TaskSpec &task,
                                          const std::vector<const search::Candidate *> &parents,
                                          const search::ProposalContext &ctx) {
  std::lock_guard<std::mutex> lock(mutex);
  search::Proposal p;
  p.origin = "builtin";
  auto it = slots.find(task.regionName);
  if (it == slots.end()) {
    p.failure = "no slot named '" + task.regionName + "'";
    return p;
  }
  KernelOp kernel = it->second;
  std::vector<codegen::Knobs> space;
  for (const codegen::Knobs &k : codegen::candidateKnobs(kernel))
    if (codegen::policyAllows(policy, k))
      space.push_back(k);
  std::stable_partition(space.begin(), space.end(),
                        [&](const codegen::Knobs &k) { return codegen::usesPolicy(policy, k); });
  if (space.empty()) {
    p.failure = "the built-in generator has no strategy for this slot";
    return p;
  }
  // Explore the ordered knob space first; afterwards mutate a chosen parent.
  // Only the plan's index and seed decide, never how often we were called: a
  // resumed search does not call us for the proposals it replays.
  codegen::Knobs knobs;
  uint64_t index = static_cast<uint64_t>(std::max<int64_t>(0, ctx.index));
  if (index < space.size() || parents.empty()) {
    knobs = space[index % space.size()];
  } else {
    knobs = codegen::mutate(kernel, codegen::Knobs::fromJson(parents.front()->code.knobs), ctx.seed);
    p.origin = "builtin-mutation";
  }
  knobs = codegen::withPolicy(knobs, policy);
  // Keep generator diagnostics out of the user's stream: they become the failure text.
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler capture(kernel.getContext(), [&](mlir::Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return mlir::success();
  });
  mlir::FailureOr<codegen::GeneratedKernel> gen = codegen::generate(kernel, knobs);
  if (mlir::failed(gen)) {
    p.failure = diagnostics.empty() ? "the built-in generator failed" : diagnostics;
    return p;
  }
  search::CandidateCode code;
  code.source = gen->source;
  code.mode = gen->mode;
  code.entry = gen->entry;
  code.launches = gen->launches;
  code.knobs = gen->knobs.toJson();
  // The worker reads candidate flags from knobs["flags"] (e.g. -lcudnn for cuDNN calls).
  if (!gen->linkFlags.empty())
    code.knobs["flags"] = gen->linkFlags;
  p.code = code;
  return p;
}
