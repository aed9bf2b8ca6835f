// TorchScript -> pike. The graph is frozen and inlined by LibTorch, then run
// once on inputs of the spec's shapes: every value's concrete shape and dtype
// come from that probe, and every non-tensor value that depends only on shapes
// (sizes, dims, list literals, arithmetic on them) is folded to a constant.
#include "pike/TorchScript/TorchScriptImporter.h"
#include "pike/Dialect/AttrNames.h"
#include "ExportedProgram.h"
#include "pike/Dialect/DType.h"
#include "pike/Dialect/OpRegistry.h"
#include "pike/Dialect/PikeOps.h"
#include "pike/TorchScript/SafeTensors.h"

#include "ArchiveStorages.h"
#include "LoopUnroll.h"
#include "ScalarType.h"
#include "ShapeProbe.h"
#include "TorchSaveFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/Format.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/passes/constant_pooling.h>
#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/loop_unrolling.h>
#include <torch/csrc/jit/passes/lower_tuples.h>
#include <torch/csrc/jit/passes/remove_mutation.h>
#include <torch/csrc/jit/serialization/import.h>
#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

using namespace mlir;
namespace tj = torch::jit;
using pike::ImportOptions;
using pike::RawTensor;
using pike::TensorSpec;
using pike::isMetadataQuery;
using pike::scalarTypeOf;

namespace {

constexpr const char *kNotTorchScript =
    "this is a state_dict (or pickled module), not a TorchScript model: export with "
    "torch.jit.trace/script and torch.jit.save, e.g. kernelbench/export.py (see README)";

/// The first non-blank line (TorchScript's ErrorReport starts with a newline).
std::string firstLine(const std::string &s) {
  size_t start = s.find_first_not_of(" \n");
  if (start == std::string::npos)
    return "";
  auto pos = s.find('\n', start);
  return s.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
}

Type elementType(MLIRContext &ctx, c10::ScalarType st) {
  const pike::DTypeInfo *d = pike::dtypeOf(st);
  return d ? pike::mlirTypeOf(d->dtype, &ctx) : Type();
}

const char *safetensorsDType(c10::ScalarType st) {
  const pike::DTypeInfo *d = pike::dtypeOf(st);
  return d ? d->safetensors : nullptr;
}

const char *loadFailure(const std::string &path) {
  return pike::isExportedProgramPath(path) ? "cannot load torch.export program: " : "cannot load TorchScript module: ";
}

bool isTensorType(const c10::TypePtr &t) { return t->kind() == c10::TypeKind::TensorType; }

bool usedAfter(const tj::Value *v, const tj::Node *node) {
  for (const tj::Use &use : v->uses())
    if (use.user != node && node->isBefore(use.user))
      return true;
  return false;
}

/// The in-place `node` mutates input 0; true when no later node can observe it.
bool mutationIsUnobserved(const tj::Node *node) {
  const tj::Value *self = node->input(0);
  if (usedAfter(self, node))
    return false;
  const tj::Node *producer = self->node();
  // One level of aliasing: the tensor a view or unpacked chunk came from.
  if (producer->kind() == c10::prim::ListUnpack)
    producer = producer->input(0)->node();
  if (producer->kind() == c10::prim::Param || producer->kind() == c10::prim::Constant)
    return false;
  for (const tj::Value *in : producer->inputs())
    if (isTensorType(in->type()) && usedAfter(in, node))
      return false;
  return true;
}

class Importer {
public:
  Importer(MLIRContext &ctx, const ImportOptions &opts) : ctx(ctx), opts(opts), b(&ctx) {}

  OwningOpRef<ModuleOp> run(const std::string &path);

private:
  LogicalResult probe(tj::Module &module, const std::shared_ptr<tj::Graph> &graph);
  LogicalResult lowerNode(tj::Node *node);
  LogicalResult lowerAten(tj::Node *node, const c10::FunctionSchema &schema,
                          const std::string &name);
  Value lowerTensorConstant(const at::Tensor &t, const tj::Value *v, Location loc);
  FailureOr<Attribute> toAttribute(const c10::IValue &iv, Location loc, const std::string &what);
  RankedTensorType tensorType(const at::Tensor &t);
  std::string nameFromFirstUse(const tj::Value *v);
  std::unordered_map<const tj::Node *, int> consumerIndex; // n-th node of its kind
  void opaque(tj::Node *node, const std::string &reason);
  Location nodeLoc(const tj::Node *node);

