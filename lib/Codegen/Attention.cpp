// Attention regions: S = Q @ Kt; S' = elementwise(S) (scale, additive mask,
// masked_fill); P = softmax(S', -1); O = P @ V; epilogue(O).
// One warp per query row: the row's scores live in shared memory (exact
// max-then-sum softmax, like torch), K^T reads and V reads are coalesced over
// lanes. Meant for small head dims and moderate key lengths; nvrtc mode.
#include "AttentionPlan.h"

#include "pike/Dialect/OpRegistry.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace pike::codegen::detail {

namespace {

/// Batch stride of an operand of shape `s` whose matrices have `mat` elements:
/// `mat` when it has the full batch, 0 when broadcast, -1 otherwise.
int64_t batchStride(const std::vector<int64_t> &s, int64_t mat, int64_t batch) {
  int64_t b = numel(s) / mat;
  if (b == batch)
    return mat;
  if (b == 1)
    return 0;
  return -1;
}

bool checkOutputs(pike::KernelOp kernel, const AttnPlan &p, Unsupported &err) {
  // Only the score path feeds the softmax; the output path reads O (and inputs).
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  for (Value v : yield.getValues())
    if (numel(shapeOf(v)) != numel(p.oshape) || !broadcastsTo(shapeOf(v), p.oshape))
      return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                      "an attention output does not have the attention result's shape");
  if (p.D > 256 || p.Dv > 256)
    return err.fail(p.anchor(), "head dim above 256");
  return true;
}

/// aten::scaled_dot_product_attention(query [.., Lq, D], key [.., Lk, D],
/// value [.., Lk, Dv], attn_mask?, dropout_p, is_causal, scale?, enable_gqa)
/// followed by elementwise ops.
bool planSdpa(pike::KernelOp kernel, pike::AtenOp a, AttnPlan &p, Unsupported &err) {
  p.sdpa = a;
  p.keyRows = true;
  for (Operation &op : kernel.getBody().front()) {
    auto e = dyn_cast<pike::AtenOp>(op);
    if (!e || e == a)
      continue;
    std::string why;
    if (!ElemEmitter::supports(e, &why))
      return err.fail(e, why);
  }
  p.Q = operandNamed(a, "query");
  p.Kt = operandNamed(a, "key");
  p.V = operandNamed(a, "value");
  p.mask = operandNamed(a, "attn_mask");
  p.O = a->getResult(0);
  if (!p.Q || !p.Kt || !p.V)
    return err.fail(a, "scaled_dot_product_attention without query, key or value");
  for (Value v : {p.Q, p.Kt, p.V, p.mask})
    if (v && !isa<BlockArgument>(v))
      return err.fail(v.getDefiningOp(), "attention operands must be region inputs");
  for (Value v : {p.Q, p.Kt, p.V, p.O})
    if (!elementTypeOf(v.getType()).isF32())
      return err.fail(a, "attention on non-f32 tensors");
  if (auto d = a->getAttrOfType<FloatAttr>("dropout_p"); d && d.getValueAsDouble() != 0.0)
    return err.fail(a, "scaled_dot_product_attention with dropout_p > 0 has no code generator "
                       "(dropout is random)");
  if (auto c = a->getAttrOfType<BoolAttr>("is_causal"))
    p.causal = c.getValue();
  if (p.causal && p.mask)
    return err.fail(a, "scaled_dot_product_attention with both attn_mask and is_causal "
                       "(torch rejects it)");
  auto qs = shapeOf(p.Q), ks = shapeOf(p.Kt), vs = shapeOf(p.V);
  if (qs.size() < 2 || ks.size() < 2 || vs.size() < 2)
    return err.fail(a, "attention with 1-d operands");
  p.Lq = qs[qs.size() - 2];
  p.D = qs.back();
  p.Lk = ks[ks.size() - 2];
  p.Dv = vs.back();
  if (ks.back() != p.D || vs[vs.size() - 2] != p.Lk)
    return err.fail(a, "attention contraction sizes differ");
  if (p.Lq == 0 || p.Lk == 0 || p.D == 0 || p.Dv == 0)
    return err.fail(a, "attention with an empty dimension");
  if (auto s = a->getAttrOfType<FloatAttr>("scale"))
    p.scale = s.getValueAsDouble();
  else
    p.scale = 1.0 / std::sqrt((double)p.D);
  p.batch = numel(qs) / (p.Lq * p.D);
  p.oshape = shapeOf(p.O);
  p.sshape = p.oshape;
  p.sshape.back() = p.Lk;
  bool gqa = false;
  if (auto g = a->getAttrOfType<BoolAttr>("enable_gqa"))
    gqa = g.getValue();
  p.sQ = batchStride(qs, p.Lq * p.D, p.batch);
  p.sK = batchStride(ks, p.Lk * p.D, p.batch);
  p.sV = batchStride(vs, p.Lk * p.Dv, p.batch);
  if (p.sQ < 0 || p.sK < 0 || p.sV < 0)
    return err.fail(a, gqa ? "grouped-query attention (enable_gqa with fewer key/value heads) "
                             "has no code generator"
                           : "partially broadcast attention batch dims");
  if (numel(p.oshape) != p.batch * p.Lq * p.Dv)
    return err.fail(a, "unexpected attention output shape");
  if (p.mask) {
    Type mt = elementTypeOf(p.mask.getType());
    if (mt.isInteger(1))
      p.maskBool = true;
    else if (!mt.isF32())
      return err.fail(a, "attn_mask is neither bool nor f32");
    if (!broadcastsTo(shapeOf(p.mask), p.sshape))
      return err.fail(a, "attn_mask does not broadcast to the scores' shape");
  }
  return checkOutputs(kernel, p, err);
}

} // namespace

