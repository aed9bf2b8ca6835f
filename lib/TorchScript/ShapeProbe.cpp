// Shape propagation by evaluating a frozen TorchScript graph node by node, on
// meta tensors wherever the importer needs only shapes (see ShapeProbe.h).
#include "ShapeProbe.h"
#include "ScalarType.h"
#include "ShapeRules.h"

#include <torch/csrc/jit/runtime/interpreter.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <unordered_set>

namespace tj = torch::jit;
using pike::ProbeFailure;
using pike::ProbeMode;
using pike::ProbedValues;
using pike::RuleResult;

namespace {

bool isTensorType(const c10::TypePtr &t) { return t->kind() == c10::TypeKind::TensorType; }

bool producesTensor(const tj::Node *n) {
  for (const tj::Value *out : n->outputs()) {
    auto list = out->type()->cast<c10::ListType>();
    if (isTensorType(out->type()) || (list && isTensorType(list->getElementType())))
      return true;
  }
  return false;
}

void collectDefined(const tj::Block *block, std::unordered_set<const tj::Value *> &defined) {
  for (const tj::Value *p : block->inputs())
    defined.insert(p);
  for (const tj::Node *n : block->nodes()) {
    for (const tj::Value *o : n->outputs())
      defined.insert(o);
    for (const tj::Block *b : n->blocks())
      collectDefined(b, defined);
  }
}

void collectUsed(tj::Block *block, std::vector<tj::Value *> &used) {
  for (tj::Node *n : block->nodes()) {
    for (tj::Value *in : n->inputs())
      used.push_back(in);
    for (tj::Block *b : n->blocks())
      collectUsed(b, used);
  }
  for (tj::Value *out : block->outputs())
    used.push_back(out);
}

/// The node's inputs followed by the values its blocks read from outside it,
/// each once, in order of first use: what evaluating the node needs.
std::vector<tj::Value *> effectiveInputs(tj::Node *node) {
  std::vector<tj::Value *> result(node->inputs().begin(), node->inputs().end());
  if (node->blocks().empty())
    return result;
  std::unordered_set<const tj::Value *> defined;
  std::vector<tj::Value *> used;
  for (tj::Block *b : node->blocks()) {
    collectDefined(b, defined);
    collectUsed(b, used);
  }
  std::unordered_set<const tj::Value *> seen(result.begin(), result.end());
  for (tj::Value *v : used)
    if (!defined.count(v) && seen.insert(v).second)
      result.push_back(v);
  return result;
}

/// Nodes whose results the importer may fold into the IR (constants, metadata
/// and arithmetic on them): in Meta mode they run on real CPU values. A superset
/// of what TorchScriptImporter folds, so every folded value is real.
std::unordered_set<const tj::Node *> staticNodes(const tj::Graph &graph, int64_t limit) {
  std::unordered_set<const tj::Value *> staticValues;
  std::unordered_set<const tj::Node *> nodes;
  for (tj::Node *node : const_cast<tj::Graph &>(graph).nodes()) {
    bool isStatic;
    if (node->kind() == c10::prim::Constant) {
      auto iv = tj::toIValue(node->output());
      isStatic = !(iv && iv->isTensor() && iv->toTensor().numel() > limit);
    } else {
      isStatic = true;
      for (const tj::Value *in : effectiveInputs(node))
        if (!staticValues.count(in))
          isStatic = false;
      if (!isStatic && pike::isMetadataQuery(node) && !producesTensor(node))
        isStatic = true;
    }
    if (!isStatic)
      continue;
    nodes.insert(node);
    for (const tj::Value *out : node->outputs())
      staticValues.insert(out);
  }
  return nodes;
}

/// `iv`'s tensor list with `convert` applied where `needs` holds. A list where
/// nothing needs it is returned as the same list object, so that a loop appending
/// to it (a scripted `outs.append(h)`) is seen by the nodes after the loop.
template <class Needs, class Convert>
c10::IValue mapTensorList(const c10::IValue &iv, Needs needs, Convert convert) {
  const c10::List<at::Tensor> &in = iv.toTensorList();
  if (std::none_of(in.begin(), in.end(), needs))
    return iv;
  c10::List<at::Tensor> list;
  for (const at::Tensor &t : in)
    list.push_back(needs(t) ? convert(t) : t);
  return list;
}

/// Arguments of a node that runs on shapes only: tensors become meta tensors
/// (no copy), devices the meta device.
c10::IValue toMeta(const c10::IValue &iv) {
  if (iv.isTensor()) {
    const at::Tensor &t = iv.toTensor();
    return t.defined() && !t.is_meta() ? c10::IValue(t.to(c10::kMeta)) : iv;
  }
  if (iv.isTensorList())
    return mapTensorList(iv, [](const at::Tensor &t) { return t.defined() && !t.is_meta(); },
                         [](const at::Tensor &t) { return t.to(c10::kMeta); });
  auto holdsTensor = [](const c10::IValue &e) { return e.isTensor(); };
  if (iv.isList() && std::any_of(iv.toListRef().begin(), iv.toListRef().end(), holdsTensor)) {
    // Tensor?[] (index's indices): a list of tensors and Nones.
    c10::impl::GenericList list(iv.toList().elementType());
    for (const c10::IValue &e : iv.toListRef())
      list.push_back(toMeta(e));
    return list;
  }
  if (iv.isDevice())
    return c10::Device(c10::kMeta);
  return iv;
}

/// Models traced for a GPU create tensors on it (masks, positions); the probe
/// computes on the CPU. The IR keeps the original device (from the constant).
c10::IValue toCpuDevice(const c10::IValue &iv) {
  return iv.isDevice() ? c10::IValue(c10::Device(c10::kCPU)) : iv;
}

/// Runs a node that has no operator of its own (prim::If, prim::Loop,
/// prim::ListUnpack) as a one-node graph.
void runAsGraph(tj::Node *node, const std::vector<tj::Value *> &inputs, tj::Stack &stack) {
  auto graph = std::make_shared<tj::Graph>();
  std::unordered_map<tj::Value *, tj::Value *> map;
  for (tj::Value *in : inputs)
    map[in] = graph->addInput()->setType(in->type());
  tj::Node *clone = graph->createClone(node, [&](tj::Value *v) { return map.at(v); });
  graph->appendNode(clone);
  for (tj::Value *out : clone->outputs())
    graph->registerOutput(out);
  tj::Code code(graph, "pike_probe_node");
  tj::InterpreterState(code).run(stack);
}

bool evaluate(tj::Node *node, const std::vector<tj::Value *> &inputs, tj::Stack &stack,
              std::string &error) {
  try {
    if (node->blocks().empty() && node->maybeOperator())
      node->getOperation()(stack);
    else
      runAsGraph(node, inputs, stack);
  } catch (const c10::Error &e) {
    error = pike::torchErrorMessage(e.what_without_backtrace());
    return false;
  } catch (const std::exception &e) {
    error = pike::torchErrorMessage(e.what());
    return false;
  }
  if (stack.size() != node->outputs().size()) {
    error = "evaluating '" + std::string(node->kind().toQualString()) + "' gave " +
            std::to_string(stack.size()) + " values for " +
            std::to_string(node->outputs().size()) + " results";
    return false;
  }
  return true;
}

/// Operators whose result's shape depends on the values of their inputs.
bool hasDataDependentShape(const tj::Node *node, const tj::Stack &inputs) {
  static const std::set<std::string> kinds = {
      "aten::nonzero", "aten::nonzero_numpy", "aten::argwhere", "aten::masked_select",
      "aten::unique", "aten::_unique", "aten::_unique2", "aten::unique_dim",
      "aten::unique_consecutive", "aten::bincount", "aten::repeat_interleave"};
  if (kinds.count(node->kind().toQualString()))
    return true;
  // where(condition) is nonzero; index with a boolean mask selects by value.
  if (node->kind() == c10::aten::where && node->inputs().size() == 1)
    return true;
  if (node->kind() == c10::aten::index && inputs.size() > 1 && inputs[1].isList())
    for (const c10::IValue &index : inputs[1].toListRef())
      if (index.isTensor() && (index.toTensor().scalar_type() == c10::kBool ||
                               index.toTensor().scalar_type() == c10::kByte))
        return true;
  // A number or flag computed from tensor data (item, Int, Bool, equal, ...).
  for (const tj::Value *out : node->outputs()) {
    auto kind = out->type()->kind();
    if (kind == c10::TypeKind::IntType || kind == c10::TypeKind::FloatType ||
        kind == c10::TypeKind::BoolType || kind == c10::TypeKind::NumberType ||
        kind == c10::TypeKind::ComplexType)
      return true;
  }
  return false;
}

/// LibTorch without Python lacks meta kernels for some operators (they live in
/// torch/_meta_registrations.py). Such errors mean "run it some other way", not
/// "the model is wrong".
bool isMissingMetaKernel(const std::string &error) {
  return error.find("Meta") != std::string::npos || error.find("meta") != std::string::npos ||
         error.find("overrideable") != std::string::npos;
}

/// A CPU tensor of zeros laid out like the meta tensor `t`.
at::Tensor zerosLike(const at::Tensor &t) {
  auto options = t.options().device(c10::kCPU);
  if (t.is_non_overlapping_and_dense())
    return at::empty_strided(t.sizes(), t.strides(), options).zero_();
  int64_t elems = (static_cast<int64_t>(t.storage().nbytes()) + t.element_size() - 1) /
                  t.element_size();
  return at::zeros({elems}, options).as_strided(t.sizes(), t.strides(), t.storage_offset());
}

c10::IValue materialize(const c10::IValue &iv) {
  if (iv.isTensor() && iv.toTensor().defined() && iv.toTensor().is_meta())
    return zerosLike(iv.toTensor());
  if (iv.isTensorList())
    return mapTensorList(iv, [](const at::Tensor &t) { return t.defined() && t.is_meta(); },
                         [](const at::Tensor &t) { return zerosLike(t); });
  if (iv.isDevice())
    return c10::Device(c10::kCPU);
  return iv;
}

void storeOutputs(const tj::Node *node, tj::Stack &stack,
                  std::unordered_map<const tj::Value *, c10::IValue> &env) {
  for (size_t i = 0; i < stack.size(); ++i) {
    c10::IValue &out = stack[i];
    if (out.isDevice() && out.toDevice().is_meta())
      out = c10::Device(c10::kCPU);
    env[node->output(i)] = std::move(out);
  }
}

bool traceProbe() {
  static bool on = std::getenv("PIKE_PROBE_TRACE") != nullptr;
  return on;
}

} // namespace

