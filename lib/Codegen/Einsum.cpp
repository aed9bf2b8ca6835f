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
#include "Internal.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <map>

using namespace mlir;

namespace pike::codegen::detail {

namespace {

/// One strided index group: size and the stride in A, B and the output.
struct Group {
  int64_t size = 1, sA = 0, sB = 0, sO = 0;
};

struct EinsumPlan {
  pike::AtenOp op;
  Value A, B, O;
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

bool parseEquation(pike::AtenOp a, std::string &lhsA, std::string &lhsB, std::string &out,
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
  size_t comma = lhs.find(',');
  if (comma == std::string::npos || lhs.find(',', comma + 1) != std::string::npos)
    return err.fail(a, "einsum '" + eq.getValue().str() +
                           "': only two-operand contractions have a code generator");
  lhsA = lhs.substr(0, comma);
  lhsB = lhs.substr(comma + 1);
  if (arrow != std::string::npos) {
    out = s.substr(arrow + 2);
  } else {
    // Implicit output: the indices seen once, in alphabetical (ASCII) order.
    std::map<char, int> count;
    for (char c : lhsA + lhsB)
      ++count[c];
    for (auto [c, n] : count)
      if (n == 1)
        out += c;
  }
  for (const std::string *t : {&lhsA, &lhsB, &out})
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

bool planEinsum(pike::AtenOp a, EinsumPlan &p, Unsupported &err) {
  p.op = a;
  // The equation's own check names it when there are not two operands.
  std::string ta, tb, to;
  if (!parseEquation(a, ta, tb, to, err))
    return false;
  if (a.getInputs().size() != 2)
    return err.fail(a, "einsum with " + std::to_string(a.getInputs().size()) +
                           " operands for a two-term equation");
  p.A = a.getInputs()[0];
  p.B = a.getInputs()[1];
  p.O = a->getResult(0);
  for (Value v : {p.A, p.B, p.O})
    if (!elementTypeOf(v.getType()).isF32())
      return err.fail(a, "einsum on non-f32 tensors");
  auto as = shapeOf(p.A), bs = shapeOf(p.B);
  p.oshape = shapeOf(p.O);
  if (as.size() != ta.size() || bs.size() != tb.size() || p.oshape.size() != to.size())
    return err.fail(a, "einsum equation does not match its operands' ranks");
  std::map<char, int64_t> size, sA, sB, sO;
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
  if (!bind(ta, as, sA) || !bind(tb, bs, sB) || !bind(to, p.oshape, sO))
    return false;
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

/// Statements that turn batch entry `bz` into the operands' and output's offsets.
void emitBatchOffsets(const EinsumPlan &p, const std::string &ind, std::ostringstream &os) {
  os << ind << "pike_idx pike_r = bz, offA = 0, offB = 0, offO = 0;\n";
  for (size_t d = p.batch.size(); d-- > 0;) {
    const Group &g = p.batch[d];
    os << ind << "{ const pike_idx c = pike_r % " << g.size << "; pike_r /= " << g.size
       << "; offA += c * " << g.sA << "; offB += c * " << g.sB << "; offO += c * " << g.sO
       << "; }\n";
  }
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
  if (a.getName() != "aten::einsum" || !planEinsum(a, p, err))
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
  std::string A, B;
  if (!operandPtr(p.A, tensors, A, err, a, "einsum operand") ||
      !operandPtr(p.B, tensors, B, err, a, "einsum operand"))
    return false;
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
    os << "      for (pike_idx k = 0; k < " << p.K.size << "; ++k) acc += " << A << "[offA + m * "
       << p.M.sA << " + k * " << p.K.sA << "] * " << B << "[offB + k * " << p.K.sB << " + n * "
       << p.N.sB << "];\n";
    os << "      const pike_idx o = offO + m * " << p.M.sO << " + n * " << p.N.sO << ";\n";
    if (!emitEpilogueStores(p, kernel, tensors, true, "acc", "      ", os, err))
      return false;
    os << "    }\n  }\n}\n";
    out.source = os.str();
    out.mode = "host";
    out.entry = name;
    return true;
  }
  int nt = knobs.blockSize >= 256 ? 256 : 64;
  int tile = nt == 256 ? 64 : 32; // 4x4 outputs per thread
  std::string idx =
      indexType(std::max({numel(p.oshape), numel(shapeOf(p.A)), numel(shapeOf(p.B))}));
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
  os << "        As[kk][mm] = (gm < M && gk < K) ? " << A << "[offA + gm * " << p.M.sA
     << " + gk * " << p.K.sA << "] : 0.0f;\n      }\n";
  os << "      for (int e = threadIdx.x; e < BK * BN; e += NT) {\n";
  if (p.K.sB == 1)
    os << "        const int nn = e / BK, kk = e % BK;\n";
  else
    os << "        const int kk = e / BN, nn = e % BN;\n";
  os << "        const pike_idx gn = n0 + nn, gk = k0 + kk;\n";
  os << "        Bs[kk][nn] = (gn < N && gk < K) ? " << B << "[offB + gk * " << p.K.sB
     << " + gn * " << p.N.sB << "] : 0.0f;\n      }\n";
  emitSimtTileProduct("      ", os);
  os << "    }\n";
  os << "#pragma unroll\n    for (int i = 0; i < TM; ++i) {\n";
  os << "#pragma unroll\n      for (int j = 0; j < TN; ++j) {\n";
  os << "        const pike_idx m = m0 + ty * TM + i, n = n0 + tx * TN + j;\n";
  os << "        if (m >= M || n >= N) continue;\n";
  os << "        const pike_idx o = offO + m * " << p.M.sO << " + n * " << p.N.sO << ";\n";
  if (!emitEpilogueStores(p, kernel, tensors, false, "acc[i][j]", "        ", os, err))
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
                std::to_string(tile);
  return true;
}

} // namespace pike::codegen::detail
