// Unrolls the `for` loops of a TorchScript graph whose trip counts the shape
// probe found (a scripted model's `for t in range(x.shape[0])`): pike lowers
// straight-line graphs only, and a scripted loop is far cheaper for LibTorch to
// load than the same loop unrolled by tracing (the GRU stack: 9k nodes).
#ifndef PIKE_LIB_TORCHSCRIPT_LOOPUNROLL_H
#define PIKE_LIB_TORCHSCRIPT_LOOPUNROLL_H

#include <torch/csrc/jit/ir/ir.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace pike {

/// Replaces each top-level prim::Loop whose condition is constant true (a
/// `for` loop) and whose trip count `tripCountOf` knows by that many copies of
/// its body, until the graph would exceed `maxNodes` nodes. Returns how many
/// loops it unrolled.
int unrollForLoops(torch::jit::Graph &graph,
                   const std::function<std::optional<int64_t>(const torch::jit::Value *)> &tripCountOf,
                   size_t maxNodes);

} // namespace pike

#endif
