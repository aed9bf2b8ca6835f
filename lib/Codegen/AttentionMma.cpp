// Flash attention on tensor cores: mma.sync m16n8k8 with TF32 operands and
// fp32 accumulation (sm_80+). Each warp owns 16 query rows of the block's
// 16*warps; per key tile of BK keys the block stages K and V in shared memory,
// each warp computes its 16 x BK scores in registers (the mma accumulator
// layout is fixed by PTX: thread (g = lane/4, t = lane%4) holds rows g and
// g+8, columns 2t and 2t+1 of every 8-column tile), applies the score ops and
// the online softmax there (row max / sum over the 4 threads of a row group),
// writes P to shared memory and accumulates O += P V in registers, rescaled
// per row. The scores never leave the block.
//
// Precision: "mma-tf32" rounds every operand to TF32 (only under the tf32
// policy, knobs.allowTF32); "mma-3xtf32" splits each operand x into
// hi = tf32(x) and lo = tf32(x - hi) and accumulates lo*hi + hi*lo + hi*hi,
// which keeps products to about fp32 accuracy (the dropped lo*lo term is
// below 2^-22 relative) at three times the tensor-core work. "mma-half" (the
// bf16/fp16 policies, knobs.halfOperands) uses m16n8k16 with bf16 or fp16
// operands and fp32 accumulation: the staged tiles stay fp32 and every fragment
// register packs two of them (cvt.rn.{bf16,f16}x2.f32), so softmax and the
// online rescaling keep fp32; only the two products round their operands.
#include "AttentionPlan.h"

#include <algorithm>

using namespace mlir;