bool planAttention(pike::KernelOp kernel, AttnPlan &p, Unsupported &err) {
  for (Operation &op : kernel.getBody().front())
    if (auto a = dyn_cast<pike::AtenOp>(op); a && a.getName() == "aten::scaled_dot_product_attention")
      return planSdpa(kernel, a, p, err);
  for (Operation &op : kernel.getBody().front()) {
    auto a = dyn_cast<pike::AtenOp>(op);
    if (!a)
      continue;
    llvm::StringRef n = a.getName();
    if (n == "aten::matmul" || n == "aten::bmm") {
      if (!p.mm1)
        p.mm1 = a;
      else if (!p.mm2)
        p.mm2 = a;
      else
        return err.fail(a, "attention with more than two matmuls");
    } else if (n == "aten::softmax") {
      if (p.softmax)
        return err.fail(a, "attention with two softmaxes");
      p.softmax = a;
    } else {
      std::string why;
      if (!ElemEmitter::supports(a, &why))
        return err.fail(a, why);
    }
  }
  if (!p.mm1 || !p.mm2 || !p.softmax)
    return err.fail(kernel, "not a matmul -> softmax -> matmul region");
  if (!p.softmax->isBeforeInBlock(p.mm2) || !p.mm1->isBeforeInBlock(p.softmax))
    return err.fail(p.mm2, "unexpected attention op order");
  p.Q = p.mm1.getInputs()[0];
  p.Kt = p.mm1.getInputs()[1];
  p.S = p.mm1->getResult(0);
  p.Sp = p.softmax.getInputs()[0];
  p.P = p.softmax->getResult(0);
  if (p.mm2.getInputs()[0] != p.P)
    return err.fail(p.mm2, "the second matmul does not consume the softmax");
  p.V = p.mm2.getInputs()[1];
  p.O = p.mm2->getResult(0);
  for (Value v : {p.Q, p.Kt, p.V})
    if (!isa<BlockArgument>(v))
      return err.fail(v.getDefiningOp(), "attention operands must be region inputs");
  for (Value v : {p.Q, p.Kt, p.V, p.S, p.P, p.O})
    if (!elementTypeOf(v.getType()).isF32())
      return err.fail(p.mm1, "attention on non-f32 tensors");
  auto dim = p.softmax->getAttrOfType<IntegerAttr>("dim");
  p.sshape = shapeOf(p.S);
  p.oshape = shapeOf(p.O);
  int64_t r = p.sshape.size();
  if (r < 2 || !dim || (dim.getInt() != -1 && dim.getInt() != r - 1))
    return err.fail(p.softmax, "attention softmax not over the key dim");
  auto qs = shapeOf(p.Q), ks = shapeOf(p.Kt), vs = shapeOf(p.V);
  if (qs.size() < 2 || ks.size() < 2 || vs.size() < 2)
    return err.fail(p.mm1, "attention with 1-d operands");
  p.Lq = qs[qs.size() - 2];
  p.D = qs.back();
  p.Lk = ks.back();
  p.Dv = vs.back();
  if (ks[ks.size() - 2] != p.D || vs[vs.size() - 2] != p.Lk)
    return err.fail(p.mm1, "attention contraction sizes differ");
  if (numel(shapeOf(p.Sp)) != numel(p.sshape))
    return err.fail(p.softmax, "the softmax input is broadcast");
  p.batch = numel(p.sshape) / (p.Lq * p.Lk);
  p.sQ = batchStride(qs, p.Lq * p.D, p.batch);
  p.sK = batchStride(ks, p.D * p.Lk, p.batch);
  p.sV = batchStride(vs, p.Lk * p.Dv, p.batch);
  if (p.sQ < 0 || p.sK < 0 || p.sV < 0)
    return err.fail(p.mm1, "partially broadcast attention batch dims");
  if (numel(p.oshape) != p.batch * p.Lq * p.Dv)
    return err.fail(p.mm2, "unexpected attention output shape");
  return checkOutputs(kernel, p, err);
}