bool pike::isMetadataQuery(const tj::Node *n) {
  static const std::set<std::string> kinds = {
      "aten::size", "aten::dim", "aten::numel", "prim::dtype", "prim::device",
      "aten::len", "prim::shape", "prim::layout", "aten::__getitem__", "prim::is_cuda"};
  return kinds.count(n->kind().toQualString()) > 0;
}

c10::ScalarType pike::scalarTypeOf(const std::string &dtype) {
  const DTypeInfo *d = dtypeNamed(dtype);
  if (!d)
    throw std::invalid_argument("unknown dtype '" + dtype + "'");
  return scalarTypeOf(*d);
}

std::string pike::torchErrorMessage(const std::string &what) {
  std::vector<std::string> lines;
  std::stringstream in(what);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  if (lines.empty())
    return what;
  // The interpreter's report ends with "RuntimeError: <the operator's message>".
  if (what.find("The following operation failed in the TorchScript interpreter") !=
      std::string::npos) {
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
      size_t colon = it->find(": ");
      if (colon == std::string::npos || colon == 0)
        continue;
      std::string head = it->substr(0, colon);
      bool isName = head.find_first_not_of(
                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") ==
                    std::string::npos;
      auto endsWith = [&](const std::string &suffix) {
        return head.size() > suffix.size() &&
               head.compare(head.size() - suffix.size(), suffix.size(), suffix) == 0;
      };
      if (isName && (endsWith("Error") || endsWith("Exception")))
        return it->substr(colon + 2);
    }
  }
  return lines.front();
}

