// aten::cat read in place by the elementwise DAG: the concatenated tensor is
// never stored; each element is loaded from the operand that holds it, picked
// by comparing the element's coordinate along the cat dim with the operands'
// cumulative extents.
#include "Internal.h"

#include "pike/Dialect/PikeOps.h"

using namespace mlir;

namespace pike::codegen::detail {

bool isCatOp(Operation *op) {
  auto a = dyn_cast_or_null<pike::AtenOp>(op);
  return a && a.getName() == "aten::cat";
}

int64_t CatPlan::inner() const {
  int64_t n = 1;
  for (size_t d = dim + 1; d < shape.size(); ++d)
    n *= shape[d];
  return n;
}

bool planCat(pike::AtenOp cat, CatPlan &p, std::string &why) {
  if (cat->getNumResults() != 1) {
    why = "aten::cat with " + std::to_string(cat->getNumResults()) + " results";
    return false;
  }
  p = CatPlan();
  p.shape = shapeOf(cat->getResult(0));
  const int64_t rank = (int64_t)p.shape.size();
  if (rank == 0) {
    why = "aten::cat of a 0-d result";
    return false;
  }
  int64_t dim = 0;
  if (auto d = cat->getAttrOfType<IntegerAttr>("dim"))
    dim = d.getInt();
  if (dim < -rank || dim >= rank) {
    why = "aten::cat dim " + std::to_string(dim) + " is out of range for rank " +
          std::to_string(rank);
    return false;
  }
  p.dim = dim < 0 ? dim + rank : dim;
  int64_t start = 0;
  for (Value o : cat.getInputs()) {
    auto t = dyn_cast<RankedTensorType>(o.getType());
    if (!t || !t.hasStaticShape() || t.getRank() != rank) {
      why = "an aten::cat operand is not a static tensor of the result's rank";
      return false;
    }
    for (int64_t d = 0; d < rank; ++d)
      if (d != p.dim && t.getDimSize(d) != p.shape[d]) {
        why = "an aten::cat operand's size off the cat dim differs from the result's";
        return false;
      }
    int64_t extent = t.getDimSize(p.dim);
    if (extent == 0)
      continue;
    p.operands.push_back(o);
    p.starts.push_back(start);
    p.extents.push_back(extent);
    start += extent;
  }
  if (start != p.shape[p.dim]) {
    why = "aten::cat operands do not add up to the result's size along the cat dim";
    return false;
  }
  if (p.operands.empty()) {
    why = "aten::cat with no elements";
    return false;
  }
  return true;
}

bool catOperandsReadable(pike::AtenOp cat, Unsupported &err) {
  CatPlan p;
  std::string why;
  if (!planCat(cat, p, why))
    return err.fail(cat, why);
  for (auto [k, o] : llvm::enumerate(cat.getInputs()))
    if (!isa<BlockArgument>(o) && !o.getDefiningOp<pike::ConstantOp>())
      return err.fail(cat, "aten::cat operand " + std::to_string(k) +
                               " is computed inside the region; only slot inputs and "
                               "constants are read in place");
  return true;
}

namespace {

/// Index into operand `k` of `p` (dims right-aligned at `off` in the iteration
/// space, coordinates `cp<d>`), its coordinate along the cat dim shifted by
/// the operand's start. Size-1 dims contribute nothing (broadcast).
std::string operandIndex(const CatPlan &p, size_t k, size_t off, const std::string &cp) {
  // The operand's shape in the plan's order (planCat checked that it is the
  // result's off the cat dim; a channels-last plan has permuted both).
  std::vector<int64_t> shape = p.shape;
  shape[p.dim] = p.extents[k];
  std::vector<std::string> terms;
  int64_t stride = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] != 1) {
      std::string c = cp + std::to_string(off + d);
      if ((int64_t)d == p.dim && p.starts[k] != 0)
        c = "(" + c + " - " + std::to_string(p.starts[k]) + ")";
      terms.push_back(stride == 1 ? c : c + " * " + std::to_string(stride));
    }
    stride *= shape[d];
  }
  if (terms.empty())
    return "0";
  std::string s;
  for (size_t t = terms.size(); t-- > 0;)
    s += (s.empty() ? "" : " + ") + terms[t];
  return s;
}

/// Balanced tree of `coord < start` tests over operands [lo, hi): each leaf
/// assigns `leaf(k)` (a statement) for the operand holding the element.
void emitPickTree(const CatPlan &p, size_t lo, size_t hi, const std::string &coord,
                  const std::string &ind, const std::function<std::string(size_t)> &leaf,
                  std::ostream &os) {
  if (hi - lo == 1) {
    os << ind << leaf(lo) << "\n";
    return;
  }
  size_t mid = (lo + hi) / 2;
  os << ind << "if (" << coord << " < " << p.starts[mid] << ") {\n";
  emitPickTree(p, lo, mid, coord, ind + "  ", leaf, os);
  os << ind << "} else {\n";
  emitPickTree(p, mid, hi, coord, ind + "  ", leaf, os);
  os << ind << "}\n";
}

} // namespace

