#include "pike/TorchScript/TorchScriptEmitter.h"
#include "pike/TorchScript/SafeTensors.h"
#include "pike/Dialect/DType.h"
#include "ScalarType.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/Path.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/torch.h>

#include <torch/library.h>

#include <map>
#include <mutex>
#include <set>

using namespace mlir;
namespace tj = torch::jit;

namespace {

/// Saving a graph that calls a custom op needs its schema in this process;
/// the package's library registers the implementation when it loads.
void declareSchema(const std::string &ns, const std::string &schema) {
  static std::mutex mutex;
  static std::set<std::string> declared;
  static std::vector<std::unique_ptr<torch::Library>> libraries;
  std::lock_guard<std::mutex> lock(mutex);
  if (!declared.insert(ns + "::" + schema).second)
    return;
  libraries.push_back(std::make_unique<torch::Library>(torch::Library::FRAGMENT, ns, std::nullopt,
                                                       __FILE__, __LINE__));
  libraries.back()->def(schema.c_str());
}

std::string slotSchema(pike::KernelOp kernel) {
  std::string s = kernel.getSymName().str() + "(";
  for (unsigned i = 0; i < kernel.getFunctionType().getNumInputs(); ++i)
    s += std::string(i ? ", " : "") + "Tensor x" + std::to_string(i);
  s += ") -> ";
  unsigned n = kernel.getFunctionType().getNumResults();
  if (n == 1)
    return s + "Tensor";
  s += "(";
  for (unsigned i = 0; i < n; ++i)
    s += std::string(i ? ", " : "") + "Tensor";
  return s + ")";
}

/// Returns `outs` (a tuple if several) from `graph`, installs it as the
/// module's forward() and saves the module.
LogicalResult saveForward(tj::Module &m, tj::CompilationUnit &cu, std::shared_ptr<tj::Graph> graph,
                          const std::vector<tj::Value *> &outs, const std::string &path,
                          Location loc) {
  if (outs.size() == 1) {
    graph->registerOutput(outs[0]);
  } else {
    tj::Node *tuple = graph->appendNode(graph->createTuple(outs));
    graph->registerOutput(tuple->output());
  }
  tj::EliminateDeadCode(graph);
  try {
    auto fn = cu.create_function(c10::QualifiedName(*m.type()->name(), "forward"), graph);
    m.type()->addMethod(fn);
    m.save(path);
  } catch (const std::exception &e) {
    std::string msg = e.what();
    return emitError(loc) << "cannot save TorchScript module '" << path
                          << "': " << msg.substr(0, 400);
  }
  return success();
}

class Emitter {
public:
  Emitter(ModuleOp module, const pike::EmitTorchScriptOptions &options)
      : module(module), options(options) {}

  LogicalResult emit(Region &body, TypeRange argTypes, const std::string &path,
                     const std::string &className);

private:
  LogicalResult emitOp(Operation *op);
  LogicalResult emitAten(pike::AtenOp op);
  LogicalResult emitCall(pike::CallOp op);
  FailureOr<at::Tensor> loadWeight(pike::WeightOp op);
  tj::Value *constantFor(Attribute attr, Location loc);

  ModuleOp module;
  const pike::EmitTorchScriptOptions &options;
  std::shared_ptr<tj::Graph> graph;
  llvm::DenseMap<Value, tj::Value *> values;
  tj::Value *buffer(const std::string &hint, const at::Tensor &t);

