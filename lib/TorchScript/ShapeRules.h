// Result shapes of operators that LibTorch, without Python, cannot run on meta
// tensors (their meta kernels live in torch/_meta_registrations.py): the
// convolutions, the normalisations, relu and friends, flip/roll/channel_shuffle,
// where, rfft/irfft.
// Each rule also makes the operator's own shape checks, with its own message,
// so a wrong input spec is still reported where the model breaks.
#ifndef PIKE_LIB_TORCHSCRIPT_SHAPERULES_H
#define PIKE_LIB_TORCHSCRIPT_SHAPERULES_H

#include <torch/csrc/jit/ir/ir.h>

#include <string>

namespace pike {

enum class RuleResult { NoRule, Inferred, Failed };

/// With `stack` holding the node's inputs (meta tensors), replaces them by its
/// outputs (meta tensors) and returns Inferred; Failed sets `error`; NoRule
/// leaves the stack untouched.
RuleResult inferWithShapeRule(const torch::jit::Node *node, torch::jit::Stack &stack,
                              std::string &error);

} // namespace pike

#endif