bool ElemEmitter::emitCat(pike::AtenOp cat, std::ostringstream &os, Unsupported &err) {
  CatPlan p;
  std::string why;
  if (!planCat(cat, p, why))
    return err.fail(cat, why);
  Value result = cat->getResult(0);
  std::string T = cType(elementTypeOf(result.getType()));
  if (T.empty())
    return err.fail(cat, "result element type is not supported");
  if (!logical.empty()) {
    if (p.shape.size() != 4)
      return err.fail(cat, "a cat of rank " + std::to_string(p.shape.size()) + " in a channels-last slot");
    toChannelsLastCat(p);
  }
  if (!broadcastsTo(p.shape, iter))
    return err.fail(cat, "the concatenation does not broadcast to the iteration space");
  std::string v = fresh();
  if (loadOverride)
    if (auto o = loadOverride(result)) {
      os << ind << "const " << T << " " << v << " = " << *o << ";\n";
      done[result] = {v, T};
      return true;
    }
  const size_t off = iter.size() - p.shape.size();
  std::vector<std::string> loads;
  for (size_t k = 0; k < p.operands.size(); ++k) {
    Value o = p.operands[k];
    std::string ct = cType(elementTypeOf(o.getType()));
    if (ct.empty())
      return err.fail(cat, "aten::cat operand element type is not supported");
    std::string load;
    double fv;
    int64_t iv;
    bool isF;
    if (splatValue(o, fv, iv, isF)) {
      load = isF ? floatLiteral(fv, T) : intLiteral(iv, T);
    } else if (auto it = tensors.find(o); it != tensors.end()) {
      // The only operand is the whole result: read it like any broadcast tensor.
      std::string idx = p.operands.size() == 1 ? broadcastIndex(p.shape, iter, lin, cp)
                                               : operandIndex(p, k, off, cp);
      needCoords |= idx.find(cp) != std::string::npos;
      load = it->second.name + "[" + idx + "]";
      if (ct != T)
        load = "(" + T + ")" + load;
    } else {
      return err.fail(cat, "aten::cat operand " + std::to_string(k) +
                               " is computed inside the region; only slot inputs and "
                               "constants are read in place");
    }
    loads.push_back(load);
  }
  if (loads.size() == 1) {
    os << ind << "const " << T << " " << v << " = " << loads[0] << ";\n";
  } else {
    needCoords = true;
    os << ind << T << " " << v << ";\n";
    emitPickTree(p, 0, loads.size(), cp + std::to_string(off + p.dim), ind,
                 [&](size_t k) { return v + " = " + loads[k] + ";"; }, os);
  }
  done[result] = {v, T};
  return true;
}

bool catVectorizable(const CatPlan &p, llvm::ArrayRef<int64_t> iter, int vw,
                     const llvm::DenseMap<Value, TensorRef> &tensors) {
  if (vw <= 1 || numel(p.shape) != numel(iter) || !broadcastsTo(p.shape, iter))
    return false;
  // A vector of `vw` lanes lies in one operand, contiguously: the run after
  // the cat dim is a multiple of `vw`, or (a cat along the last dim, as a
  // channels-last cat of channels is) every operand starts and ends on one.
  bool lanesStayInOperand = p.inner() % vw == 0;
  if (!lanesStayInOperand && p.inner() == 1) {
    lanesStayInOperand = true;
    for (size_t k = 0; k < p.operands.size(); ++k)
      lanesStayInOperand &= p.starts[k] % vw == 0 && p.extents[k] % vw == 0;
  }
  if (!lanesStayInOperand)
    return false;
  for (Value o : p.operands) {
    double fv;
    int64_t iv;
    bool isF;
    if (!elementTypeOf(o.getType()).isF32())
      return false;
    if (splatValue(o, fv, iv, isF))
      continue;
    if (!isa<BlockArgument>(o) || !tensors.count(o))
      return false;
  }
  return true;
}

void emitCatVectorLoad(const CatPlan &p, const llvm::DenseMap<Value, TensorRef> &tensors,
                       const std::string &var, const std::string &vt, const std::string &base,
                       const std::string &ind, std::ostream &os) {
  const int64_t C = p.shape[p.dim], inner = p.inner();
  os << ind << vt << " " << var << ";\n" << ind << "{\n";
  std::string in = ind + "  ";
  // base = (o * C + c) * inner + r; operand k's element is (o * E_k + c - start_k) * inner + r,
  // a multiple of the vector width whenever base is (inner is).
  os << in << "const pike_idx pike_cat_o = " << base << " / " << C * inner << ";\n";
  os << in << "const pike_idx pike_cat_c = " << base << " / " << inner << " % " << C << ";\n";
  os << in << "const pike_idx pike_cat_r = " << base << " % " << inner << ";\n";
  os << in << "(void)pike_cat_o; (void)pike_cat_r;\n";
  emitPickTree(
      p, 0, p.operands.size(), "pike_cat_c", in,
      [&](size_t k) {
        double fv;
        int64_t iv;
        bool isF;
        if (splatValue(p.operands[k], fv, iv, isF)) {
          std::string lit = floatLiteral(isF ? fv : (double)iv, "float"), all;
          for (int64_t l = 0, w = vt == "float4" ? 4 : 2; l < w; ++l)
            all += (l ? ", " : "") + lit;
          return var + " = make_" + vt + "(" + all + ");";
        }
        std::string c = "pike_cat_c";
        if (p.starts[k] != 0)
          c = "(pike_cat_c - " + std::to_string(p.starts[k]) + ")";
        std::string idx = "(pike_cat_o * " + std::to_string(p.extents[k]) + " + " + c + ") * " +
                          std::to_string(inner) + " + pike_cat_r";
        return var + " = *reinterpret_cast<const " + vt + "*>(" +
               tensors.lookup(p.operands[k]).name + " + " + idx + ");";
      },
      os);
  os << ind << "}\n";
}

} // namespace pike::codegen::detail