namespace pike::codegen::detail {

namespace {
// Largest dynamic shared memory per block on sm_90 (227 KiB).
constexpr int64_t kMaxSmem = 227 * 1024;

struct MmaShape {
  int warps = 4, BQ = 64, BK = 64;
  int64_t smemBytes(const AttnPlan &p) const {
    return 4 * (int64_t(BQ) * (p.D + 4) + int64_t(BK) * (p.D + 4) + int64_t(BK) * (p.Dv + 8) +
                int64_t(BQ) * (BK + 4));
  }
};

MmaShape mmaShape(const Knobs &k) {
  MmaShape s;
  s.warps = k.blockSize >= 256 ? 8 : (k.blockSize >= 128 ? 4 : 2);
  s.BQ = 16 * s.warps;
  s.BK = k.itemsPerThread >= 2 ? 64 : 32;
  return s;
}
} // namespace

bool attentionMmaFits(const AttnPlan &p, std::string *why) {
  if (p.D % 8 || p.Dv % 8 || p.D > 128 || p.Dv > 128) {
    if (why)
      *why = "the tensor-core attention kernel needs head dims that are multiples of 8, up to 128";
    return false;
  }
  return true;
}

bool attentionMmaHalfFits(pike::KernelOp kernel) {
  AttnPlan p;
  Unsupported err;
  return planAttention(kernel, p, err) && attentionMmaFits(p) && p.D % 16 == 0;
}

bool emitAttentionMma(const AttnPlan &p, pike::KernelOp kernel, const Knobs &knobs,
                      GeneratedKernel &out, Unsupported &err) {
  const bool split = knobs.variant == "mma-3xtf32";
  const bool half = knobs.variant == "mma-half";
  if (!split && !half && knobs.variant != "mma-tf32")
    return err.fail(p.anchor(), "unknown attention variant '" + knobs.variant + "'");
  if (!split && !half && !knobs.allowTF32)
    return err.fail(p.anchor(), "the mma-tf32 attention variant needs TF32 (the tf32 precision "
                                "policy); mma-3xtf32 keeps fp32 accuracy");
  if (half && knobs.halfOperands.empty())
    return err.fail(p.anchor(), "the mma-half attention variant needs 16-bit operands (the bf16 "
                                "or fp16 precision policy); mma-3xtf32 keeps fp32 accuracy");
  if (half && p.D % 16)
    return err.fail(p.anchor(), "the mma-half attention variant needs a query/key head dim that "
                                "is a multiple of 16 (m16n8k16), not " + std::to_string(p.D));
  // Reduction depth of one mma: 8 (TF32) or 16 (bf16/fp16).
  const int kStep = half ? 16 : 8;
  const std::string halfPtx = knobs.halfOperands == "fp16" ? "f16" : "bf16";
  std::string why;
  if (!attentionMmaFits(p, &why))
    return err.fail(p.anchor(), why);
  if (p.batch > 65535)
    return err.fail(p.anchor(), "attention batch too large for the mma variant's grid");
  MmaShape sh = mmaShape(knobs);
  int64_t smem = sh.smemBytes(p);
  while (smem > kMaxSmem && sh.BK > 32) {
    sh.BK /= 2;
    smem = sh.smemBytes(p);
  }
  if (smem > kMaxSmem)
    return err.fail(p.anchor(), "attention tiles exceed shared memory for the mma variant");
  AttnKernelTensors t;
  if (!bindAttentionTensors(p, kernel, /*host=*/false, t, err))
    return false;
  const int NT = sh.warps * 32;
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_attention_mma";
  // Staged values: rounded to TF32 once (tf32), or kept fp32 and split (3xtf32)
  // or packed to 16 bits (half) at use.
  const std::string stage = split || half ? "" : "pike_round_tf32";

  std::ostringstream os;
  os << prelude(false) << t.defs;
  os << "PIKE_FN unsigned pike_tf32(float x) {\n"
        "  unsigned u;\n  asm(\"cvt.rna.tf32.f32 %0, %1;\" : \"=r\"(u) : \"f\"(x));\n  return u;\n}\n"
        "PIKE_FN float pike_round_tf32(float x) { return __uint_as_float(pike_tf32(x)); }\n"
        "// D = A(16x8, row) * B(8x8, col) + D; fragments as in the PTX ISA (m16n8k8 .tf32).\n"
        "PIKE_FN void pike_mma(float* c, const unsigned* a, const unsigned* b) {\n"
        "  asm volatile(\"mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, "
        "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\\n\"\n"
        "               : \"+f\"(c[0]), \"+f\"(c[1]), \"+f\"(c[2]), \"+f\"(c[3])\n"
        "               : \"r\"(a[0]), \"r\"(a[1]), \"r\"(a[2]), \"r\"(a[3]), \"r\"(b[0]), \"r\"(b[1]));\n"
        "}\n";
  if (half)
    os << "// Two fp32 values -> one register of two " << halfPtx << " (lo in the low half).\n"
          "PIKE_FN unsigned pike_pack(float lo, float hi) {\n"
          "  unsigned u;\n  asm(\"cvt.rn." << halfPtx << "x2.f32 %0, %1, %2;\" : \"=r\"(u) : \"f\"(hi), \"f\"(lo));\n"
          "  return u;\n}\n"
          "// D = A(16x16, row) * B(16x8, col) + D (m16n8k16 ." << halfPtx << ", fp32 accumulation).\n"
          "PIKE_FN void pike_mma16(float* c, const unsigned* a, const unsigned* b) {\n"
          "  asm volatile(\"mma.sync.aligned.m16n8k16.row.col.f32." << halfPtx << "." << halfPtx
       << ".f32 {%0,%1,%2,%3}, "
          "{%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\\n\"\n"
          "               : \"+f\"(c[0]), \"+f\"(c[1]), \"+f\"(c[2]), \"+f\"(c[3])\n"
          "               : \"r\"(a[0]), \"r\"(a[1]), \"r\"(a[2]), \"r\"(a[3]), \"r\"(b[0]), \"r\"(b[1]));\n"
          "}\n";
  if (split)
    os << "PIKE_FN void pike_split(float x, unsigned& hi, unsigned& lo) {\n"
          "  hi = pike_tf32(x);\n  lo = pike_tf32(x - __uint_as_float(hi));\n}\n"
          "// Small terms first: lo*hi + hi*lo + hi*hi.\n"
          "PIKE_FN void pike_mma3(float* c, const unsigned* ah, const unsigned* al, const unsigned* bh,\n"
          "                       const unsigned* bl) {\n"
          "  pike_mma(c, al, bh);\n  pike_mma(c, ah, bl);\n  pike_mma(c, ah, bh);\n}\n";
  // Loads fragment `f` (n registers) from the float expressions `src` (half:
  // 2n expressions, packed in pairs).
  auto frag = [&](const std::string &f, const std::vector<std::string> &src,
                  const std::string &ind) {
    std::ostringstream s;
    size_t n = half ? src.size() / 2 : src.size();
    if (half) {
      s << ind << "unsigned " << f << "[" << n << "];\n";
      for (size_t i = 0; i < n; ++i)
        s << ind << f << "[" << i << "] = pike_pack(" << src[2 * i] << ", " << src[2 * i + 1] << ");\n";
    } else if (split) {
      s << ind << "unsigned " << f << "h[" << n << "], " << f << "l[" << n << "];\n";
      for (size_t i = 0; i < n; ++i)
        s << ind << "pike_split(" << src[i] << ", " << f << "h[" << i << "], " << f << "l[" << i
          << "]);\n";
    } else {
      s << ind << "unsigned " << f << "[" << n << "];\n";
      for (size_t i = 0; i < n; ++i)
        s << ind << f << "[" << i << "] = __float_as_uint(" << src[i] << ");\n";
    }
    return s.str();
  };
  auto mma = [&](const std::string &c, const std::string &a, const std::string &b) {
    return split  ? "pike_mma3(" + c + ", " + a + "h, " + a + "l, " + b + "h, " + b + "l);"
           : half ? "pike_mma16(" + c + ", " + a + ", " + b + ");"
                  : "pike_mma(" + c + ", " + a + ", " + b + ");";
  };

  os << "extern \"C\" __global__ void __launch_bounds__(" << NT << ") " << name << "("
     << paramList(kernel) << ") {\n";
  os << "  typedef " << t.indexType << " pike_idx;\n";
  os << "  constexpr int NT = " << NT << ", BQ = " << sh.BQ << ", BK = " << sh.BK
     << ", D = " << p.D << ", DV = " << p.Dv << ";\n";
  // Row paddings: fragment reads of 8 rows x 4 columns hit 32 distinct banks.
  os << "  constexpr int LQ = D + 4, LK = D + 4, LV = DV + 8, LP = BK + 4;\n";
  os << "  const pike_idx Lq = " << p.Lq << ", Lk = " << p.Lk << ";\n";
  os << "  extern __shared__ float pike_smem[];\n";
  os << "  float* Qs = pike_smem;      // [BQ][LQ]\n";
  os << "  float* Ks = Qs + BQ * LQ;   // [BK][LK]: key rows\n";
  os << "  float* Vs = Ks + BK * LK;   // [BK][LV]\n";
  os << "  float* Ps = Vs + BK * LV;   // [BQ][LP]: probabilities, each warp its 16 rows\n";
  os << "  const int t = threadIdx.x, lane = t & 31, g = lane >> 2, tg = lane & 3, wr = (t >> 5) * 16;\n";
  os << "  const pike_idx bz = blockIdx.y, q0 = (pike_idx)blockIdx.x * BQ;\n";
  emitFlashBatchBases(p, t, os);
  os << "  for (int e = t; e < BQ * D; e += NT) {\n";
  os << "    const int r = e / D, d = e % D;\n";
  os << "    Qs[r * LQ + d] = " << stage << "((q0 + r < Lq) ? __ldg(Qb + (q0 + r) * D + d) : 0.0f);\n  }\n";
  os << "  float o[DV / 8][4];\n";
  os << "#pragma unroll\n  for (int n = 0; n < DV / 8; ++n)\n#pragma unroll\n    for (int j = 0; j < 4; ++j) o[n][j] = 0.0f;\n";
  os << "  float m[2] = {-PIKE_INF, -PIKE_INF}, l[2] = {0.0f, 0.0f};\n";
  emitFlashKeyTileLoop(p, os);
  os << "    for (int e = t; e < BK * D; e += NT) {\n";
  if (p.keyRows)
    os << "      const int kk = e / D, d = e % D;\n"
          "      Ks[kk * LK + d] = "
       << stage << "((k0 + kk < Lk) ? __ldg(Kb + (k0 + kk) * D + d) : 0.0f);\n    }\n";
  else // K^T is [D][Lk]: read along keys.
    os << "      const int d = e / BK, kk = e % BK;\n"
          "      Ks[kk * LK + d] = "
       << stage << "((k0 + kk < Lk) ? __ldg(Kb + d * Lk + k0 + kk) : 0.0f);\n    }\n";
  os << "    for (int e = t; e < BK * DV; e += NT) {\n";
  os << "      const int kk = e / DV, dv = e % DV;\n";
  os << "      Vs[kk * LV + dv] = " << stage
     << "((k0 + kk < Lk) ? __ldg(Vb + (k0 + kk) * DV + dv) : 0.0f);\n    }\n";
  os << "    __syncthreads();\n";
  // S = Q K^T for the warp's 16 rows.
  os << "    float s[BK / 8][4];\n";
  os << "#pragma unroll\n    for (int n = 0; n < BK / 8; ++n)\n#pragma unroll\n      for (int j = 0; j < 4; ++j) s[n][j] = 0.0f;\n";
  os << "#pragma unroll\n    for (int d0 = 0; d0 < D; d0 += " << kStep << ") {\n";
  // Fragment layouts of the PTX ISA: m16n8k8 .tf32 (thread g, tg holds A rows
  // g/g+8, columns tg/tg+4) or m16n8k16 .bf16/.f16 (columns 2tg, 2tg+1, +8).
  if (half) {
    os << "      const float* qa = Qs + (wr + g) * LQ + d0 + 2 * tg;\n";
    os << frag("a", {"qa[0]", "qa[1]", "qa[8 * LQ]", "qa[8 * LQ + 1]", "qa[8]", "qa[9]",
                     "qa[8 * LQ + 8]", "qa[8 * LQ + 9]"},
               "      ");
  } else {
    os << "      const float* qa = Qs + (wr + g) * LQ + d0 + tg;\n";
    os << frag("a", {"qa[0]", "qa[8 * LQ]", "qa[4]", "qa[8 * LQ + 4]"}, "      ");
  }
  os << "#pragma unroll\n      for (int n = 0; n < BK / 8; ++n) {\n";
  if (half) {
    os << "        const float* kb = Ks + (n * 8 + g) * LK + d0 + 2 * tg;\n";
    os << frag("b", {"kb[0]", "kb[1]", "kb[8]", "kb[9]"}, "        ");
  } else {
    os << "        const float* kb = Ks + (n * 8 + g) * LK + d0 + tg;\n";
    os << frag("b", {"kb[0]", "kb[4]"}, "        ");
  }
  os << "        " << mma("s[n]", "a", "b") << "\n      }\n    }\n";
  // Score ops and online softmax; h = 0: row g (c0, c1), h = 1: row g + 8 (c2, c3).
  os << "#pragma unroll\n    for (int h = 0; h < 2; ++h) {\n";
  os << "      const pike_idx q = q0 + wr + g + 8 * h;\n";
  os << "      float mt = -PIKE_INF;\n";
  os << "#pragma unroll\n      for (int n = 0; n < BK / 8; ++n)\n#pragma unroll\n        for (int j = 0; j < 2; ++j) {\n";
  os << "          const pike_idx k = k0 + n * 8 + 2 * tg + j;\n";
  os << "          float x = -PIKE_INF;\n";
  if (!emitFlashScore(p, t, "s[n][2 * h + j]", "x", "          ", os, err))
    return false;
  os << "          }\n";
  os << "          s[n][2 * h + j] = x;\n";
  os << "          mt = (x > mt || x != x) ? x : mt;\n        }\n";
  // The 4 threads of a row group are lanes 4g..4g+3.
  const std::string rowGroup = "for (int x = 1; x < 4; x <<= 1)";
  emitFlashMaxMerge(rowGroup, "h", "alpha", os);
  os << "      float* pr = Ps + (wr + g + 8 * h) * LP + 2 * tg;\n";
  os << "#pragma unroll\n      for (int n = 0; n < BK / 8; ++n)\n#pragma unroll\n        for (int j = 0; j < 2; ++j) {\n";
  os << "          const float x = s[n][2 * h + j];\n";
  os << "          const float pj = x == -PIKE_INF ? 0.0f : expf(x - mn);\n";
  os << "          ls += pj;\n";
  os << "          pr[n * 8 + j] = " << stage << "(pj);\n        }\n";
  emitFlashSumMerge(rowGroup, "h", "alpha", os);
  os << "#pragma unroll\n      for (int n = 0; n < DV / 8; ++n) {\n        o[n][2 * h] *= alpha;\n        o[n][2 * h + 1] *= alpha;\n      }\n";
  os << "    }\n";
  os << "    __syncwarp();\n";
  // O += P V.
  os << "#pragma unroll\n    for (int k8 = 0; k8 < BK; k8 += " << kStep << ") {\n";
  if (half) {
    os << "      const float* pa = Ps + (wr + g) * LP + k8 + 2 * tg;\n";
    os << frag("a", {"pa[0]", "pa[1]", "pa[8 * LP]", "pa[8 * LP + 1]", "pa[8]", "pa[9]",
                     "pa[8 * LP + 8]", "pa[8 * LP + 9]"},
               "      ");
  } else {
    os << "      const float* pa = Ps + (wr + g) * LP + k8 + tg;\n";
    os << frag("a", {"pa[0]", "pa[8 * LP]", "pa[4]", "pa[8 * LP + 4]"}, "      ");
  }
  os << "#pragma unroll\n      for (int n = 0; n < DV / 8; ++n) {\n";
  if (half) {
    os << "        const float* vb = Vs + (k8 + 2 * tg) * LV + n * 8 + g;\n";
    os << frag("b", {"vb[0]", "vb[LV]", "vb[8 * LV]", "vb[9 * LV]"}, "        ");
  } else {
    os << "        const float* vb = Vs + (k8 + tg) * LV + n * 8 + g;\n";
    os << frag("b", {"vb[0]", "vb[4 * LV]"}, "        ");
  }
  os << "        " << mma("o[n]", "a", "b") << "\n      }\n    }\n";
  os << "  }\n";
  // Epilogue: O / l, then the region's elementwise ops, per element.
  os << "#pragma unroll\n  for (int h = 0; h < 2; ++h) {\n";
  os << "    const pike_idx q = q0 + wr + g + 8 * h;\n    if (q >= Lq) continue;\n";
  os << "#pragma unroll\n    for (int n = 0; n < DV / 8; ++n)\n#pragma unroll\n      for (int j = 0; j < 2; ++j) {\n";
  os << "        const int dv = n * 8 + 2 * tg + j;\n";
  os << "        const pike_idx o_ = (bz * Lq + q) * DV + dv;\n";
  os << "        const float pike_o = o[n][2 * h + j] / l[h];\n";
  if (!emitAttentionStores(p, kernel, t, /*host=*/false, "o_", "        ", "", os, err))
    return false;
  os << "      }\n  }\n}\n";
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {(p.Lq + sh.BQ - 1) / sh.BQ, p.batch, 1}, NT, smem,
                              pointerArgs(t.numInputs, t.numOutputs));
  out.summary = std::string("attention ") +
                (split ? "mma 3xTF32" : half ? "mma " + knobs.halfOperands : std::string("mma TF32")) +
                " flash (" + (half ? "m16n8k16, fp32 accumulation" : "m16n8k8") + ", online softmax" + (p.causal ? ", causal tiles skipped" : "") +
                ") " + std::to_string(sh.BQ) + " rows x " + std::to_string(sh.BK) +
                "-key tiles batch=" + std::to_string(p.batch) + " Lq=" + std::to_string(p.Lq) +
                " Lk=" + std::to_string(p.Lk) + " D=" + std::to_string(p.D) +
                " Dv=" + std::to_string(p.Dv) + ", smem " + std::to_string(smem);
  return true;
}

} // namespace pike::codegen::detail