std::string keyOffset(const AttnPlan &p, const std::string &d, const std::string &k) {
  // Uses the kernels' constants D and Lk; compound arguments are parenthesised.
  auto wrap = [](const std::string &x) {
    return x.find(' ') == std::string::npos ? x : "(" + x + ")";
  };
  if (p.keyRows)
    return wrap(k) + " * D + " + wrap(d);
  return wrap(d) + " * Lk + " + wrap(k);
}

bool emitScore(const AttnPlan &p, const llvm::DenseMap<Value, TensorRef> &tensors, bool host,
               const std::string &acc, const std::string &lin, const std::string &q,
               const std::string &k, const std::string &ind, std::ostringstream &os,
               std::string &result, Unsupported &err) {
  if (!p.sdpa) {
    ElemEmitter e(p.sshape, lin, "c", ind);
    e.host = host;
    e.tensors = tensors;
    e.scalars[p.S] = {acc, "float"};
    std::ostringstream b;
    auto sv = e.value(p.Sp, b, err);
    if (!sv)
      return false;
    if (e.usesCoords())
      e.emitCoords(os);
    os << b.str();
    result = sv->first;
    return true;
  }
  os << ind << "float pike_sc = " << acc << " * " << floatLiteral(p.scale, "float") << ";\n";
  if (p.causal)
    os << ind << "if ((" << k << ") > (" << q << ")) pike_sc = -PIKE_INF;\n";
  if (p.mask) {
    auto it = tensors.find(p.mask);
    if (it == tensors.end())
      return err.fail(p.sdpa, "attn_mask is not a kernel argument");
    std::string idx = broadcastIndex(shapeOf(p.mask), p.sshape, lin, "pike_mc");
    if (idx.find("pike_mc") != std::string::npos) {
      ElemEmitter coords(p.sshape, lin, "pike_mc", ind);
      coords.emitCoords(os);
    }
    if (p.maskBool)
      os << ind << "if (!" << it->second.name << "[" << idx << "]) pike_sc = -PIKE_INF;\n";
    else
      os << ind << "pike_sc += " << it->second.name << "[" << idx << "];\n";
  }
  result = "pike_sc";
  return true;
}