  std::map<std::string, pike::RawTensor> weights;
  bool weightsLoaded = false;
  // Tensors become registered buffers so module.to(device) moves them; only
  // 0-d scalars stay graph constants.
  std::vector<std::pair<std::string, at::Tensor>> buffers;
  std::map<std::string, tj::Value *> bufferValues;
  tj::Value *self = nullptr;
  tj::Module *mod = nullptr;
};

tj::Value *Emitter::buffer(const std::string &hint, const at::Tensor &t) {
  if (t.dim() == 0)
    return graph->insertConstant(t);
  std::string name;
  for (char c : hint)
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
    name = "w_" + name;
  auto it = bufferValues.find(name);
  if (it != bufferValues.end())
    return it->second;
  std::string unique = name;
  for (int i = 1; std::any_of(buffers.begin(), buffers.end(),
                              [&](const auto &b) { return b.first == unique; });
       ++i)
    unique = name + "_" + std::to_string(i);
  buffers.push_back({unique, t});
  mod->register_buffer(unique, t);
  // GetAttr nodes go at the top of the graph so every use is dominated.
  tj::Node *get = graph->createGetAttr(self, unique);
  get->insertAfter(graph->block()->param_node());
  tj::Value *v = get->output();
  v->setType(c10::TensorType::get());
  bufferValues[name] = v;
  return v;
}

tj::Value *Emitter::constantFor(Attribute attr, Location loc) {
  if (isa<UnitAttr>(attr))
    return graph->insertConstant(c10::IValue());
  if (auto b = dyn_cast<BoolAttr>(attr))
    return graph->insertConstant(b.getValue());
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return graph->insertConstant(static_cast<int64_t>(i.getInt()));
  if (auto f = dyn_cast<FloatAttr>(attr))
    return graph->insertConstant(f.getValueAsDouble());
  if (auto s = dyn_cast<StringAttr>(attr))
    return graph->insertConstant(s.getValue().str());
  if (auto a = dyn_cast<DenseI64ArrayAttr>(attr))
    return graph->insertConstant(std::vector<int64_t>(a.asArrayRef().begin(), a.asArrayRef().end()));
  if (auto a = dyn_cast<DenseF64ArrayAttr>(attr))
    return graph->insertConstant(std::vector<double>(a.asArrayRef().begin(), a.asArrayRef().end()));
  if (auto a = dyn_cast<DenseBoolArrayAttr>(attr)) {
    c10::List<bool> l;
    for (bool b : a.asArrayRef())
      l.push_back(b);
    return graph->insertConstant(l);
  }
  emitError(loc) << "cannot express attribute " << attr << " in TorchScript";
  return nullptr;
}

FailureOr<at::Tensor> Emitter::loadWeight(pike::WeightOp op) {
  if (!weightsLoaded) {
    auto file = module->getAttrOfType<StringAttr>(pike::kWeightsFileAttr);
    if (!file) {
      op.emitError() << "module has no '" << pike::kWeightsFileAttr << "' attribute";
      return failure();
    }
    std::string error;
    if (!pike::readSafeTensors(file.str(), weights, error)) {
      op.emitError() << error;
      return failure();
    }
    weightsLoaded = true;
  }
  auto it = weights.find(op.getWeightName().str());
  if (it == weights.end()) {
    op.emitError() << "weight '" << op.getWeightName() << "' is not in the weights file";
    return failure();
  }
  const pike::RawTensor &raw = it->second;
  const pike::DTypeInfo *dtype = pike::dtypeFromSafetensors(raw.dtype);
  if (!dtype) {
    op.emitError() << "weight '" << op.getWeightName() << "' has dtype '" << raw.dtype
                   << "', which pike does not know";
    return failure();
  }
  at::Tensor t = torch::empty(raw.shape, torch::dtype(pike::scalarTypeOf(*dtype)));
  if (static_cast<size_t>(t.nbytes()) != raw.bytes.size()) {
    op.emitError() << "weight '" << op.getWeightName() << "' has " << raw.bytes.size()
                   << " bytes, expected " << t.nbytes();
    return failure();
  }
  std::memcpy(t.data_ptr(), raw.bytes.data(), raw.bytes.size());
  return t;
}

LogicalResult Emitter::emitAten(pike::AtenOp op) {
  std::vector<tj::NamedValue> kwargs;
  SmallVector<StringRef> names = op.getOperandArgNames();
  // Operands, grouping consecutive `name[]` entries into one Tensor[] list.
  for (size_t i = 0; i < names.size();) {
    StringRef name = names[i];
    if (name.ends_with("[]")) {
      std::vector<tj::Value *> elems;
      size_t j = i;
      for (; j < names.size() && names[j] == name; ++j)
        elems.push_back(values.lookup(op.getInputs()[j]));
      tj::Node *list = graph->insertNode(graph->createList(c10::TensorType::get(), elems));
      kwargs.emplace_back(name.drop_back(2).str(), list->output());
      i = j;
      continue;
    }
    kwargs.emplace_back(name.str(), values.lookup(op.getInputs()[i]));
    ++i;
  }
  for (NamedAttribute attr : op.getScalarArgs()) {
    tj::Value *c = constantFor(attr.getValue(), op.getLoc());
    if (!c)
      return failure();
    kwargs.emplace_back(attr.getName().str(), c);
  }
  tj::Value *result = nullptr;
  try {
    result = graph->insert(c10::Symbol::fromQualString(op.getName().str()), {}, kwargs);
  } catch (const std::exception &e) {
    std::string msg = e.what();
    return op.emitError() << "cannot rebuild '" << op.getName()
                          << "' in TorchScript: " << msg.substr(0, msg.find('\n'));
  }
  size_t n = op.getNumResults();
  if (n == 1 && result->type()->kind() == c10::TypeKind::TensorType) {
    values[op.getResult(0)] = result;
    return success();
  }
  tj::Node *unpack = nullptr;
  if (result->type()->kind() == c10::TypeKind::TupleType) {
    unpack = graph->insertNode(graph->createTupleUnpack(result));
  } else if (result->type()->kind() == c10::TypeKind::ListType) {
    unpack = graph->insertNode(graph->createListUnpack(result, n));
  }
  if (!unpack || unpack->outputs().size() < n)
    return op.emitError() << "'" << op.getName() << "' returns " << result->type()->str()
                          << " but the op has " << n << " results";
  for (size_t i = 0; i < n; ++i)
    values[op.getResult(i)] = unpack->output(i);
  return success();
}

LogicalResult Emitter::emitCall(pike::CallOp call) {
  auto kernel = SymbolTable::lookupNearestSymbolFrom<pike::KernelOp>(call, call.getCalleeAttr());
  if (!kernel)
    return call.emitError() << "no kernel '" << call.getCallee() << "'";
  if (options.useCustomOp(kernel)) {
    std::vector<tj::Value *> args;
    for (Value v : call.getInputs())
      args.push_back(values.lookup(v));
    declareSchema(options.opNamespace, slotSchema(kernel));
    auto sym = c10::Symbol::fromQualString(options.opNamespace + "::" + kernel.getSymName().str());
    tj::Value *result = graph->insert(sym, std::vector<tj::NamedValue>(args.begin(), args.end()));
    if (call.getNumResults() == 1) {
      values[call.getResult(0)] = result;
      return success();
    }
    tj::Node *unpack = graph->insertNode(graph->createTupleUnpack(result));
    for (size_t i = 0; i < call.getNumResults(); ++i)
      values[call.getResult(i)] = unpack->output(i);
    return success();
  }
  // Reference: inline the slot's body.
  Block &body = kernel.getBody().front();
  for (auto [arg, in] : llvm::zip(body.getArguments(), call.getInputs()))
    values[arg] = values.lookup(in);
  for (Operation &op : body.without_terminator())
    if (failed(emitOp(&op)))
      return failure();
  auto yield = cast<pike::YieldOp>(body.getTerminator());
  for (auto [res, v] : llvm::zip(call.getResults(), yield.getValues()))
    values[res] = values.lookup(v);
  return success();
}

LogicalResult Emitter::emitOp(Operation *op) {
  if (auto aten = dyn_cast<pike::AtenOp>(op))
    return emitAten(aten);
  if (auto c = dyn_cast<pike::ConstantOp>(op)) {
    auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
    if (!dense)
      return op->emitError() << "only dense constants can be emitted";
    auto type = cast<RankedTensorType>(c.getType());
    const pike::DTypeInfo *dtype = pike::dtypeOf(type.getElementType());
    if (!dtype)
      return op->emitError() << "constants of element type " << type.getElementType() << " cannot be emitted";
    at::Tensor t = torch::empty(type.getShape(), torch::dtype(pike::scalarTypeOf(*dtype)));
    int64_t n = t.numel();
    if (t.scalar_type() == c10::kFloat) {
      auto vals = dense.getValues<float>();
      for (int64_t i = 0; i < n; ++i) t.data_ptr<float>()[i] = vals[dense.isSplat() ? 0 : i];
    } else if (t.scalar_type() == c10::kDouble) {
      auto vals = dense.getValues<double>();
      for (int64_t i = 0; i < n; ++i) t.data_ptr<double>()[i] = vals[dense.isSplat() ? 0 : i];
    } else if (t.scalar_type() == c10::kLong) {
      auto vals = dense.getValues<int64_t>();
      for (int64_t i = 0; i < n; ++i) t.data_ptr<int64_t>()[i] = vals[dense.isSplat() ? 0 : i];
    } else if (t.scalar_type() == c10::kInt) {
      auto vals = dense.getValues<int32_t>();
      for (int64_t i = 0; i < n; ++i) t.data_ptr<int32_t>()[i] = vals[dense.isSplat() ? 0 : i];
    } else if (t.scalar_type() == c10::kBool) {
      auto vals = dense.getValues<bool>();
      for (int64_t i = 0; i < n; ++i) t.data_ptr<bool>()[i] = vals[dense.isSplat() ? 0 : i];
    } else {
      return op->emitError() << "cannot emit a constant of type " << type;
    }
    values[c.getResult()] = buffer("const_" + std::to_string(buffers.size()), t);
    return success();
  }
  if (auto w = dyn_cast<pike::WeightOp>(op)) {
    FailureOr<at::Tensor> t = loadWeight(w);
    if (failed(t))
      return failure();
    values[w.getResult()] = buffer(w.getWeightName().str(), *t);
    return success();
  }
  if (auto call = dyn_cast<pike::CallOp>(op))
    return emitCall(call);
  if (auto group = dyn_cast<pike::FusionGroupOp>(op)) {
    Block &body = group.getBody().front();
    for (auto [arg, in] : llvm::zip(body.getArguments(), group.getInputs()))
      values[arg] = values.lookup(in);
    for (Operation &inner : body.without_terminator())
      if (failed(emitOp(&inner)))
        return failure();
    auto yield = cast<pike::YieldOp>(body.getTerminator());
    for (auto [res, v] : llvm::zip(group.getResults(), yield.getValues()))
      values[res] = values.lookup(v);
    return success();
  }
  return op->emitError() << "cannot be emitted as TorchScript";
}

LogicalResult Emitter::emit(Region &region, TypeRange argTypes, const std::string &path,
                            const std::string &className) {
  auto cu = std::make_shared<tj::CompilationUnit>();
  tj::Module m(c10::QualifiedName("__torch__." + className), cu, /*shouldMangle=*/true);
  mod = &m;
  graph = std::make_shared<tj::Graph>();
  self = graph->addInput("self");
  self->setType(m.type());
  Block &body = region.front();
  for (BlockArgument arg : body.getArguments()) {
    tj::Value *in = graph->addInput("x" + std::to_string(arg.getArgNumber()));
    in->setType(c10::TensorType::get());
    values[arg] = in;
  }
  (void)argTypes;
  tj::WithInsertPoint guard(graph->block());
  for (Operation &op : body.without_terminator())
    if (failed(emitOp(&op)))
      return failure();
  Operation *term = body.getTerminator();
  std::vector<tj::Value *> outs;
  for (Value v : term->getOperands())
    outs.push_back(values.lookup(v));
  return saveForward(m, *cu, graph, outs, path, region.getLoc());
}

} // namespace

