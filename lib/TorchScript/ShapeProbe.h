// Shapes, dtypes and static values of every value of a frozen TorchScript
// graph, from the input spec, without running the model's compute.
//
// The graph's top-level nodes are evaluated one by one. Nodes whose inputs are
// all static (constants, tensor metadata and arithmetic on them) run for real on
// the CPU: the importer folds their results into attributes and constants. Every
// other node runs on meta tensors (shape and dtype only, no data, no memory): the
// spec's inputs, the weights and any static tensor they meet become meta tensors.
// When a node cannot run on meta tensors (its result's shape depends on data, or
// the operator has no meta kernel), the probe is repeated for real, on random
// inputs of the spec's sizes, and the importer says so in a remark.
#ifndef PIKE_LIB_TORCHSCRIPT_SHAPEPROBE_H
#define PIKE_LIB_TORCHSCRIPT_SHAPEPROBE_H

#include "pike/TorchScript/InputSpec.h"

#include <torch/csrc/jit/ir/ir.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace pike {

enum class ProbeMode {
  Meta, // shapes only: non-static nodes run on meta tensors
  Real, // every node runs on CPU tensors of the spec's sizes
};

/// Where and why evaluation stopped.
struct ProbeFailure {
  const torch::jit::Node *node = nullptr; // null: before the first node (creating inputs)
  std::string message;                    // the operator's own message, one line
};

using ProbedValues = std::unordered_map<const torch::jit::Value *, c10::IValue>;

/// Evaluates `graph` (inputs()[0] is the module, bound to `self`) on inputs of
/// `inputs`' shapes and dtypes. Fills `values` with every top-level node output
/// (tensors in Meta mode may be meta tensors; static values are always real and
/// devices read `cpu`). Returns false with `failure` set when a node throws.
bool probeShapes(const torch::jit::Graph &graph, const c10::IValue &self,
                 const std::vector<TensorSpec> &inputs, ProbeMode mode,
                 int64_t inlineConstantLimit, ProbedValues &values, ProbeFailure &failure);

/// The message of a LibTorch exception without the interpreter's traceback:
/// "mat1 and mat2 shapes cannot be multiplied (2x9 and 8x8)".
std::string torchErrorMessage(const std::string &what);

/// Node kinds whose non-tensor result depends only on tensor metadata: the
/// importer folds them, the probe evaluates them for real.
bool isMetadataQuery(const torch::jit::Node *node);

/// "float32" -> c10::kFloat; throws std::invalid_argument for a name not in
/// pike/Support/DType.h (InputSpec has checked it).
c10::ScalarType scalarTypeOf(const std::string &dtype);

} // namespace pike

#endif