bool bindAttentionTensors(const AttnPlan &p, pike::KernelOp kernel, bool host,
                          AttnKernelTensors &t, Unsupported &err) {
  if (!bindSlotTensors(kernel, host, t.defs, t.tensors, err))
    return false;
  t.numInputs = kernel.getFunctionType().getInputs().size();
  t.numOutputs = kernel.getFunctionType().getResults().size();
  t.Q = t.tensors[p.Q].name;
  t.K = t.tensors[p.Kt].name;
  t.V = t.tensors[p.V].name;
  t.indexType = indexType(numel(p.sshape));
  return true;
}

void emitFlashBatchBases(const AttnPlan &p, const AttnKernelTensors &t, std::ostringstream &os) {
  os << "  const float* Qb = " << t.Q << " + bz * (pike_idx)" << p.sQ << ";\n";
  os << "  const float* Kb = " << t.K << " + bz * (pike_idx)" << p.sK << ";\n";
  os << "  const float* Vb = " << t.V << " + bz * (pike_idx)" << p.sV << ";\n";
}

void emitFlashKeyTileLoop(const AttnPlan &p, std::ostringstream &os) {
  // Causal: keys after the block's last query row are all masked.
  os << "  const pike_idx kEnd = " << (p.causal ? "(q0 + BQ < Lk ? q0 + BQ : Lk)" : "Lk") << ";\n";
  os << "  for (pike_idx k0 = 0; k0 < kEnd; k0 += BK) {\n";
  os << "    __syncthreads();\n";
}

bool emitFlashScore(const AttnPlan &p, const AttnKernelTensors &t, const std::string &acc,
                    const std::string &dest, const std::string &ind, std::ostringstream &os,
                    Unsupported &err) {
  os << ind << "if (q < Lq && k < Lk) {\n";
  os << ind << "  const pike_idx i_ = (bz * Lq + q) * Lk + k;\n";
  os << ind << "  const float sacc = " << acc << ";\n";
  std::string sv;
  if (!emitScore(p, t.tensors, /*host=*/false, "sacc", "i_", "q", "k", ind + "  ", os, sv, err))
    return false;
  os << ind << "  " << dest << " = " << sv << ";\n";
  return true;
}

void emitFlashMaxMerge(const std::string &shuffleLoop, const std::string &r,
                       const std::string &rescale, std::ostringstream &os) {
  // NaN wins every comparison, as in torch's max.
  os << "#pragma unroll\n      " << shuffleLoop
     << " { const float w = __shfl_xor_sync(0xffffffffu, mt, x); mt = (w > mt || w != w) ? w : mt; }\n";
  os << "      const float mn = (mt > m[" << r << "] || mt != mt) ? mt : m[" << r << "];\n";
  os << "      const float " << rescale << " = mn == -PIKE_INF ? 1.0f : expf(m[" << r << "] - mn);\n";
  os << "      float ls = 0.0f;\n";
}

void emitFlashSumMerge(const std::string &shuffleLoop, const std::string &r,
                       const std::string &rescale, std::ostringstream &os) {
  os << "#pragma unroll\n      " << shuffleLoop << " ls += __shfl_xor_sync(0xffffffffu, ls, x);\n";
  os << "      l[" << r << "] = l[" << r << "] * " << rescale << " + ls;\n      m[" << r << "] = mn;\n";
}

bool emitAttentionStores(const AttnPlan &p, pike::KernelOp kernel, const AttnKernelTensors &t,
                         bool host, const std::string &lin, const std::string &ind,
                         const std::string &bodyPrefix, std::ostringstream &os,
                         Unsupported &err) {
  ElemEmitter e(p.oshape, lin, "c", ind);
  e.host = host;
  e.tensors = t.tensors;
  e.scalars[p.O] = {"pike_o", "float"};
  std::ostringstream body;
  body << bodyPrefix;
  return emitStores(e, kernel, lin, body, os, err);
}