bool pike::probeShapes(const tj::Graph &graph, const c10::IValue &self,
                       const std::vector<TensorSpec> &inputs, ProbeMode mode,
                       int64_t inlineConstantLimit, ProbedValues &values, ProbeFailure &failure) {
  std::unordered_map<const tj::Value *, c10::IValue> env;
  env[graph.inputs()[0]] = self;
  try {
    torch::manual_seed(0);
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto st = scalarTypeOf(inputs[i].dtype);
      at::Tensor t;
      if (mode == ProbeMode::Meta)
        t = at::empty(inputs[i].shape, at::TensorOptions().dtype(st).device(c10::kMeta));
      else
        t = c10::isFloatingType(st) ? torch::randn(inputs[i].shape, torch::dtype(st))
                                    : torch::zeros(inputs[i].shape, torch::dtype(st));
      env[graph.inputs()[i + 1]] = t;
    }
  } catch (const c10::Error &e) {
    failure = {nullptr, torchErrorMessage(e.what_without_backtrace())};
    return false;
  } catch (const std::exception &e) {
    failure = {nullptr, torchErrorMessage(e.what())};
    return false;
  }

  std::unordered_set<const tj::Node *> realNodes;
  if (mode == ProbeMode::Meta)
    realNodes = staticNodes(graph, inlineConstantLimit);
  for (tj::Node *node : const_cast<tj::Graph &>(graph).nodes()) {
    if (node->kind() == c10::prim::Constant) {
      if (auto iv = tj::toIValue(node->output()))
        env[node->output()] = *iv;
      continue;
    }
    std::vector<tj::Value *> ins = effectiveInputs(node);
    bool onShapes = mode == ProbeMode::Meta && !realNodes.count(node);
    tj::Stack stack;
    stack.reserve(ins.size());
    for (tj::Value *in : ins) {
      auto it = env.find(in);
      c10::IValue iv = it == env.end() ? c10::IValue() : it->second;
      stack.push_back(onShapes ? toMeta(iv) : toCpuDevice(iv));
    }
    std::string error;
    if (onShapes && hasDataDependentShape(node, stack)) {
      failure = {node, "its result depends on tensor data"};
      return false;
    }
    if (onShapes) {
      RuleResult rule = inferWithShapeRule(node, stack, error);
      if (rule == RuleResult::Failed) {
        failure = {node, error};
        return false;
      }
      if (rule == RuleResult::Inferred) {
        storeOutputs(node, stack, env);
        continue;
      }
    }
    tj::Stack inputsCopy;
    if (onShapes)
      inputsCopy = stack;
    if (!evaluate(node, ins, stack, error)) {
      if (!onShapes || !isMissingMetaKernel(error)) {
        failure = {node, error};
        return false;
      }
      // No meta kernel, and the result's shape does not depend on data: run
      // it for real on zeros of the input shapes, keep only the shapes.
      auto start = std::chrono::steady_clock::now();
      stack.clear();
      for (const c10::IValue &iv : inputsCopy)
        stack.push_back(materialize(iv));
      std::string realError;
      if (!evaluate(node, ins, stack, realError)) {
        failure = {node, realError};
        return false;
      }
      for (c10::IValue &out : stack)
        out = toMeta(out);
      if (traceProbe())
        fprintf(stderr, "pike-probe: %s ran on zeros (%.1f ms): %s\n", node->kind().toQualString(),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count(),
                error.substr(0, 80).c_str());
    }
    storeOutputs(node, stack, env);
  }
  for (const tj::Node *node : graph.nodes())
    for (const tj::Value *out : node->outputs()) {
      auto kind = out->type()->kind();
      if (kind == c10::TypeKind::NoneType || kind == c10::TypeKind::FunctionType)
        continue;
      auto it = env.find(out);
      if (it != env.end())
        values[out] = it->second;
    }
  return true;
}
