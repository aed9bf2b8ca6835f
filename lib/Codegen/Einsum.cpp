// Two-operand aten::einsum contractions as strided batched GEMMs.
// Every index of the equation falls in one group: batch (in the output and in
// both operands, or kept as batch because it does not merge with its group),
// M (output and first operand only), N (output and second operand only), K
// (both operands, not the output). M, N and K must each merge into one strided
// index per operand (their dims adjacent and in the same order); batch dims
// may have any strides (the block decomposes its batch entry). An einsum whose
// operands and result are already [batch][M][K] x [batch][K|N][N|K] ->
// [batch][M][N] goes to the GEMM planner (Gemm.cpp: cuBLAS, cuBLASLt, SIMT);
// any other is generated here ("einsum" kind): a shared-memory tiled SIMT
// kernel reading through the strides, epilogue fused.
// A third operand whose every index is in the output and no contracted one is
// a scale of the result (applied before the epilogue); one whose indices are
// all in the first (second) operand or batch indices is a factor of that
// operand's elements, multiplied in as its tile is loaded (Mamba-2's chunked
// SSD: 'bcln,bhcl,bclhp->bchpn', 'bcln,bchpn,bhcl->bclhp', 'bcls,bhcls,bcshp->bclhp').
#include "Internal.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <map>

using namespace mlir;