/// variant "tiled": 64 query rows x 64-key tiles per block of 256 threads; each
/// thread owns a 4x4 tile of scores and of outputs (rows ty + 16i, keys / output
/// columns tx + 16j), so a multiply-add costs half a shared-memory load. Q is
/// staged once (transposed), K and then V share one buffer per key tile, the
/// softmax is online (running max and sum per row, reduced over the row's 16
/// lanes), so the scores never leave the block. Head dims up to 64.
static bool emitAttentionTiled(const AttnPlan &p, pike::KernelOp kernel, Unsupported &err,
                               GeneratedKernel &out) {
  if (p.D > 64 || p.Dv > 64)
    return err.fail(p.anchor(), "the tiled attention variant needs head dims up to 64");
  AttnKernelTensors t;
  if (!bindAttentionTensors(p, kernel, /*host=*/false, t, err))
    return false;
  if (p.batch > 65535)
    return err.fail(p.anchor(), "attention batch too large for the tiled variant's grid");
  const int64_t BQ = 64, BK = 64;
  const int64_t kvFloats = std::max(p.D, p.Dv) * BK;
  const int64_t smem = (p.D * (BQ + 1) + kvFloats + BQ * BK) * 4;
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_attention_tiled";
  std::ostringstream os;
  os << prelude(false) << t.defs;
  os << "extern \"C\" __global__ void __launch_bounds__(256) " << name << "(" << paramList(kernel)
     << ") {\n";
  os << "  typedef " << t.indexType << " pike_idx;\n";
  os << "  constexpr int BQ = " << BQ << ", BK = " << BK << ", D = " << p.D << ", DV = " << p.Dv
     << ", LDQ = BQ + 1;\n";
  os << "  const pike_idx Lq = " << p.Lq << ", Lk = " << p.Lk << ";\n";
  os << "  extern __shared__ float pike_smem[];\n";
  os << "  float* Qs = pike_smem;                 // [D][LDQ]\n";
  os << "  float* KV = Qs + D * LDQ;              // K tile [D][BK], then V tile [BK][DV]\n";
  os << "  float* Ps = KV + " << kvFloats << ";    // [BQ][BK]\n";
  os << "  const int t = threadIdx.x, ty = t >> 4, tx = t & 15;\n";
  os << "  const pike_idx bz = blockIdx.y, q0 = (pike_idx)blockIdx.x * BQ;\n";
  emitFlashBatchBases(p, t, os);
  os << "  for (int e = t; e < BQ * D; e += 256) {\n";
  os << "    const int r = e / D, d = e % D;\n";
  os << "    Qs[d * LDQ + r] = (q0 + r < Lq) ? __ldg(Qb + (q0 + r) * D + d) : 0.0f;\n  }\n";
  os << "  float m[4], l[4], o[4][4];\n";
  os << "#pragma unroll\n  for (int i = 0; i < 4; ++i) {\n    m[i] = -PIKE_INF;\n    l[i] = 0.0f;\n";
  os << "#pragma unroll\n    for (int j = 0; j < 4; ++j) o[i][j] = 0.0f;\n  }\n";
  emitFlashKeyTileLoop(p, os);
  os << "    for (int e = t; e < D * BK; e += 256) {\n";
  if (p.keyRows) // K is [Lk][D]: read along d, store transposed.
    os << "      const int kk = e / D, d = e % D;\n"
          "      KV[d * BK + kk] = (k0 + kk < Lk) ? __ldg(Kb + (k0 + kk) * D + d) : 0.0f;\n    }\n";
  else
    os << "      const int d = e / BK, kk = e % BK;\n"
          "      KV[e] = (k0 + kk < Lk) ? __ldg(Kb + d * Lk + k0 + kk) : 0.0f;\n    }\n";
  os << "    __syncthreads();\n";
  os << "    float s[4][4];\n";
  os << "#pragma unroll\n    for (int i = 0; i < 4; ++i)\n#pragma unroll\n      for (int j = 0; j < 4; ++j) s[i][j] = 0.0f;\n";
  os << "#pragma unroll 8\n    for (int d = 0; d < D; ++d) {\n";
  os << "      float a[4], b[4];\n";
  os << "#pragma unroll\n      for (int i = 0; i < 4; ++i) a[i] = Qs[d * LDQ + ty + 16 * i];\n";
  os << "#pragma unroll\n      for (int j = 0; j < 4; ++j) b[j] = KV[d * BK + tx + 16 * j];\n";
  os << "#pragma unroll\n      for (int i = 0; i < 4; ++i)\n#pragma unroll\n        for (int j = 0; j < 4; ++j) s[i][j] += a[i] * b[j];\n";
  os << "    }\n";
  os << "#pragma unroll\n    for (int i = 0; i < 4; ++i) {\n";
  os << "      const pike_idx q = q0 + ty + 16 * i;\n";
  os << "      float mt = -PIKE_INF;\n";
  os << "#pragma unroll\n      for (int j = 0; j < 4; ++j) {\n";
  os << "        const pike_idx k = k0 + tx + 16 * j;\n";
  if (!emitFlashScore(p, t, "s[i][j]", "s[i][j]", "        ", os, err))
    return false;
  os << "        } else {\n          s[i][j] = -PIKE_INF;\n        }\n";
  os << "        mt = (s[i][j] > mt || s[i][j] != s[i][j]) ? s[i][j] : mt;\n      }\n";
  // The 16 lanes of a row group (same ty) are adjacent in one warp.
  const std::string rowGroup = "for (int x = 8; x > 0; x >>= 1)";
  emitFlashMaxMerge(rowGroup, "i", "scale", os);
  os << "#pragma unroll\n      for (int j = 0; j < 4; ++j) {\n";
  os << "        const float pj = s[i][j] == -PIKE_INF ? 0.0f : expf(s[i][j] - mn);\n";
  os << "        Ps[(ty + 16 * i) * BK + tx + 16 * j] = pj;\n        ls += pj;\n      }\n";
  emitFlashSumMerge(rowGroup, "i", "scale", os);
  os << "#pragma unroll\n      for (int j = 0; j < 4; ++j) o[i][j] *= scale;\n";
  os << "    }\n";
  os << "    __syncthreads();\n";
  os << "    for (int e = t; e < BK * DV; e += 256) {\n";
  os << "      const int kk = e / DV, dv = e % DV;\n";
  os << "      KV[e] = (k0 + kk < Lk) ? __ldg(Vb + (k0 + kk) * DV + dv) : 0.0f;\n    }\n";
  os << "    __syncthreads();\n";
  os << "#pragma unroll 8\n    for (int kk = 0; kk < BK; ++kk) {\n";
  os << "      float a[4], b[4];\n";
  os << "#pragma unroll\n      for (int i = 0; i < 4; ++i) a[i] = Ps[(ty + 16 * i) * BK + kk];\n";
  os << "#pragma unroll\n      for (int j = 0; j < 4; ++j) b[j] = (tx + 16 * j < DV) ? KV[kk * DV + tx + 16 * j] : 0.0f;\n";
  os << "#pragma unroll\n      for (int i = 0; i < 4; ++i)\n#pragma unroll\n        for (int j = 0; j < 4; ++j) o[i][j] += a[i] * b[j];\n";
  os << "    }\n";
  os << "  }\n";
  os << "#pragma unroll\n  for (int i = 0; i < 4; ++i) {\n";
  os << "    const pike_idx q = q0 + ty + 16 * i;\n    if (q >= Lq) continue;\n";
  os << "#pragma unroll\n    for (int j = 0; j < 4; ++j) {\n";
  os << "      const int dv = tx + 16 * j;\n      if (dv >= DV) continue;\n";
  os << "      const pike_idx o_ = (bz * Lq + q) * DV + dv;\n";
  os << "      const float pike_o = o[i][j] / l[i];\n";
  if (!emitAttentionStores(p, kernel, t, /*host=*/false, "o_", "      ", "", os, err))
    return false;
  os << "    }\n  }\n}\n";
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {(p.Lq + BQ - 1) / BQ, p.batch, 1}, 256, smem,
                              pointerArgs(t.numInputs, t.numOutputs));
  out.summary = "attention tiled (64 rows x 64-key tiles, 4x4 per thread, online softmax) batch=" +
                std::to_string(p.batch) + " Lq=" + std::to_string(p.Lq) + " Lk=" +
                std::to_string(p.Lk) + " D=" + std::to_string(p.D) + " Dv=" + std::to_string(p.Dv) +
                ", smem " + std::to_string(smem);
  return true;
}