LogicalResult pike::emitTorchScriptModule(ModuleOp module, func::FuncOp func,
                                          const EmitTorchScriptOptions &options,
                                          const std::string &path) {
  Emitter emitter(module, options);
  return emitter.emit(func.getBody(), func.getArgumentTypes(), path, "PikeModel");
}

LogicalResult pike::emitKernelReference(ModuleOp module, KernelOp kernel, const std::string &path) {
  EmitTorchScriptOptions options;
  Emitter emitter(module, options);
  return emitter.emit(kernel.getBody(), kernel.getArgumentTypes(), path,
                      "PikeReference_" + kernel.getSymName().str());
}

LogicalResult pike::emitGraphForwardWrapper(const std::string &opNamespace, unsigned numInputs,
                                            unsigned numOutputs, const std::string &path,
                                            Location loc) {
  auto cu = std::make_shared<tj::CompilationUnit>();
  tj::Module m(c10::QualifiedName("__torch__.PikeGraphModel"), cu, /*shouldMangle=*/true);
  auto graph = std::make_shared<tj::Graph>();
  graph->addInput("self")->setType(m.type());
  std::vector<tj::Value *> inputs;
  for (unsigned i = 0; i < numInputs; ++i) {
    tj::Value *in = graph->addInput("x" + std::to_string(i));
    in->setType(c10::TensorType::get());
    inputs.push_back(in);
  }
  declareSchema(opNamespace, "graph_forward(Tensor[] inputs) -> Tensor[]");
  tj::Node *list = graph->appendNode(graph->createList(c10::TensorType::get(), inputs));
  tj::Value *call = nullptr;
  {
    tj::WithInsertPoint guard(graph->block());
    call = graph->insert(c10::Symbol::fromQualString(opNamespace + "::graph_forward"),
                         {tj::NamedValue(list->output())});
  }
  tj::Node *unpack = graph->appendNode(graph->createListUnpack(call, numOutputs));
  std::vector<tj::Value *> outs(unpack->outputs().begin(), unpack->outputs().end());
  return saveForward(m, *cu, graph, outs, path, loc);
}