namespace pike::codegen::detail {

namespace {

/// One strided index group: size and the stride in A, B and the output;
/// `dims` its indices (size-1 ones left out), outermost first.
struct Group {
  int64_t size = 1, sA = 0, sB = 0, sO = 0;
  std::string dims;
};

/// Where a third operand's elements enter: as a factor of A's or B's elements
/// (at their tile loads) or of the contraction's result.
enum class ScaleAt { None, A, B, Output };

struct EinsumPlan {
  pike::AtenOp op;
  Value A, B, O;
  Value S;                         // the third operand, when there is one
  ScaleAt scaleAt = ScaleAt::None;
  std::map<char, int64_t> size, sS; // index sizes; the third operand's strides
  std::vector<int64_t> oshape;
  std::vector<Group> batch; // outermost first
  Group M, N, K;
  int64_t numBatch() const {
    int64_t n = 1;
    for (const Group &g : batch)
      n *= g.size;
    return n;
  }
};

/// Row-major strides of `shape`.
std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    s[d - 1] = s[d] * shape[d];
  return s;
}

bool parseEquation(pike::AtenOp a, std::vector<std::string> &terms, std::string &out,
                   Unsupported &err) {
  auto eq = a->getAttrOfType<StringAttr>("equation");
  if (!eq)
    return err.fail(a, "einsum without its equation");
  std::string s;
  for (char c : eq.getValue().str())
    if (c != ' ')
      s += c;
  if (s.find("...") != std::string::npos)
    return err.fail(a, "einsum with an ellipsis ('...') has no code generator");
  size_t arrow = s.find("->");
  std::string lhs = arrow == std::string::npos ? s : s.substr(0, arrow);
  terms.clear();
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  if (terms.size() < 2 || terms.size() > 3)
    return err.fail(a, "einsum '" + eq.getValue().str() +
                           "': only two-operand contractions (and a third operand that scales one "
                           "of them or the result) have a code generator");
  if (arrow != std::string::npos) {
    out = s.substr(arrow + 2);
  } else {
    // Implicit output: the indices seen once, in alphabetical (ASCII) order.
    std::map<char, int> count;
    for (const std::string &t : terms)
      for (char c : t)
        ++count[c];
    for (auto [c, n] : count)
      if (n == 1)
        out += c;
  }
  std::vector<const std::string *> all{&out};
  for (const std::string &t : terms)
    all.push_back(&t);
  for (const std::string *t : all)
    for (size_t i = 0; i < t->size(); ++i) {
      if (!std::isalpha((unsigned char)(*t)[i]))
        return err.fail(a, "einsum equation '" + eq.getValue().str() + "' is malformed");
      if (t->find((*t)[i], i + 1) != std::string::npos)
        return err.fail(a, "einsum '" + eq.getValue().str() +
                               "' repeats an index in one term (diagonal) and has no code generator");
    }
  return true;
}

/// Merges the indices `idx` (in this order) into one strided group; false when
/// some operand does not hold them adjacently in that order.
bool mergeGroup(const std::string &all, const std::map<char, int64_t> &size,
                const std::map<char, int64_t> &sA, const std::map<char, int64_t> &sB,
                const std::map<char, int64_t> &sO, Group &g) {
  g = Group();
  // Size-1 dims never move an address: they merge anywhere.
  std::string idx;
  for (char c : all)
    if (size.at(c) != 1)
      idx += c;
  g.dims = idx;
  if (idx.empty())
    return true;
  auto strideIn = [](const std::map<char, int64_t> &s, char c) -> int64_t {
    return s.count(c) ? s.at(c) : 0;
  };
  char last = idx.back();
  g.sA = strideIn(sA, last);
  g.sB = strideIn(sB, last);
  g.sO = strideIn(sO, last);
  g.size = size.at(last);
  for (size_t i = idx.size() - 1; i-- > 0;) {
    char c = idx[i];
    // Absent from an operand (stride 0) everywhere in the group, or adjacent.
    auto check = [&](const std::map<char, int64_t> &s, int64_t inner) {
      return s.count(c) ? s.at(c) == inner * g.size : inner == 0;
    };
    if (!check(sA, g.sA) || !check(sB, g.sB) || !check(sO, g.sO))
      return false;
    g.size *= size.at(c);
  }
  return true;
}

/// Of three terms, the one that scales another or the result: its position, and
/// where it enters. First fit in this order: a term of output indices only (a
/// scale of the result: none is contracted); a term whose indices another
/// operand all holds (a factor of that operand); a term whose indices are in one
/// operand or are batch indices of the pair (output and the other operand), which
/// then become batch indices of the operand it multiplies.
bool pickScale(const std::vector<std::string> &terms, const std::string &out, size_t &scale,
               ScaleAt &at) {
  auto has = [](const std::string &t, char c) { return t.find(c) != std::string::npos; };
  for (int pass = 0; pass < 3; ++pass)
    for (size_t s = 0; s < 3; ++s) {
      const std::string &a = terms[s == 0 ? 1 : 0], &b = terms[s == 2 ? 1 : 2], &t = terms[s];
      auto within = [&](const std::string &own, const std::string &other) {
        return llvm::all_of(t, [&](char c) {
          return has(own, c) || (pass == 2 && has(other, c) && has(out, c));
        });
      };
      scale = s;
      if (pass == 0 && within(out, "")) {
        at = ScaleAt::Output;
        return true;
      }
      if (pass > 0 && within(a, b)) {
        at = ScaleAt::A;
        return true;
      }
      if (pass > 0 && within(b, a)) {
        at = ScaleAt::B;
        return true;
      }
    }
  return false;
}

bool planEinsum(pike::AtenOp a, EinsumPlan &p, Unsupported &err) {
  p.op = a;
  // The equation's own check names it when there are not two or three operands.
  std::vector<std::string> terms;
  std::string to;
  if (!parseEquation(a, terms, to, err))
    return false;
  if (a.getInputs().size() != terms.size())
    return err.fail(a, "einsum with " + std::to_string(a.getInputs().size()) + " operands for a " +
                           std::to_string(terms.size()) + "-term equation");
  std::string ts;
  size_t ia = 0, ib = 1;
  if (terms.size() == 3) {
    size_t s = 0;
    if (!pickScale(terms, to, s, p.scaleAt))
      return err.fail(a, "einsum '" + terms[0] + "," + terms[1] + "," + terms[2] + "->" + to +
                             "': no operand only scales another or the result (a chain of two "
                             "contractions); no code generator");
    ia = s == 0 ? 1 : 0;
    ib = s == 2 ? 1 : 2;
    ts = terms[s];
    p.S = a.getInputs()[s];
  }
  std::string ta = terms[ia], tb = terms[ib];
  p.A = a.getInputs()[ia];
  p.B = a.getInputs()[ib];
  p.O = a->getResult(0);
  for (Value v : {p.A, p.B, p.O, p.S})
    if (v && !elementTypeOf(v.getType()).isF32())
      return err.fail(a, "einsum on non-f32 tensors");
  auto as = shapeOf(p.A), bs = shapeOf(p.B);
  p.oshape = shapeOf(p.O);
  if (as.size() != ta.size() || bs.size() != tb.size() || p.oshape.size() != to.size() ||
      (p.S && shapeOf(p.S).size() != ts.size()))
    return err.fail(a, "einsum equation does not match its operands' ranks");
  std::map<char, int64_t> &size = p.size;
  std::map<char, int64_t> sA, sB, sO;
  auto bind = [&](const std::string &t, const std::vector<int64_t> &shape,
                  std::map<char, int64_t> &strides) -> bool {
    auto st = stridesOf(shape);
    for (size_t i = 0; i < t.size(); ++i) {
      auto [it, fresh] = size.insert({t[i], shape[i]});
      if (!fresh && it->second != shape[i])
        return err.fail(a, std::string("einsum index '") + t[i] + "' has two sizes (broadcast "
                                                                  "size-1 dims are not generated)");
      // A size-1 dim never moves the address: stride 0 lets it merge anywhere.
      strides[t[i]] = shape[i] == 1 ? 0 : st[i];
    }
    return true;
  };
  if (!bind(ta, as, sA) || !bind(tb, bs, sB) || !bind(to, p.oshape, sO) ||
      (p.S && !bind(ts, shapeOf(p.S), p.sS)))
    return false;
  // A factor's batch indices become the pair's: the operand it multiplies holds
  // them too, at stride 0 (the product varies along them, the operand does not).
  if (p.scaleAt == ScaleAt::A || p.scaleAt == ScaleAt::B) {
    std::string &own = p.scaleAt == ScaleAt::A ? ta : tb;
    std::map<char, int64_t> &st = p.scaleAt == ScaleAt::A ? sA : sB;
    for (char c : ts)
      if (own.find(c) == std::string::npos) {
        own += c;
        st[c] = 0;
      }
  }
  for (char c : to)
    if (!sA.count(c) && !sB.count(c))
      return err.fail(a, std::string("einsum output index '") + c + "' is in no operand");
  std::string m, n, k;
  for (char c : ta + tb)
    if (!sO.count(c) && !(sA.count(c) && sB.count(c)))
      return err.fail(a, std::string("einsum index '") + c +
                             "' is summed within one operand only; no code generator");
  // K in the first operand's order.
  for (char c : ta)
    if (sB.count(c) && !sO.count(c))
      k += c;
  // M / N: the innermost output run of first-only / second-only indices that
  // merges; everything else in the output is a batch dim.
  auto run = [&](auto onlyIn) {
    std::string r;
    for (size_t i = to.size(); i-- > 0;) {
      char c = to[i];
      if (!onlyIn(c)) {
        if (r.empty())
          continue;
        break;
      }
      std::string tryR = std::string(1, c) + r;
      Group g;
      if (!mergeGroup(tryR, size, sA, sB, sO, g))
        break;
      r = tryR;
    }
    return r;
  };
  m = run([&](char c) { return sA.count(c) && !sB.count(c); });
  n = run([&](char c) { return sB.count(c) && !sA.count(c); });
  if (!mergeGroup(m, size, sA, sB, sO, p.M) || !mergeGroup(n, size, sA, sB, sO, p.N))
    return err.fail(a, "einsum M/N index groups do not merge");
  if (!mergeGroup(k, size, sA, sB, sO, p.K))
    return err.fail(a, "einsum '" + ta + "," + tb + "->" + to +
                           "': the contracted indices are not adjacent in the same order in both "
                           "operands; no code generator");
  for (char c : to) {
    if (m.find(c) != std::string::npos || n.find(c) != std::string::npos || size[c] == 1)
      continue;
    Group g;
    g.size = size[c];
    g.dims = std::string(1, c);
    g.sA = sA.count(c) ? sA[c] : 0;
    g.sB = sB.count(c) ? sB[c] : 0;
    g.sO = sO[c];
    p.batch.push_back(g);
  }
  return true;
}

bool checkOutputs(pike::KernelOp kernel, const EinsumPlan &p, Unsupported &err) {
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  for (Value v : yield.getValues())
    if (numel(shapeOf(v)) != numel(p.oshape) || !broadcastsTo(shapeOf(v), p.oshape))
      return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                      "an output of this einsum region does not have the einsum result's shape");
  return true;
}

