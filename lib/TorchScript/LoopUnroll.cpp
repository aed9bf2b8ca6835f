#include "LoopUnroll.h"

#include <torch/csrc/jit/ir/constants.h>

#include <unordered_map>
#include <vector>

namespace tj = torch::jit;

namespace {

bool isTrue(const tj::Value *v) {
  std::optional<bool> b = tj::constant_as<bool>(const_cast<tj::Value *>(v));
  return b && *b;
}

size_t countNodes(const tj::Block *block) {
  size_t n = 0;
  for (const tj::Node *node : block->nodes()) {
    ++n;
    for (const tj::Block *inner : node->blocks())
      n += countNodes(inner);
  }
  return n;
}

/// `trips` copies of the loop's body in front of it, each reading the previous
/// copy's loop-carried results; then the loop's results are the last copy's.
void unroll(tj::Graph &graph, tj::Node *loop, int64_t trips) {
  tj::Block *body = loop->blocks()[0];
  std::vector<tj::Value *> carried(loop->inputs().begin() + 2, loop->inputs().end());
  tj::WithInsertPoint guard(loop);
  for (int64_t i = 0; i < trips; ++i) {
    std::unordered_map<tj::Value *, tj::Value *> env;
    env[body->inputs()[0]] = graph.insertConstant(i);
    for (size_t k = 0; k < carried.size(); ++k)
      env[body->inputs()[k + 1]] = carried[k];
    auto lookup = [&](tj::Value *v) {
      auto it = env.find(v);
      return it != env.end() ? it->second : v;
    };
    for (tj::Node *node : body->nodes()) {
      tj::Node *copy = graph.insertNode(graph.createClone(node, lookup));
      for (size_t o = 0; o < node->outputs().size(); ++o)
        env[node->outputs()[o]] = copy->outputs()[o];
    }
    for (size_t k = 0; k < carried.size(); ++k)
      carried[k] = lookup(body->outputs()[k + 1]);
  }
  for (size_t k = 0; k < carried.size(); ++k)
    loop->outputs()[k]->replaceAllUsesWith(carried[k]);
  loop->destroy();
}

} // namespace

int pike::unrollForLoops(
    tj::Graph &graph, const std::function<std::optional<int64_t>(const tj::Value *)> &tripCountOf,
    size_t maxNodes) {
  std::vector<tj::Node *> loops;
  for (tj::Node *node : graph.nodes())
    if (node->kind() == c10::prim::Loop && isTrue(node->inputs()[1]) &&
        isTrue(node->blocks()[0]->outputs()[0]))
      loops.push_back(node);
  size_t total = countNodes(graph.block());
  int unrolled = 0;
  for (tj::Node *loop : loops) {
    std::optional<int64_t> trips = tripCountOf(loop->inputs()[0]);
    if (!trips || *trips < 0)
      continue;
    size_t bodySize = countNodes(loop->blocks()[0]);
    if (total + static_cast<size_t>(*trips) * (bodySize + 1) > maxNodes)
      continue;
    total += static_cast<size_t>(*trips) * (bodySize + 1);
    unroll(graph, loop, *trips);
    ++unrolled;
  }
  return unrolled;
}