bool attentionTiledFirst(pike::KernelOp kernel) {
  AttnPlan p;
  Unsupported err;
  // Long key rows favour the tiled kernel (measured: 0.62x -> see docs/codegen.md);
  // short ones (window attention) the warp-per-row kernel.
  return planAttention(kernel, p, err) && p.Lk >= 128 && p.D <= 64 && p.Dv <= 64;
}

bool attentionTiledFits(pike::KernelOp kernel) {
  AttnPlan p;
  Unsupported err;
  return planAttention(kernel, p, err) && p.D <= 64 && p.Dv <= 64;
}

bool attentionMmaFits(pike::KernelOp kernel) {
  AttnPlan p;
  Unsupported err;
  return planAttention(kernel, p, err) && attentionMmaFits(p);
}

int64_t attentionKeyLength(pike::KernelOp kernel) {
  AttnPlan p;
  Unsupported err;
  return planAttention(kernel, p, err) ? p.Lk : 0;
}

bool emitAttention(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                   Unsupported &err) {
  AttnPlan p;
  if (!planAttention(kernel, p, err))
    return false;
  if (!host && knobs.variant == "tiled")
    return emitAttentionTiled(p, kernel, err, out);
  if (!host && llvm::StringRef(knobs.variant).starts_with("mma"))
    return emitAttentionMma(p, kernel, knobs, out, err);
  if (!host && !knobs.variant.empty())
    return err.fail(p.anchor(), "unknown attention variant '" + knobs.variant + "'");
  AttnKernelTensors t;
  if (!bindAttentionTensors(p, kernel, host, t, err))
    return false;
  int B = host ? 32 : std::max(32, std::min(knobs.blockSize, 256));
  B -= B % 32;
  int64_t rpb = B / 32;
  // Shared memory per warp: its query row and its scores.
  auto smemFor = [&](int64_t rows) { return rows * (p.D + p.Lk) * 4; };
  while (rpb > 1 && smemFor(rpb) > 48 * 1024)
    rpb /= 2;
  if (!host && smemFor(rpb) > 48 * 1024) {
    err.op = p.anchor();
    err.reason = "attention key length too long for the per-row shared-memory kernel";
    return false;
  }
  B = (int)rpb * 32;
  int64_t smem = host ? 0 : smemFor(rpb);
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_attention";
  std::ostringstream os;
  os << prelude(host) << t.defs;
  if (!host)
    os << "PIKE_FN float pike_warp_max(float v) {\n#pragma unroll\n  for (int o = 16; o > 0; o >>= 1) { const float w = __shfl_xor_sync(0xffffffffu, v, o); v = (w > v || w != w) ? w : v; }\n  return v;\n}\n"
          "PIKE_FN float pike_warp_sum(float v) {\n#pragma unroll\n  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);\n  return v;\n}\n";
  if (host) {
    emitHostEntry(kernel, name, os);
    os << "  static float pike_q[" << p.D << "], pike_p[" << p.Lk << "];\n";
    os << "  const pike_idx pike_lane = 0;\n";
  } else {
    os << "extern \"C\" __global__ void __launch_bounds__(" << B << ") " << name << "("
       << paramList(kernel) << ") {\n";
    os << "  typedef " << t.indexType << " pike_idx;\n";
    os << "  extern __shared__ float pike_smem[];\n";
    os << "  const int pike_lane = threadIdx.x & 31, pike_warp = threadIdx.x >> 5;\n";
    os << "  float* pike_q = pike_smem + pike_warp * " << (p.D + p.Lk) << ";\n";
    os << "  float* pike_p = pike_q + " << p.D << ";\n";
  }
  os << "  const pike_idx Lq = " << p.Lq << ", Lk = " << p.Lk << ", D = " << p.D << ", Dv = "
     << p.Dv << ", R = " << p.batch * p.Lq << ";\n";
  const std::string J0 = host ? "0" : "pike_lane", JS = host ? "1" : "32";
  if (host)
    os << "  for (pike_idx row = 0; row < R; ++row) {\n";
  else
    os << "  for (pike_idx row = (pike_idx)blockIdx.x * " << rpb
       << " + pike_warp; row < R; row += (pike_idx)gridDim.x * " << rpb << ") {\n";
  std::string ind = "    ";
  os << ind << "const pike_idx bz = row / Lq;\n";
  os << ind << "const float* Qr = " << t.Q << " + bz * (pike_idx)" << p.sQ << " + (row % Lq) * D;\n";
  os << ind << "const float* Kb = " << t.K << " + bz * (pike_idx)" << p.sK << ";\n";
  os << ind << "const float* Vb = " << t.V << " + bz * (pike_idx)" << p.sV << ";\n";
  os << ind << "for (pike_idx d = " << J0 << "; d < D; d += " << JS << ") pike_q[d] = Qr[d];\n";
  if (!host)
    os << ind << "__syncwarp();\n";
  // Scores with the elementwise ops between the matmul and the softmax.
  os << ind << "float pike_m = -PIKE_INF;\n";
  os << ind << "for (pike_idx k = " << J0 << "; k < Lk; k += " << JS << ") {\n";
  os << ind << "  float acc = 0.0f;\n";
  os << ind << "  for (pike_idx d = 0; d < D; ++d) acc += pike_q[d] * Kb[" << keyOffset(p, "d", "k")
     << "];\n";
  os << ind << "  const pike_idx i = row * Lk + k;\n";
  {
    std::string sv;
    if (!emitScore(p, t.tensors, host, "acc", "i", "row % Lq", "k", ind + "  ", os, sv, err))
      return false;
    os << ind << "  pike_p[k] = " << sv << ";\n";
    os << ind << "  pike_m = (" << sv << " > pike_m || " << sv << " != " << sv << ") ? " << sv
       << " : pike_m;\n";
  }
  os << ind << "}\n";
  if (!host)
    os << ind << "pike_m = pike_warp_max(pike_m);\n";
  os << ind << "float pike_s = 0.0f;\n";
  os << ind << "for (pike_idx k = " << J0 << "; k < Lk; k += " << JS << ") {\n";
  os << ind << "  const float e = expf(pike_p[k] - pike_m);\n";
  os << ind << "  pike_p[k] = e;\n  " << ind << "pike_s += e;\n";
  os << ind << "}\n";
  if (!host)
    os << ind << "pike_s = pike_warp_sum(pike_s);\n" << ind << "__syncwarp();\n";
  // Output row: O[row, dv] = sum_k p_k V[k, dv] / s, then the epilogue.
  os << ind << "for (pike_idx dv = " << J0 << "; dv < Dv; dv += " << JS << ") {\n";
  os << ind << "  float acc = 0.0f;\n";
  os << ind << "  for (pike_idx k = 0; k < Lk; ++k) acc += pike_p[k] * Vb[k * Dv + dv];\n";
  os << ind << "  const pike_idx o = row * Dv + dv;\n";
  // pike_o goes after the coordinates the epilogue's loads need.
  if (!emitAttentionStores(p, kernel, t, host, "o", ind + "  ",
                           ind + "  const float pike_o = acc / pike_s;\n", os, err))
    return false;
  os << ind << "}\n";
  if (!host)
    os << ind << "__syncwarp();\n";
  os << "  }\n}\n";
  int64_t R = p.batch * p.Lq;
  int64_t grid = std::max<int64_t>(1, std::min<int64_t>((R + rpb - 1) / rpb, 1 << 20));
  out.source = os.str();
  out.mode = host ? "host" : "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {grid, 1, 1}, B, smem, pointerArgs(t.numInputs, t.numOutputs));
  out.summary = "attention warp-per-query-row batch=" + std::to_string(p.batch) +
                " Lq=" + std::to_string(p.Lq) + " Lk=" + std::to_string(p.Lk) +
                " D=" + std::to_string(p.D) + " Dv=" + std::to_string(p.Dv) + ", block " +
                std::to_string(B) + ", smem " + std::to_string(smem);
  return true;
}

} // namespace pike::codegen::detail