pike::AtenOp einsumAnchor(pike::KernelOp kernel, Unsupported &err) {
  return singleAnchor(
      kernel, [](pike::AtenOp a) { return a.getName() == "aten::einsum"; }, "einsum", err);
}

/// The third operand's stride for index `c` (0 where it lacks it).
int64_t scaleStride(const EinsumPlan &p, char c) { return p.sS.count(c) ? p.sS.at(c) : 0; }

/// Statements that turn batch entry `bz` into the operands' and output's offsets.
void emitBatchOffsets(const EinsumPlan &p, const std::string &ind, std::ostringstream &os) {
  os << ind << "pike_idx pike_r = bz, offA = 0, offB = 0, offO = 0" << (p.S ? ", offS = 0" : "") << ";\n";
  for (size_t d = p.batch.size(); d-- > 0;) {
    const Group &g = p.batch[d];
    os << ind << "{ const pike_idx c = pike_r % " << g.size << "; pike_r /= " << g.size
       << "; offA += c * " << g.sA << "; offB += c * " << g.sB << "; offO += c * " << g.sO;
    if (p.S)
      os << "; offS += c * " << scaleStride(p, g.dims[0]);
    os << "; }\n";
  }
}

/// The third operand's offset along group `g` at its merged index `var`: the
/// index split back into the group's dims (the operand may lack some of them).
std::string scaleOffset(const EinsumPlan &p, const Group &g, const std::string &var) {
  std::string expr;
  int64_t inner = 1;
  for (size_t d = g.dims.size(); d-- > 0;) {
    char c = g.dims[d];
    int64_t sz = p.size.at(c), st = scaleStride(p, c);
    if (st != 0) {
      std::string coord = inner == 1 ? var : "(" + var + ") / " + std::to_string(inner);
      if (d != 0)
        coord = "(" + coord + ") % " + std::to_string(sz);
      expr += " + (" + coord + ") * " + std::to_string(st);
    }
    inner *= sz;
  }
  return expr;
}

