// Elementwise DAG regions: one grid-stride kernel over the broadcast iteration
// space, vectorised (float2/float4) where the tensors allow it.
#include "Internal.h"

#include "pike/Dialect/SlotLayout.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <set>

using namespace mlir;

namespace pike::codegen::detail {

std::string paramList(pike::KernelOp kernel) {
  std::string s;
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  for (auto [i, t] : llvm::enumerate(ins))
    s += (s.empty() ? "" : ", ") + std::string("const ") + cType(elementTypeOf(t)) +
         "* __restrict__ in" + std::to_string(i);
  for (auto [i, t] : llvm::enumerate(outs))
    s += (s.empty() ? "" : ", ") + cType(elementTypeOf(t)) + "* __restrict__ out" +
         std::to_string(i);
  return s;
}

pike::AtenOp singleAnchor(pike::KernelOp kernel, llvm::function_ref<bool(pike::AtenOp)> isAnchor,
                          llvm::StringRef what, Unsupported &err) {
  pike::AtenOp anchor;
  for (Operation &op : kernel.getBody().front()) {
    auto a = dyn_cast<pike::AtenOp>(op);
    if (!a)
      continue;
    if (isAnchor(a)) {
      if (anchor) {
        err.fail(a, "more than one " + what.str() + " in one region");
        return {};
      }
      anchor = a;
      continue;
    }
    std::string why;
    if (!ElemEmitter::supports(a, &why)) {
      err.fail(a, why);
      return {};
    }
  }
  if (!anchor)
    err.fail(kernel, "no " + what.str());
  return anchor;
}

bool operandPtr(Value v, const llvm::DenseMap<Value, TensorRef> &tensors, std::string &out,
                Unsupported &err, Operation *at, llvm::StringRef what) {
  auto it = tensors.find(v);
  if (it == tensors.end())
    return err.fail(v.getDefiningOp() ? v.getDefiningOp() : at,
                    what.str() + " is computed inside the region (prologues are not fused)");
  out = it->second.name;
  return true;
}

void emitHostPointers(pike::KernelOp kernel, std::ostream &os) {
  for (auto [i, t] : llvm::enumerate(kernel.getFunctionType().getInputs()))
    os << "  const " << cType(elementTypeOf(t)) << "* in" << i << " = (const "
       << cType(elementTypeOf(t)) << "*)pike_inputs[" << i << "];\n";
  for (auto [i, t] : llvm::enumerate(kernel.getFunctionType().getResults()))
    os << "  " << cType(elementTypeOf(t)) << "* out" << i << " = (" << cType(elementTypeOf(t))
       << "*)pike_outputs[" << i << "];\n";
}

void emitHostEntry(pike::KernelOp kernel, const std::string &name, std::ostream &os) {
  os << "extern \"C\" void " << name
     << "(const void* const* pike_inputs, void* const* pike_outputs) {\n";
  os << "  typedef long long pike_idx;\n";
  emitHostPointers(kernel, os);
}

void emitKernelHead(pike::KernelOp kernel, bool host, const std::string &name, int blockSize,
                    const std::string &indexType, std::ostream &os) {
  if (host) {
    emitHostEntry(kernel, name, os);
    return;
  }
  os << "extern \"C\" __global__ void __launch_bounds__(" << blockSize << ") " << name << "(" << paramList(kernel)
     << ") {\n";
  os << "  typedef " << indexType << " pike_idx;\n";
}

bool emitStores(ElemEmitter &e, pike::KernelOp kernel, const std::string &lin,
                std::ostringstream &body, std::ostringstream &os, Unsupported &err) {
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  for (auto [k, v] : llvm::enumerate(yield.getValues())) {
    auto val = e.value(v, body, err);
    if (!val)
      return false;
    std::string ct = cType(elementTypeOf(v.getType()));
    body << e.ind << "out" << k << "[" << lin << "] = "
         << (val->second == ct ? val->first : "(" + ct + ")" + val->first) << ";\n";
  }
  if (e.usesCoords())
    e.emitCoords(os);
  os << body.str();
  return true;
}

bool bindSlotTensors(pike::KernelOp kernel, bool host, std::string &defs,
                     llvm::DenseMap<Value, TensorRef> &tensors, Unsupported &err) {
  for (Type t : llvm::concat<const Type>(kernel.getFunctionType().getInputs(),
                                         kernel.getFunctionType().getResults()))
    if (cType(elementTypeOf(t)).empty()) {
      std::string s;
      llvm::raw_string_ostream ss(s);
      ss << "tensor element type " << elementTypeOf(t) << " is not supported";
      return err.fail(kernel, ss.str());
    }
  Block &body = kernel.getBody().front();
  if (!collectConstantArrays(body, host, defs, tensors, "pike_c", err))
    return false;
  for (auto [i, arg] : llvm::enumerate(body.getArguments()))
    tensors[arg] = TensorRef{"in" + std::to_string(i), cType(elementTypeOf(arg.getType())),
                             shapeOf(arg)};
  return true;
}

bool collectConstantArrays(Block &body, bool host, std::string &defs,
                           llvm::DenseMap<Value, TensorRef> &tensors, const std::string &prefix,
                           Unsupported &err) {
  int n = 0;
  int64_t bytes = 0;
  for (Operation &op : body) {
    auto c = dyn_cast<pike::ConstantOp>(&op);
    if (!c)
      continue;
    ElementsAttr attr = c.getValue();
    if (attr.isSplat() || attr.getNumElements() == 1)
      continue;
    Type et = attr.getElementType();
    std::string ct = cType(et);
    if (ct.empty()) {
      err.op = c;
      err.reason = "constant element type is not supported";
      return false;
    }
    bytes += attr.getNumElements() * std::max<int64_t>(1, et.getIntOrFloatBitWidth() / 8);
    if (bytes > 32768) {
      err.op = c;
      err.reason = "constants larger than 32 KiB in total are not inlined";
      return false;
    }
    std::string name = prefix + std::to_string(n++);
    std::string vals;
    int count = 0;
    if (isa<FloatType>(et)) {
      for (APFloat v : attr.getValues<APFloat>())
        vals += (count++ ? ", " : "") + floatLiteral(v.convertToDouble(), ct);
    } else {
      for (APInt v : attr.getValues<APInt>())
        vals += (count++ ? ", " : "") +
                intLiteral(et.getIntOrFloatBitWidth() == 1 ? (int64_t)v.getZExtValue()
                                                           : v.getSExtValue(),
                           ct);
    }
    defs += std::string(host ? "static const " : "__constant__ ") + ct + " " + name + "[" +
            std::to_string(attr.getNumElements()) + "] = {" + vals + "};\n";
    tensors[c.getResult()] = TensorRef{name, ct, shapeOf(c.getResult())};
  }
  return true;
}

bool emitElementwise(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                     Unsupported &err) {
  Block &body = kernel.getBody().front();
  auto yield = cast<pike::YieldOp>(body.getTerminator());
  std::vector<int64_t> iter;
  for (Operation &op : body) {
    std::string why;
    if (isa<pike::YieldOp>(op))
      continue;
    if (!isViewRead(&op) && !ElemEmitter::supports(&op, &why)) {
      err.op = &op;
      err.reason = why;
      return false;
    }
    // Before the iteration space is formed from the operands' shapes.
    if (isCatOp(&op) && !catOperandsReadable(cast<pike::AtenOp>(op), err))
      return false;
    // A view's shape is its readers' business (a select's source is wider).
    for (Value r : op.getResults())
      if (!isa<pike::ConstantOp>(op) && !isViewRead(&op))
        iter = broadcastShapes(iter, shapeOf(r));
  }
  for (Value v : yield.getValues())
    iter = broadcastShapes(iter, shapeOf(v));
  const int64_t N = numel(iter);
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, host, defs, tensors, err) || !bindViewReads(body, tensors, err))
    return false;
  // Channels-last slots run over the physical order of their rank-4 tensors.
  std::vector<int64_t> logical;
  if (isChannelsLastSlot(kernel)) {
    if (!toChannelsLastSpace(kernel, iter, logical, tensors, err))
      return false;
    for (Value v : yield.getValues())
      if (numel(shapeOf(v)) != N)
        return err.fail(kernel, "an output smaller than the iteration space in a channels-last slot");
  }

  // Vectorisation: f32 tensors of the full iteration shape move as float2/float4,
  // and views read through whose lanes lie side by side (viewReadVectorizable);
  // the others are read/written per lane.
  int vw = host ? 1 : knobs.vectorWidth;
  if (vw != 2 && vw != 4)
    vw = 1;
  // A cat read in place (ElementwiseCat.cpp) moves as one vector per group of
  // lanes when every group lies in one operand; otherwise its lanes are read
  // one by one like a broadcast tensor.
  std::vector<int> vecIns, vecOuts;
  std::vector<std::pair<Value, CatPlan>> vecCats;
  int cats = 0;
  for (Operation &op : body)
    cats += isCatOp(&op);
  std::vector<Value> vecViews;
  if (vw > 1 && N % vw == 0) {
    for (auto [i, t] : llvm::enumerate(ins)) {
      // An argument only views read is never loaded as itself.
      bool readDirectly = llvm::any_of(body.getArgument(i).getUsers(),
                                       [](Operation *u) { return !isViewRead(u); });
      const std::vector<int64_t> &shape = tensors[body.getArgument(i)].shape; // physical order
      if (readDirectly && elementTypeOf(t).isF32() && numel(shape) == N && broadcastsTo(shape, iter))
        vecIns.push_back(i);
    }
    for (Operation &op : body)
      if (isViewRead(&op))
        for (Value r : op.getResults()) {
          const TensorRef &t = tensors[r];
          if (!r.use_empty() && elementTypeOf(r.getType()).isF32() &&
              llvm::StringRef(t.name).starts_with("in") && viewReadVectorizable(*t.layout, iter, vw))
            vecViews.push_back(r);
        }
    for (auto [i, t] : llvm::enumerate(outs))
      if (elementTypeOf(t).isF32() && numel(shapeOf(t)) == N)
        vecOuts.push_back(i);
    for (Operation &op : body) {
      CatPlan p;
      std::string why;
      if (!isCatOp(&op) || !elementTypeOf(op.getResult(0).getType()).isF32() ||
          !planCat(cast<pike::AtenOp>(op), p, why))
        continue;
      if (!logical.empty()) {
        if (p.shape.size() != 4)
          continue;
        toChannelsLastCat(p);
      }
      if (catVectorizable(p, iter, vw, tensors))
        vecCats.push_back({op.getResult(0), p});
    }
    if (vecIns.empty() && vecOuts.empty() && vecCats.empty() && vecViews.empty())
      vw = 1;
  } else {
    vw = 1;
  }
  if (vw == 1) {
    vecIns.clear();
    vecOuts.clear();
    vecCats.clear();
    vecViews.clear();
  }

  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_ew";
  std::string idx = indexType(N);
  std::ostringstream os;
  os << prelude(host) << defs;
  if (host)
    os << "extern \"C\" void " << name << "(const void* const* pike_inputs, void* const* pike_outputs) {\n";
  else
    os << "extern \"C\" __global__ void __launch_bounds__(" << knobs.blockSize << ") " << name
       << "(" << paramList(kernel) << ") {\n";
  os << "  typedef " << idx << " pike_idx;\n";
  if (host) {
    emitHostPointers(kernel, os);
  }
  os << "  const pike_idx n = " << N << ";\n";
  if (!host) {
    os << "  const pike_idx stride = (pike_idx)gridDim.x * blockDim.x;\n";
    os << "  const pike_idx t0 = (pike_idx)blockIdx.x * blockDim.x + threadIdx.x;\n";
  }

  // Body for one element `i` (values, then stores through `store`).
  auto emitBody = [&](std::ostringstream &o, const std::string &ind,
                      std::function<std::optional<std::string>(Value)> override,
                      std::function<std::string(int, const std::string &)> store) -> bool {
    ElemEmitter e(iter, "i", "c", ind);
    e.logical = logical;
    e.host = host;
    e.tensors = tensors;
    e.loadOverride = std::move(override);
    std::ostringstream bodyOs;
    bool smallOut = false;
    for (auto [k, v] : llvm::enumerate(yield.getValues())) {
      auto val = e.value(v, bodyOs, err);
      if (!val)
        return false;
      std::string ct = cType(elementTypeOf(v.getType()));
      std::string expr = val->second == ct ? val->first : "(" + ct + ")" + val->first;
      auto s = shapeOf(v);
      if (numel(s) == N) {
        bodyOs << ind << store((int)k, expr) << "\n";
        continue;
      }
      // A smaller output: written by the elements whose broadcast coordinates are 0.
      smallOut = true;
      std::string cond;
      size_t off = iter.size() - s.size();
      for (size_t d = 0; d < iter.size(); ++d) {
        int64_t sd = d < off ? 1 : s[d - off];
        if (sd == 1 && iter[d] != 1)
          cond += (cond.empty() ? "" : " && ") + std::string("c") + std::to_string(d) + " == 0";
      }
      std::string bidx = broadcastIndex(s, iter, "i", "c");
      bodyOs << ind << "if (" << (cond.empty() ? "true" : cond) << ") out" << k << "[" << bidx
        << "] = " << expr << ";\n";
    }
    if (smallOut || e.usesCoords())
      e.emitCoords(o);
    o << bodyOs.str();
    return true;
  };

  if (vw > 1) {
    std::string vt = vw == 4 ? "float4" : "float2";
    std::string mask;
    for (int i : vecIns)
      mask += (mask.empty() ? "" : " | ") + std::string("(unsigned long long)in") + std::to_string(i);
    for (int i : vecOuts)
      mask += (mask.empty() ? "" : " | ") + std::string("(unsigned long long)out") + std::to_string(i);
    std::set<unsigned> catIns;
    for (auto &[v, p] : vecCats)
      for (Value o : p.operands)
        if (auto arg = dyn_cast<BlockArgument>(o)) // the others are splat constants
          catIns.insert(arg.getArgNumber());
    for (unsigned i : catIns)
      if (std::find(vecIns.begin(), vecIns.end(), (int)i) == vecIns.end())
        mask += (mask.empty() ? "" : " | ") + std::string("(unsigned long long)in") + std::to_string(i);
    std::set<std::string> viewBases;
    for (Value v : vecViews)
      if (viewBases.insert(tensors[v].name).second)
        mask += (mask.empty() ? "" : " | ") + std::string("(unsigned long long)") + tensors[v].name;
    os << "  // Vector path: " << vt << " loads/stores when every vector pointer is aligned.\n";
    os << "  if (((" << mask << ") & " << (vw * 4 - 1) << ") == 0) {\n";
    os << "    for (pike_idx vi = t0; vi < n / " << vw << "; vi += stride) {\n";
    os << "      const pike_idx base = vi * " << vw << ";\n";
    for (int i : vecIns)
      os << "      const " << vt << " in" << i << "_v = *reinterpret_cast<const " << vt
         << "*>(in" << i << " + base);\n";
    llvm::DenseMap<Value, std::string> vecCat;
    for (auto &[v, p] : vecCats) {
      std::string var = "cat" + std::to_string(vecCat.size()) + "_v";
      emitCatVectorLoad(p, tensors, var, vt, "base", "      ", os);
      vecCat[v] = var;
    }
    // Views: one vector load at the source index of the lanes' first element.
    std::vector<std::string> viewIdx;
    bool viewCoords = false;
    for (Value v : vecViews) {
      viewIdx.push_back(viewReadIndex(*tensors[v].layout, iter, "base", "vc"));
      viewCoords |= viewIdx.back().find("vc") != std::string::npos;
    }
    if (viewCoords) {
      std::ostringstream coords;
      ElemEmitter(iter, "base", "vc", "      ").emitCoords(coords);
      os << coords.str();
    }
    llvm::DenseMap<Value, std::string> vecViewName;
    for (auto [k, v] : llvm::enumerate(vecViews)) {
      std::string n = "vr" + std::to_string(k) + "_v";
      vecViewName[v] = n;
      os << "      const " << vt << " " << n << " = *reinterpret_cast<const " << vt << "*>("
         << tensors[v].name << " + " << viewIdx[k] << ");\n";
    }
    for (int i : vecOuts)
      os << "      float out" << i << "_r[" << vw << "];\n";
    os << "#pragma unroll\n";
    os << "      for (int j = 0; j < " << vw << "; ++j) {\n";
    os << "        const pike_idx i = base + j;\n        (void)i;\n";
    llvm::DenseMap<Value, int> vecArg;
    for (int i : vecIns)
      vecArg[body.getArgument(i)] = i;
    std::ostringstream inner;
    bool ok = emitBody(
        inner, "        ",
        [&](Value v) -> std::optional<std::string> {
          if (auto c = vecCat.find(v); c != vecCat.end())
            return "reinterpret_cast<const float*>(&" + c->second + ")[j]";
          if (auto vit = vecViewName.find(v); vit != vecViewName.end())
            return "reinterpret_cast<const float*>(&" + vit->second + ")[j]";
          auto it = vecArg.find(v);
          if (it == vecArg.end())
            return std::nullopt;
          return "reinterpret_cast<const float*>(&in" + std::to_string(it->second) + "_v)[j]";
        },
        [&](int k, const std::string &expr) {
          if (std::find(vecOuts.begin(), vecOuts.end(), k) != vecOuts.end())
            return "out" + std::to_string(k) + "_r[j] = " + expr + ";";
          return "out" + std::to_string(k) + "[i] = " + expr + ";";
        });
    if (!ok)
      return false;
    os << inner.str() << "      }\n";
    for (int i : vecOuts) {
      os << "      " << vt << " out" << i << "_v;\n";
      const char *comp[] = {"x", "y", "z", "w"};
      for (int j = 0; j < vw; ++j)
        os << "      out" << i << "_v." << comp[j] << " = out" << i << "_r[" << j << "];\n";
      os << "      *reinterpret_cast<" << vt << "*>(out" << i << " + base) = out" << i << "_v;\n";
    }
    os << "    }\n    return;\n  }\n";
  }
  os << (host ? "  for (pike_idx i = 0; i < n; ++i) {\n"
              : "  for (pike_idx i = t0; i < n; i += stride) {\n");
  std::ostringstream inner;
  if (!emitBody(inner, "    ", nullptr, [](int k, const std::string &expr) {
        return "out" + std::to_string(k) + "[i] = " + expr + ";";
      }))
    return false;
  os << inner.str() << "  }\n}\n";

  int64_t units = vw > 1 ? N / vw : N;
  int64_t per = (int64_t)knobs.blockSize * std::max(1, knobs.itemsPerThread);
  int64_t grid = std::max<int64_t>(1, std::min<int64_t>((units + per - 1) / per, 1 << 20));
  nlohmann::json args = pointerArgs(ins.size(), outs.size());
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {grid, 1, 1}, knobs.blockSize, 0, args);
  std::string shape;
  for (int64_t d : iter)
    shape += (shape.empty() ? "" : "x") + std::to_string(d);
  out.summary = std::string(logical.empty() ? "" : "channels-last ") + "elementwise " + shape + " (" + std::to_string(N) + " elements), vector width " +
                std::to_string(vw) + ", block " + std::to_string(knobs.blockSize) + ", grid " +
                std::to_string(grid);
  if (cats)
    out.summary += ", " + std::to_string(cats) + " cat read in place (" +
                   std::to_string(vecCats.size()) + " as vectors)";
  return true;
}

} // namespace pike::codegen::detail