  /// A value is "static" when the probe may fold it: constants and values
  /// computed from constants and tensor metadata only.
  bool isStatic(const tj::Value *v) const { return staticValues.count(v) > 0; }

  MLIRContext &ctx;
  ImportOptions opts; // a copy: a .pt2 archive fills in its own input spec
  std::string sourcePath;
  OpBuilder b;
  std::unordered_map<const tj::Value *, c10::IValue> probed;
  std::set<const tj::Value *> staticValues;
  std::unordered_map<const tj::Value *, Value> mapped;
  std::unordered_map<const tj::Value *, std::vector<Value>> mappedLists;
  std::map<std::string, RawTensor> weights;
  std::unordered_map<const void *, std::string> weightByStorage;
  /// Weights that lie in the model file as they are: the weights file refers to them.
  pike::ArchiveStorages archiveStorages;
  bool failedNode = false;
  bool debugInfoUnreadable = false;
  /// Unrolling stops where the graph would grow past this many nodes.
  static constexpr size_t kMaxUnrolledNodes = 200000;
  static constexpr int kMaxUnrollRounds = 4;
  bool derivesFromShapesOnly(const tj::Value *v);
  std::unordered_map<const tj::Value *, bool> shapeOnly; // memo of derivesFromShapesOnly
};

/// The location of a TorchScript node: its Python source range when it has one.
Location Importer::nodeLoc(const tj::Node *node) {
  Location fallback = NameLoc::get(StringAttr::get(&ctx, node->kind().toQualString()));
  if (debugInfoUnreadable)
    return fallback;
  try {
    // Traced and serialized graphs point into the module's own code; the range
    // it was generated from, when recorded, is the user's Python source.
    tj::SourceRange range = node->sourceRange();
    if (auto original = range.findSourceRangeThatGenerated())
      range = *original;
    if (auto flc = range.file_line_col()) {
      auto [file, line, col] = *flc;
      return FileLineColLoc::get(&ctx, file, line, col + 1);
    }
  } catch (const std::exception &e) {
    // Source ranges are read from the archive's debug_pkl on first use: a
    // damaged one costs the locations, not the import.
    debugInfoUnreadable = true;
    emitWarning(FileLineColLoc::get(&ctx, sourcePath, 0, 0))
        << "the model's debug information (debug_pkl) is unreadable, importing without Python "
           "source locations: "
        << firstLine(e.what());
  }
  return fallback;
}

RankedTensorType Importer::tensorType(const at::Tensor &t) {
  Type et = elementType(ctx, t.scalar_type());
  if (!et)
    return {};
  return RankedTensorType::get(SmallVector<int64_t>(t.sizes().begin(), t.sizes().end()), et);
}

void Importer::opaque(tj::Node *node, const std::string &reason) {
  Location loc = nodeLoc(node);
  SmallVector<Value> inputs;
  for (tj::Value *in : node->inputs())
    if (mapped.count(in))
      inputs.push_back(mapped[in]);
  SmallVector<Type> types;
  std::vector<tj::Value *> tensorOuts;
  for (tj::Value *out : node->outputs()) {
    auto it = probed.find(out);
    if (it != probed.end() && it->second.isTensor())
      if (auto tt = tensorType(it->second.toTensor())) {
        types.push_back(tt);
        tensorOuts.push_back(out);
      }
  }
  auto op = b.create<pike::OpaqueOp>(loc, types, node->kind().toQualString(), reason, inputs);
  for (auto [i, v] : llvm::enumerate(tensorOuts))
    mapped[v] = op->getResult(i);
}

FailureOr<Attribute> Importer::toAttribute(const c10::IValue &iv, Location loc,
                                           const std::string &what) {
  if (iv.isNone())
    return Attribute(b.getUnitAttr());
  if (iv.isBool())
    return Attribute(b.getBoolAttr(iv.toBool()));
  if (iv.isInt())
    return Attribute(b.getI64IntegerAttr(iv.toInt()));
  if (iv.isDouble())
    return Attribute(b.getF64FloatAttr(iv.toDouble()));
  if (iv.isString())
    return Attribute(b.getStringAttr(iv.toStringRef()));
  if (iv.isDevice())
    return Attribute(b.getStringAttr(iv.toDevice().str()));
  if (iv.isIntList()) {
    auto l = iv.toIntVector();
    return Attribute(b.getDenseI64ArrayAttr(l));
  }
  if (iv.isDoubleList()) {
    auto l = iv.toDoubleVector();
    return Attribute(b.getDenseF64ArrayAttr(l));
  }
  if (iv.isBoolList()) {
    SmallVector<bool> l;
    for (bool x : iv.toBoolList())
      l.push_back(x);
    return Attribute(b.getDenseBoolArrayAttr(l));
  }
  if (iv.isTensor()) {
    // 0-d tensors passed as scalars (e.g. a folded NumToTensor).
    at::Tensor t = iv.toTensor();
    if (t.numel() == 1) {
      if (t.is_floating_point())
        return Attribute(b.getF64FloatAttr(t.item<double>()));
      return Attribute(b.getI64IntegerAttr(t.item<int64_t>()));
    }
  }
  emitError(loc) << "cannot represent argument '" << what << "' of type "
                 << iv.tagKind() << " as an attribute";
  return failure();
}

/// Frozen modules lose attribute names: call a weight after its first
/// consumer and the schema argument it binds to ("linear_1.weight").
std::string Importer::nameFromFirstUse(const tj::Value *v) {
  if (!v || v->uses().empty())
    return "const";
  const tj::Use &use = v->uses().front();
  std::string op = use.user->kind().toUnqualString();
  int index = consumerIndex.count(use.user) ? consumerIndex[use.user] : 0;
  std::string arg = "arg" + std::to_string(use.offset);
  if (const c10::FunctionSchema *schema = use.user->maybeSchema())
    if (use.offset < schema->arguments().size())
      arg = schema->arguments()[use.offset].name();
  return op + "_" + std::to_string(index) + "." + arg;
}

Value Importer::lowerTensorConstant(const at::Tensor &raw, const tj::Value *v, Location loc) {
  at::Tensor t = raw.contiguous().cpu();
  RankedTensorType type = tensorType(t);
  if (!type) {
    emitError(loc) << "unsupported tensor dtype " << c10::toString(t.scalar_type());
    return {};
  }
  if (t.numel() <= opts.inlineConstantLimit) {
    DenseElementsAttr attr;
    Type et = type.getElementType();
    if (t.scalar_type() == c10::kFloat) {
      auto p = t.data_ptr<float>();
      attr = DenseElementsAttr::get(type, llvm::ArrayRef<float>(p, t.numel()));
    } else if (t.scalar_type() == c10::kDouble) {
      auto p = t.data_ptr<double>();
      attr = DenseElementsAttr::get(type, llvm::ArrayRef<double>(p, t.numel()));
    } else if (t.scalar_type() == c10::kLong) {
      auto p = t.data_ptr<int64_t>();
      attr = DenseElementsAttr::get(type, llvm::ArrayRef<int64_t>(p, t.numel()));
    } else if (t.scalar_type() == c10::kInt) {
      auto p = t.data_ptr<int32_t>();
      attr = DenseElementsAttr::get(type, llvm::ArrayRef<int32_t>(p, t.numel()));
    } else if (t.scalar_type() == c10::kBool) {
      SmallVector<bool> vals;
      auto p = t.data_ptr<bool>();
      for (int64_t i = 0; i < t.numel(); ++i)
        vals.push_back(p[i]);
      attr = DenseElementsAttr::get(type, vals);
    } else {
      (void)et;
    }
    if (attr)
      return b.create<pike::ConstantOp>(loc, type, attr);
  }
  // Large (or unusual dtype) constants go to the weights file, deduplicated by storage.
  const void *key = t.data_ptr();
  std::string name;
  auto found = weightByStorage.find(raw.data_ptr());
  if (found != weightByStorage.end() && weights.count(found->second) &&
      weights[found->second].shape == std::vector<int64_t>(t.sizes().begin(), t.sizes().end())) {
    name = found->second;
  } else {
    std::string base = v && v->hasDebugName() ? v->debugName() : nameFromFirstUse(v);
    for (char &c : base)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.')
        c = '_';
    name = base;
    for (int i = 1; weights.count(name); ++i)
      name = base + "_" + std::to_string(i);
    RawTensor rt;
    rt.dtype = safetensorsDType(t.scalar_type());
    rt.shape.assign(t.sizes().begin(), t.sizes().end());
    auto owner = std::make_shared<at::Tensor>(t);
    rt.borrowed = static_cast<const uint8_t *>(owner->data_ptr());
    rt.borrowedSize = owner->nbytes();
    rt.owner = std::move(owner);
    rt.sourceOffset = archiveStorages.fileOffset(t);
    weights[name] = std::move(rt);
    weightByStorage[raw.data_ptr()] = name;
  }
  (void)key;
  return b.create<pike::WeightOp>(loc, type, name);
}

/// True when `v` is computed from constants and tensor metadata only (sizes,
/// dims, arithmetic on them): the same for every input of the spec's shapes.
bool Importer::derivesFromShapesOnly(const tj::Value *v) {
  auto memo = shapeOnly.find(v);
  if (memo != shapeOnly.end())
    return memo->second;
  const tj::Node *node = v->node();
  bool result;
  if (node->kind() == c10::prim::Constant) {
    auto iv = tj::toIValue(v);
    result = !(iv && iv->isTensor() && iv->toTensor().numel() > opts.inlineConstantLimit);
  } else if (node->kind() == c10::prim::Param || !node->blocks().empty()) {
    result = false;
  } else if (isMetadataQuery(node) && !isTensorType(v->type())) {
    result = true;
  } else {
    result = true;
    for (const tj::Value *in : node->inputs())
      if (!derivesFromShapesOnly(in)) {
        result = false;
        break;
      }
  }
  shapeOnly[v] = result;
  return result;
}

LogicalResult Importer::probe(tj::Module &module, const std::shared_ptr<tj::Graph> &graph) {
  // Shapes first, on meta tensors; a real run only when a node needs data.
  // PIKE_SHAPE_PROBE=real skips the meta pass (tests compare the two).
  const char *forced = std::getenv("PIKE_SHAPE_PROBE");
  bool realOnly = forced && std::string(forced) == "real";
  pike::ProbeFailure metaFailure, realFailure;
  if (!realOnly &&
      pike::probeShapes(*graph, module._ivalue(), opts.inputSpec.inputs, pike::ProbeMode::Meta,
                        opts.inlineConstantLimit, probed, metaFailure))
    return success();
  probed.clear();
  if (pike::probeShapes(*graph, module._ivalue(), opts.inputSpec.inputs, pike::ProbeMode::Real,
                        opts.inlineConstantLimit, probed, realFailure)) {
    if (realOnly)
      return success();
    Location loc = metaFailure.node ? nodeLoc(metaFailure.node) : UnknownLoc::get(&ctx);
    emitRemark(loc) << "'"
                    << (metaFailure.node ? metaFailure.node->kind().toQualString() : "the inputs")
                    << "' needs tensor data for its shapes (" << metaFailure.message
                    << "): ran the model once on the CPU at the input spec's sizes";
    return success();
  }
  Location loc = realFailure.node ? nodeLoc(realFailure.node) : UnknownLoc::get(&ctx);
  InFlightDiagnostic diag = emitError(loc)
                            << "running the model on inputs of the given spec failed (wrong input "
                               "spec?): "
                            << realFailure.message;
  std::string spec;
  for (const TensorSpec &t : opts.inputSpec.inputs) {
    spec += spec.empty() ? "" : ", ";
    for (int64_t d : t.shape)
      spec += std::to_string(d) + "x";
    spec += t.dtype;
  }
  diag.attachNote() << "input spec: " << spec;
  return failure();
}

LogicalResult Importer::lowerAten(tj::Node *node, const c10::FunctionSchema &schema,
                                  const std::string &name) {
  Location loc = nodeLoc(node);
  SmallVector<Value> operands;
  SmallVector<Attribute> operandNames;
  SmallVector<NamedAttribute> attrs;
  const auto &args = schema.arguments();
  for (size_t i = 0; i < node->inputs().size() && i < args.size(); ++i) {
    tj::Value *in = node->input(i);
    const std::string &argName = args[i].name();
    if (mapped.count(in)) {
      operands.push_back(mapped[in]);
      operandNames.push_back(b.getStringAttr(argName));
      continue;
    }
    if (mappedLists.count(in)) {
      for (Value v : mappedLists[in]) {
        operands.push_back(v);
        operandNames.push_back(b.getStringAttr(argName + "[]"));
      }
      continue;
    }
    if (!isStatic(in)) {
      opaque(node, "argument '" + argName + "' depends on tensor data");
      return success();
    }
    auto it = probed.find(in);
    c10::IValue iv;
    if (it != probed.end())
      iv = it->second;
    else if (auto c = tj::toIValue(in))
      iv = *c;
    FailureOr<Attribute> attr = toAttribute(iv, loc, argName);
    if (failed(attr))
      return failure();
    attrs.push_back(b.getNamedAttr(argName, *attr));
  }
  attrs.push_back(b.getNamedAttr("operands", b.getArrayAttr(operandNames)));

  // Results: tensors, or a Tensor[] that a ListUnpack later splits.
  SmallVector<Type> resultTypes;
  std::vector<std::pair<tj::Value *, int>> singles;
  tj::Value *listOut = nullptr;
  size_t listLen = 0;
  for (tj::Value *out : node->outputs()) {
    auto it = probed.find(out);
    if (it == probed.end()) {
      if (out->uses().empty())
        continue;
      emitError(loc) << "no shape was observed for a result of '" << name << "'";
      return failure();
    }
    if (it->second.isTensor()) {
      RankedTensorType tt = tensorType(it->second.toTensor());
      if (!tt) {
        emitError(loc) << "'" << name << "' produces unsupported dtype "
                       << c10::toString(it->second.toTensor().scalar_type());
        return failure();
      }
      singles.push_back({out, static_cast<int>(resultTypes.size())});
      resultTypes.push_back(tt);
    } else if (it->second.isTensorList()) {
      listOut = out;
      for (const at::Tensor &t : it->second.toTensorVector()) {
        resultTypes.push_back(tensorType(t));
        ++listLen;
      }
    } else if (out->uses().empty()) {
      continue; // e.g. the unused indices of aten::max.dim
    } else {
      emitError(loc) << "'" << name << "' produces a non-tensor value that pike cannot represent";
      return failure();
    }
  }
  if (resultTypes.empty()) {
    emitError(loc) << "'" << name << "' produces no tensor";
    return failure();
  }
  OperationState state(loc, pike::AtenOp::getOperationName());
  state.addAttribute("name", b.getStringAttr(name));
  state.addOperands(operands);
  state.addTypes(resultTypes);
  state.addAttributes(attrs);
  Operation *op = b.create(state);
  for (auto [v, idx] : singles)
    mapped[v] = op->getResult(idx);
  if (listOut) {
    std::vector<Value> elems;
    size_t start = singles.size();
    for (size_t i = 0; i < listLen; ++i)
      elems.push_back(op->getResult(start + i));
    mappedLists[listOut] = elems;
  }
  return success();
}

LogicalResult Importer::lowerNode(tj::Node *node) {
  Location loc = nodeLoc(node);
  std::string kind = node->kind().toQualString();

  // Fold: constants, metadata queries and anything computed only from them.
  bool allStaticInputs = true;
  for (tj::Value *in : node->inputs())
    if (!isStatic(in))
      allStaticInputs = false;
  bool producesTensor = false;
  for (tj::Value *out : node->outputs()) {
    auto list = out->type()->cast<c10::ListType>();
    if (isTensorType(out->type()) || (list && isTensorType(list->getElementType())))
      producesTensor = true;
  }

  if (node->kind() == c10::prim::Constant) {
    auto iv = tj::toIValue(node->output());
    if (iv && iv->isTensor()) {
      Value v = lowerTensorConstant(iv->toTensor(), node->output(), loc);
      if (!v)
        return failure();
      mapped[node->output()] = v;
      if (iv->toTensor().numel() <= opts.inlineConstantLimit) {
        staticValues.insert(node->output());
        probed[node->output()] = *iv;
      }
    } else {
      staticValues.insert(node->output());
      if (iv)
        probed[node->output()] = *iv;
    }
    return success();
  }
  if (node->kind() == c10::prim::ListConstruct) {
    bool tensorList = node->output()->type()->cast<c10::ListType>() &&
                      isTensorType(node->output()->type()->cast<c10::ListType>()->getElementType());
    if (tensorList) {
      std::vector<Value> elems;
      for (tj::Value *in : node->inputs()) {
        if (!mapped.count(in)) {
          emitError(loc) << "tensor list element is not a lowered tensor";
          return failure();
        }
        elems.push_back(mapped[in]);
      }
      mappedLists[node->output()] = elems;
      return success();
    }
    if (allStaticInputs) {
      staticValues.insert(node->output());
      return success();
    }
    opaque(node, "list built from tensor data");
    return success();
  }
  if (node->kind() == c10::prim::ListUnpack || node->kind() == c10::prim::TupleUnpack) {
    tj::Value *list = node->input();
    if (mappedLists.count(list)) {
      auto &elems = mappedLists[list];
      if (elems.size() != node->outputs().size()) {
        emitError(loc) << "unpacks " << node->outputs().size() << " values from a list of "
                       << elems.size();
        return failure();
      }
      for (size_t i = 0; i < elems.size(); ++i)
        mapped[node->output(i)] = elems[i];
      return success();
    }
    if (allStaticInputs) {
      for (tj::Value *out : node->outputs())
        staticValues.insert(out);
      return success();
    }
  }
  if (node->kind() == c10::prim::TupleConstruct) {
    std::vector<Value> elems;
    for (tj::Value *in : node->inputs()) {
      if (!mapped.count(in)) {
        emitError(loc) << "tuples may only hold tensors in pike";
        return failure();
      }
      elems.push_back(mapped[in]);
    }
    mappedLists[node->output()] = elems;
    return success();
  }
  // Scalars from static values (aten::Int(NumToTensor(size))) are static.
  if ((allStaticInputs || isMetadataQuery(node)) && !producesTensor) {
    for (tj::Value *out : node->outputs())
      staticValues.insert(out);
    return success();
  }
  // A small tensor computed only from constants and shapes (traced size
  // arithmetic such as NumToTensor(size) // 4) is a constant too.
  if (allStaticInputs && producesTensor && node->outputs().size() == 1 &&
      node->kind() != c10::prim::ListConstruct) {
    auto it = probed.find(node->output());
    if (it != probed.end() && it->second.isTensor() &&
        it->second.toTensor().numel() <= opts.inlineConstantLimit) {
      Value v = lowerTensorConstant(it->second.toTensor(), node->output(), loc);
      if (!v)
        return failure();
      mapped[node->output()] = v;
      staticValues.insert(node->output());
      return success();
    }
  }
  if (node->kind() == c10::prim::If || node->kind() == c10::prim::Loop) {
    opaque(node, node->kind() == c10::prim::If ? "control flow on a value known only at run time"
                                                : "loop with a trip count known only at run time");
    return success();
  }
  if (node->kind().is_aten()) {
    if (!producesTensor) {
      // e.g. aten::item / aten::Int on data: a scalar only known at run time.
      for (tj::Value *out : node->outputs())
        (void)out;
      opaque(node, "scalar that depends on tensor data");
      return success();
    }
    std::string functional = kind;
    if (kind.size() > 1 && kind.back() == '_' && kind[kind.size() - 2] != '_') {
      // In-place ops the mutation remover left (mutating views such as the
      // gates of a decomposed lstm_cell): value semantics hold when nothing
      // reads the mutated tensor, or the tensor it views, afterwards.
      if (!mutationIsUnobserved(node)) {
        opaque(node, "in-place update of a tensor that is read afterwards");
        return success();
      }
      functional = kind.substr(0, kind.size() - 1);
    }
    if (!pike::lookupAtenOp(functional)) {
      // Reported, then lowered as opaque so that the rest of the model is
      // checked too: every unsupported operator shows up in one run.
      emitError(loc) << "unsupported operator '" << kind << "'";
      failedNode = true;
      opaque(node, "unsupported operator");
      return success();
    }
    const c10::FunctionSchema *schema = node->maybeSchema();
    if (!schema) {
      emitError(loc) << "operator '" << kind << "' has no schema matching its arguments";
      return failure();
    }
    return lowerAten(node, *schema, functional);
  }
  emitError(loc) << "unsupported TorchScript node '" << kind << "'";
  failedNode = true;
  opaque(node, "unsupported TorchScript node");
  return success();
}

/// PIKE_IMPORT_TIMING=1: wall and CPU time of each import phase on stderr (where a
/// slow import spends its time; the benchmark in docs/import.md).
class PhaseTimer {
public:
  PhaseTimer() : on(std::getenv("PIKE_IMPORT_TIMING") != nullptr) { read(wall, cpu); }
  void mark(const char *phase) {
    if (!on)
      return;
    double w, c;
    read(w, c);
    llvm::errs() << llvm::format("pike-import: %-12s %8.1f ms wall %8.1f ms cpu\n", phase,
                                 (w - wall) * 1e3, (c - cpu) * 1e3);
    wall = w;
    cpu = c;
  }

private:
  static void read(double &w, double &c) {
    w = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    c = static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
  }
  bool on;
  double wall = 0, cpu = 0;
};

OwningOpRef<ModuleOp> Importer::run(const std::string &path) {
  PhaseTimer timer;
  sourcePath = path;
  Location fileLoc = FileLineColLoc::get(&ctx, path, 0, 0);
  if (!std::filesystem::exists(path)) {
    emitError(fileLoc) << "no such file '" << path << "'";
    return nullptr;
  }
  tj::Module module;
  std::string loadError;
  try {
    if (pike::isExportedProgramPath(path)) {
      pike::InputSpec fromProgram;
      module = pike::loadExportedProgram(path, fromProgram);
      if (opts.inputSpec.inputs.empty())
        opts.inputSpec = fromProgram;
    } else {
      // Weights land on the CPU whatever device the model was exported for.
      std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
      std::optional<pike::SourceFileStamp> before = pike::stampOf(absolute);
      auto reads = std::make_shared<pike::RecordingFileAdapter>(path);
      module = tj::load(reads, c10::Device(c10::kCPU));
      std::optional<pike::SourceFileStamp> after = pike::stampOf(absolute);
      // A file rewritten while it was read cannot be referred to.
      if (before && after && before->size == after->size && before->mtimeNs == after->mtimeNs)
        archiveStorages.collect(module, *reads, *after);
    }
  } catch (const c10::Error &e) {
    loadError = firstLine(e.what_without_backtrace());
  } catch (const std::exception &e) {
    loadError = firstLine(e.what());
  }
  if (!loadError.empty()) {
    if (pike::isTorchSaveFile(path))
      emitError(fileLoc) << kNotTorchScript;
    else
      emitError(fileLoc) << loadFailure(path) << loadError;
    return nullptr;
  }
  timer.mark("load");
  if (!module.find_method("forward")) {
    emitError(fileLoc) << "TorchScript module has no forward() method";
    return nullptr;
  }
  module.eval();
  std::shared_ptr<tj::Graph> graph;
  // A frozen module (export.py's, torch.jit.freeze's) reads nothing from `self`:
  // freezing it again clones and re-optimises the whole graph for nothing (1.5 s
  // of the 1026-slot GRU stack's import).
  auto readsSelf = [](tj::Module &m) {
    std::shared_ptr<tj::Graph> g = m.get_method("forward").graph();
    return !g->inputs().empty() && g->inputs()[0]->hasUses();
  };
  if (!readsSelf(module)) {
    graph = module.get_method("forward").graph()->copy();
  } else {
    try {
      tj::Module frozen = tj::freeze(module);
      graph = frozen.get_method("forward").graph()->copy();
      module = frozen;
    } catch (const c10::Error &e) {
      // Modules that cannot be frozen (no `training` attribute): use as is.
      graph = module.get_method("forward").graph()->copy();
    }
  }
  timer.mark("freeze");
  tj::Inline(*graph);
  tj::LowerSimpleTuples(graph);
  tj::RemoveTensorMutation(graph);
  tj::ConstantPropagation(graph);
  tj::UnrollConstantLoops(graph);
  tj::ConstantPropagation(graph);
  tj::EliminateDeadCode(graph);
  tj::ConstantPooling(graph);
  timer.mark("graph passes");

  // inputs()[0] is `self`.
  size_t numInputs = graph->inputs().size() - 1;
  if (opts.inputSpec.inputs.size() != numInputs) {
    emitError(fileLoc) << "input spec gives " << opts.inputSpec.inputs.size()
                       << " inputs but forward() takes " << numInputs;
    return nullptr;
  }
  for (size_t i = 0; i < numInputs; ++i)
    if (!isTensorType(graph->inputs()[i + 1]->type())) {
      emitError(fileLoc) << "forward() argument #" << i << " ('"
                         << graph->inputs()[i + 1]->debugName()
                         << "') is not a Tensor; bind non-tensor arguments into a wrapper "
                            "module when exporting (kernelbench/export.py does)";
      return nullptr;
    }
  if (failed(probe(module, graph)))
    return nullptr;
  timer.mark("shapes");
  // A scripted `for` loop over sizes (`range(x.shape[0])`): the probe knows its
  // trip count; unroll it and find the copies' shapes (a loop over a loop's
  // result needs a second round).
  for (int round = 0; round < kMaxUnrollRounds; ++round) {
    auto tripCount = [&](const tj::Value *v) -> std::optional<int64_t> {
      auto it = probed.find(v);
      if (it == probed.end() || !it->second.isInt() || !derivesFromShapesOnly(v))
        return std::nullopt;
      return it->second.toInt();
    };
    if (pike::unrollForLoops(*graph, tripCount, kMaxUnrolledNodes) == 0)
      break;
    tj::RemoveListMutation(graph);
    tj::ConstantPropagation(graph);
    tj::EliminateDeadCode(graph);
    tj::ConstantPooling(graph);
    timer.mark("unroll loops");
    probed.clear();
    shapeOnly.clear();
    if (failed(probe(module, graph)))
      return nullptr;
    timer.mark("shapes again");
  }

  OwningOpRef<ModuleOp> result = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(result->getBody());
  SmallVector<Type> argTypes;
  for (const TensorSpec &spec : opts.inputSpec.inputs) {
    Type et = elementType(ctx, scalarTypeOf(spec.dtype));
    argTypes.push_back(RankedTensorType::get(spec.shape, et));
  }
  auto func = b.create<func::FuncOp>(fileLoc, "forward", b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  SmallVector<Attribute> argNames;
  for (size_t i = 0; i < numInputs; ++i) {
    mapped[graph->inputs()[i + 1]] = entry->getArgument(i);
    argNames.push_back(b.getStringAttr(opts.inputSpec.inputs[i].name));
  }
  func->setAttr(pike::kInputNamesAttr, b.getArrayAttr(argNames));
  b.setInsertionPointToEnd(entry);

  std::map<std::string, int> kindCounts;
  for (tj::Node *node : graph->nodes())
    consumerIndex[node] = kindCounts[node->kind().toUnqualString()]++;
  for (tj::Node *node : graph->nodes())
    if (failed(lowerNode(node)))
      return nullptr;
  if (failedNode)
    return nullptr;
  timer.mark("lowering");

  SmallVector<Value> results;
  for (tj::Value *out : graph->outputs()) {
    if (mapped.count(out)) {
      results.push_back(mapped[out]);
    } else if (mappedLists.count(out)) {
      for (Value v : mappedLists[out])
        results.push_back(v);
    } else {
      emitError(fileLoc) << "forward() returns a value that is not a tensor or a tuple of tensors";
      return nullptr;
    }
  }
  b.create<func::ReturnOp>(fileLoc, results);
  func.setType(b.getFunctionType(argTypes, TypeRange(ValueRange(results))));

  // Absolute, so the IR can be processed again from any directory.
  std::string weightsPath = std::filesystem::absolute(opts.weightsFile).lexically_normal().string();
  if (!weights.empty()) {
    std::string error;
    if (!pike::writeSafeTensors(weightsPath, weights, error, &archiveStorages.source())) {
      emitError(fileLoc) << error;
      return nullptr;
    }
  }
  timer.mark("weights file");
  (*result)->setAttr(pike::kWeightsFileAttr, b.getStringAttr(weightsPath));
  (*result)->setAttr(pike::kSourceAttr, b.getStringAttr(path));
  return result;
}

} // namespace

OwningOpRef<ModuleOp> pike::importTorchScript(MLIRContext &context, const std::string &path,
                                              const ImportOptions &options) {
  context.loadDialect<pike::PikeDialect, func::FuncDialect>();
  // Import computes nothing large (shapes come from meta tensors); LibTorch's
  // OpenMP pool would only spin on the few small folds it does.
  struct SingleThread {
    int previous = at::get_num_threads();
    SingleThread() { at::set_num_threads(1); }
    ~SingleThread() { at::set_num_threads(previous); }
  } singleThread;
  Importer importer(context, options);
  // LibTorch reports damaged archives and unexpected graphs by throwing, from
  // places no narrower handler covers (lazy reads of the archive's records).
  try {
    return importer.run(path);
  } catch (const c10::Error &e) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot import TorchScript module: " << firstLine(e.what_without_backtrace());
  } catch (const std::exception &e) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot import TorchScript module: " << firstLine(e.what());
  }
  return nullptr;
}

bool pike::dumpTorchScriptGraph(MLIRContext &context, const std::string &path,
                                std::string &graphText) {
  try {
    pike::InputSpec unused;
    tj::Module module = pike::isExportedProgramPath(path) ? pike::loadExportedProgram(path, unused) : tj::load(path);
    module.eval();
    std::shared_ptr<tj::Graph> graph;
    try {
      graph = tj::freeze(module).get_method("forward").graph()->copy();
    } catch (const c10::Error &) {
      graph = module.get_method("forward").graph()->copy();
    }
    tj::Inline(*graph);
    tj::ConstantPropagation(graph);
    tj::EliminateDeadCode(graph);
    graphText = graph->toString(false);
    return true;
  } catch (const c10::Error &e) {
    Location loc = FileLineColLoc::get(&context, path, 0, 0);
    if (pike::isTorchSaveFile(path))
      emitError(loc) << kNotTorchScript;
    else
      emitError(loc) << loadFailure(path) << firstLine(e.what_without_backtrace());
    return false;
  } catch (const std::exception &e) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << loadFailure(path) << firstLine(e.what());
    return false;
  }
}