/// The third operand's element at batch offset `offS` and group indices
/// (`var` per group; a group not listed does not move it).
std::string scaleElement(const EinsumPlan &p, const std::string &S,
                         std::initializer_list<std::pair<const Group *, std::string>> at) {
  std::string idx = "offS";
  for (auto &[g, var] : at)
    idx += scaleOffset(p, *g, var);
  return S + "[" + idx + "]";
}

bool emitEpilogueStores(const EinsumPlan &p, pike::KernelOp kernel,
                        const llvm::DenseMap<Value, TensorRef> &tensors, bool host,
                        const std::string &raw, const std::string &ind, std::ostringstream &os,
                        Unsupported &err) {
  ElemEmitter e(p.oshape, "o", "c", ind);
  e.host = host;
  e.tensors = tensors;
  std::ostringstream b;
  b << ind << "const float pike_g = " << raw << ";\n";
  e.scalars[p.O] = {"pike_g", "float"};
  return emitStores(e, kernel, "o", b, os, err);
}

} // namespace

bool einsumAsGemm(pike::AtenOp a, mlir::Value &A, mlir::Value &B, bool &transB, int64_t &batch,
                  int64_t &M, int64_t &N, int64_t &K, int64_t &strideA, int64_t &strideB) {
  EinsumPlan p;
  Unsupported err;
  if (a.getName() != "aten::einsum" || !planEinsum(a, p, err) || p.S)
    return false;
  // One batch stride per operand: its batch dims are row-major with the
  // innermost one a whole matrix apart, or all broadcast (stride 0; not the output).
  auto batchStride = [&](int64_t Group::*s, int64_t mat, int64_t &stride) {
    bool all0 = true;
    for (const Group &g : p.batch)
      all0 &= g.*s == 0;
    if (all0) {
      stride = 0;
      return true;
    }
    int64_t expect = mat;
    for (size_t d = p.batch.size(); d-- > 0;) {
      if (p.batch[d].*s != expect)
        return false;
      expect *= p.batch[d].size;
    }
    stride = mat;
    return true;
  };
  int64_t sO = 0;
  if (!batchStride(&Group::sA, p.M.size * p.K.size, strideA) ||
      !batchStride(&Group::sB, p.K.size * p.N.size, strideB) ||
      !batchStride(&Group::sO, p.M.size * p.N.size, sO) || (!p.batch.empty() && sO == 0))
    return false;
  auto rowMajor = [](const Group &outer, const Group &inner, int64_t Group::*s) {
    return (inner.*s == 1 || inner.size == 1) && (outer.*s == inner.size || outer.size == 1);
  };
  // Output [batch][M][N] and A [batch][M][K].
  if (!rowMajor(p.M, p.N, &Group::sO) || !rowMajor(p.M, p.K, &Group::sA))
    return false;
  if (rowMajor(p.K, p.N, &Group::sB))
    transB = false;
  else if (rowMajor(p.N, p.K, &Group::sB))
    transB = true;
  else
    return false;
  A = p.A;
  B = p.B;
  batch = p.numBatch();
  M = p.M.size;
  N = p.N.size;
  K = p.K.size;
  return true;
}

bool isEinsumGemm(pike::KernelOp kernel) {
  Unsupported err;
  pike::AtenOp a = einsumAnchor(kernel, err);
  if (!a)
    return false;
  Value A, B;
  bool transB = false;
  int64_t batch, M, N, K, sA, sB;
  return einsumAsGemm(a, A, B, transB, batch, M, N, K, sA, sB);
}

bool emitEinsum(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                Unsupported &err) {
  pike::AtenOp a = einsumAnchor(kernel, err);
  if (!a)
    return false;
  EinsumPlan p;
  if (!planEinsum(a, p, err) || !checkOutputs(kernel, p, err))
    return false;
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, host, defs, tensors, err))
    return false;
  std::string A, B, S;
  if (!operandPtr(p.A, tensors, A, err, a, "einsum operand") ||
      !operandPtr(p.B, tensors, B, err, a, "einsum operand") ||
      (p.S && !operandPtr(p.S, tensors, S, err, a, "einsum operand")))
    return false;
  // Each operand's element as the loops name their indices (m, n, k), scaled
  // where the third operand enters.
  auto factor = [&](ScaleAt at, const std::string &elem, const Group &g, const std::string &gv,
                    const std::string &kv) {
    if (p.scaleAt != at)
      return elem;
    return "(" + elem + " * " + scaleElement(p, S, {{&g, gv}, {&p.K, kv}}) + ")";
  };
  auto result = [&](const std::string &acc, const std::string &mv, const std::string &nv) {
    if (p.scaleAt != ScaleAt::Output)
      return acc;
    return acc + " * " + scaleElement(p, S, {{&p.M, mv}, {&p.N, nv}});
  };
  const int64_t NB = p.numBatch();
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_einsum";
  std::ostringstream os;
  os << prelude(host) << defs;
  if (host) {
    emitHostEntry(kernel, name, os);
    os << "  for (pike_idx bz = 0; bz < " << NB << "; ++bz) {\n";
    emitBatchOffsets(p, "    ", os);
    os << "    for (pike_idx m = 0; m < " << p.M.size << "; ++m)\n";
    os << "    for (pike_idx n = 0; n < " << p.N.size << "; ++n) {\n";
    os << "      float acc = 0.0f;\n";
    os << "      for (pike_idx k = 0; k < " << p.K.size << "; ++k) acc += "
       << factor(ScaleAt::A, A + "[offA + m * " + std::to_string(p.M.sA) + " + k * " + std::to_string(p.K.sA) + "]", p.M, "m", "k")
       << " * "
       << factor(ScaleAt::B, B + "[offB + k * " + std::to_string(p.K.sB) + " + n * " + std::to_string(p.N.sB) + "]", p.N, "n", "k")
       << ";\n";
    os << "      const pike_idx o = offO + m * " << p.M.sO << " + n * " << p.N.sO << ";\n";
    if (!emitEpilogueStores(p, kernel, tensors, true, result("acc", "m", "n"), "      ", os, err))
      return false;
    os << "    }\n  }\n}\n";
    out.source = os.str();
    out.mode = "host";
    out.entry = name;
    return true;
  }
  int nt = knobs.blockSize >= 256 ? 256 : 64;
  int tile = nt == 256 ? 64 : 32; // 4x4 outputs per thread
  std::string idx = indexType(std::max({numel(p.oshape), numel(shapeOf(p.A)), numel(shapeOf(p.B)),
                                        p.S ? numel(shapeOf(p.S)) : int64_t(0)}));
  os << "extern \"C\" __global__ void __launch_bounds__(" << nt << ") " << name << "("
     << paramList(kernel) << ") {\n";
  os << "  typedef " << idx << " pike_idx;\n";
  os << "  const pike_idx M = " << p.M.size << ", N = " << p.N.size << ", K = " << p.K.size
     << ", NB = " << NB << ";\n";
  os << "  constexpr int BM = " << tile << ", BN = " << tile
     << ", BK = 16, TM = 4, TN = 4, NT = " << nt << ";\n";
  os << "  __shared__ float As[BK][BM + 4];\n  __shared__ float Bs[BK][BN + 4];\n";
  os << "  const int tx = threadIdx.x % (BN / TN), ty = threadIdx.x / (BN / TN);\n";
  os << "  const pike_idx m0 = (pike_idx)blockIdx.y * BM, n0 = (pike_idx)blockIdx.x * BN;\n";
  os << "  for (pike_idx bz = blockIdx.z; bz < NB; bz += gridDim.z) {\n";
  emitBatchOffsets(p, "    ", os);
  os << "    float acc[TM][TN];\n";
  os << "#pragma unroll\n    for (int i = 0; i < TM; ++i)\n#pragma unroll\n      for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;\n";
  os << "    for (pike_idx k0 = 0; k0 < K; k0 += BK) {\n";
  // Tile loads: consecutive threads walk the operand's unit-stride index.
  os << "      for (int e = threadIdx.x; e < BM * BK; e += NT) {\n";
  if (p.K.sA == 1)
    os << "        const int mm = e / BK, kk = e % BK;\n";
  else
    os << "        const int kk = e / BM, mm = e % BM;\n";
  os << "        const pike_idx gm = m0 + mm, gk = k0 + kk;\n";
  os << "        As[kk][mm] = (gm < M && gk < K) ? "
     << factor(ScaleAt::A, A + "[offA + gm * " + std::to_string(p.M.sA) + " + gk * " + std::to_string(p.K.sA) + "]", p.M, "gm", "gk")
     << " : 0.0f;\n      }\n";
  os << "      for (int e = threadIdx.x; e < BK * BN; e += NT) {\n";
  if (p.K.sB == 1)
    os << "        const int nn = e / BK, kk = e % BK;\n";
  else
    os << "        const int kk = e / BN, nn = e % BN;\n";
  os << "        const pike_idx gn = n0 + nn, gk = k0 + kk;\n";
  os << "        Bs[kk][nn] = (gn < N && gk < K) ? "
     << factor(ScaleAt::B, B + "[offB + gk * " + std::to_string(p.K.sB) + " + gn * " + std::to_string(p.N.sB) + "]", p.N, "gn", "gk")
     << " : 0.0f;\n      }\n";
  emitSimtTileProduct("      ", os);
  os << "    }\n";
  os << "#pragma unroll\n    for (int i = 0; i < TM; ++i) {\n";
  os << "#pragma unroll\n      for (int j = 0; j < TN; ++j) {\n";
  os << "        const pike_idx m = m0 + ty * TM + i, n = n0 + tx * TN + j;\n";
  os << "        if (m >= M || n >= N) continue;\n";
  os << "        const pike_idx o = offO + m * " << p.M.sO << " + n * " << p.N.sO << ";\n";
  if (!emitEpilogueStores(p, kernel, tensors, false, result("acc[i][j]", "m", "n"), "        ", os, err))
    return false;
  os << "      }\n    }\n  }\n}\n";
  int64_t gx = (p.N.size + tile - 1) / tile, gy = (p.M.size + tile - 1) / tile;
  if (gy > 65535)
    return err.fail(a, "einsum M too large for the kernel's grid");
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {gx, gy, std::min<int64_t>(NB, 65535)}, nt, 0,
                              pointerArgs(ins.size(), outs.size()));
  out.summary = "einsum '" + a->getAttrOfType<StringAttr>("equation").getValue().str() +
                "' strided simt batch=" + std::to_string(NB) + " M=" + std::to_string(p.M.size) +
                " N=" + std::to_string(p.N.size) + " K=" + std::to_string(p.K.size) + ", tile " +
                std::to_string(tile) +
                (p.scaleAt == ScaleAt::A   ? ", third operand scales A"
                 : p.scaleAt == ScaleAt::B ? ", third operand scales B"
                 : p.scaleAt == ScaleAt::Output ? ", third operand scales the result"
                                                : "");
  return true;
}

} // namespace pike::codegen::detail
