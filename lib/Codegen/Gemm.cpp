// GEMM regions: linear / matmul / mm / bmm / addmm + an elementwise epilogue.
//  - "simt": an nvrtc kernel, shared-memory tiles, the epilogue fused (small shapes).
//  - "cublaslt": nvcc, cuBLASLt matmul with its BIAS / RELU / GELU epilogues where the
//    region's epilogue matches, otherwise plus one generated epilogue kernel.
//  - "cublas+epilogue": nvcc, cublasGemmStridedBatchedEx then one generated epilogue kernel.
//  - "wmma": an nvrtc kernel on TF32 tensor cores (wmma 16x16x8), the epilogue fused;
//    only where TF32 is allowed.
// Pointwise (1x1) convolutions are planned as batched GEMMs (see Conv.cpp).
// fp32 data only; CUBLAS_COMPUTE_32F unless TF32 is allowed (then ..._FAST_TF32): by
// the precision policy (knobs.allowTF32), or for a convolution by the reference
// op itself (its allow_tf32, cuDNN's default: the kernel does what eager does).
// Under the bf16/fp16 policies (knobs.halfOperands) the cuBLAS variants compute
// with CUBLAS_COMPUTE_32F_FAST_16BF / _FAST_16F: cuBLAS rounds the fp32 operands
// to bf16/fp16 for the tensor cores and accumulates in fp32; data, bias and
// output stay fp32, so the slot ABI does not change; wmma stages bf16/half
// tiles (16x16x16 fragments, fp32 accumulation); simt stays exact fp32.
#include "Internal.h"

#include "pike/Dialect/OpRegistry.h"
#include "pike/Dialect/SlotLayout.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace pike::codegen::detail {

namespace {

struct GemmPlan {
  pike::AtenOp op;
  int64_t batch = 1, M = 0, N = 0, K = 0;
  Value A, B;          // A [batch?, M, K] row-major; B [batch?, K, N] or, transB, [N, K]
  bool transB = false;
  int64_t strideA = 0, strideB = 0; // batch strides (0: broadcast)
  Value bias;          // linear bias, broadcast over [.., N]
  Value addSelf;       // addmm self
  double alpha = 1, beta = 1;
  Value G;             // the contraction's result
  std::vector<int64_t> gshape;
  // Outputs larger than the GEMM result (squeeze-excite: the [N,C,1,1] gate times
  // the [N,C,H,W] feature map): the result broadcasts over `expand` trailing
  // elements, output element g * expand + e reads GEMM element g.
  std::vector<int64_t> oshape;
  int64_t expand = 1;
  bool conv = false;       // a pointwise convolution: its bias is per output channel (row m)
  bool convTF32 = false;   // a convolution whose reference allows TF32
  // A pointwise convolution of a channels-last slot: one GEMM, x [N*H*W, Ci] times
  // W [Co, Ci]^T, like a linear layer (the bias per column); gshape/oshape are the
  // N, H, W, C order of the logical result shape `logical`.
  bool channelsLast = false;
  std::vector<int64_t> logical;
  /// TF32 tensor-core math is allowed for this GEMM.
  bool tf32(const Knobs &k) const { return k.allowTF32 || convTF32; }
};

double numAttr(pike::AtenOp a, llvm::StringRef n, double dflt) {
  Attribute at = a->getAttr(n);
  if (auto f = dyn_cast_or_null<FloatAttr>(at))
    return f.getValueAsDouble();
  if (auto i = dyn_cast_or_null<IntegerAttr>(at))
    return (double)i.getInt();
  return dflt;
}

bool plan(pike::KernelOp kernel, GemmPlan &p, Unsupported &err) {
  p.op = singleAnchor(
      kernel,
      [](pike::AtenOp a) {
        auto info = lookupAtenOp(a.getName());
        return info && info->category == OpCategory::Contraction;
      },
      "contraction", err);
  if (!p.op)
    return false;
  pike::AtenOp a = p.op;
  llvm::StringRef name = a.getName();
  name.consume_front("aten::");
  p.G = a->getResult(0);
  p.gshape = shapeOf(p.G);
  auto isF32 = [](Value v) { return v && elementTypeOf(v.getType()).isF32(); };
  if (name == "linear") {
    p.A = operandNamed(a, "input");
    p.B = operandNamed(a, "weight");
    p.bias = operandNamed(a, "bias");
    auto as = shapeOf(p.A), bs = shapeOf(p.B);
    if (!p.A || !p.B || as.empty() || bs.size() != 2 || bs[1] != as.back())
      return err.fail(a, "linear with unexpected shapes");
    p.K = as.back();
    p.N = bs[0];
    p.M = numel(as) / p.K;
    p.transB = true;
  } else if (name == "mm" || name == "addmm" || name == "bmm" || name == "matmul") {
    p.A = operandNamed(a, name == "addmm" ? "mat1" : "self");
    p.B = operandNamed(a, name == "addmm" || name == "mm" || name == "bmm" ? "mat2" : "other");
    if (!p.A || !p.B)
      return err.fail(a, "'" + a.getName().str() + "' without its matrix operands");
    auto as = shapeOf(p.A), bs = shapeOf(p.B);
    if (as.size() < 2 || bs.size() < 2)
      return err.fail(a, "'" + a.getName().str() + "' with a 1-d operand");
    p.M = as[as.size() - 2];
    p.K = as.back();
    p.N = bs.back();
    if (bs[bs.size() - 2] != p.K)
      return err.fail(a, "contraction sizes differ");
    if (bs.size() == 2) {
      // [..., M, K] x [K, N]: fold the leading dims into M.
      p.M = numel(as) / p.K;
    } else {
      std::vector<int64_t> ab(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2);
      std::vector<int64_t> batch = broadcastShapes(ab, bb);
      p.batch = numel(batch);
      auto strideFor = [&](const std::vector<int64_t> &own, int64_t mat) -> int64_t {
        if (numel(own) == 1)
          return 0;
        if (numel(own) == p.batch)
          return mat;
        return -1;
      };
      p.strideA = strideFor(ab, p.M * p.K);
      p.strideB = strideFor(bb, p.K * p.N);
      if (p.strideA < 0 || p.strideB < 0)
        return err.fail(a, "partially broadcast batch dims");
    }
    if (name == "addmm") {
      p.addSelf = operandNamed(a, "self");
      p.alpha = numAttr(a, "alpha", 1);
      p.beta = numAttr(a, "beta", 1);
    }
  } else if (name == "einsum") {
    if (!einsumAsGemm(a, p.A, p.B, p.transB, p.batch, p.M, p.N, p.K, p.strideA, p.strideB))
      return err.fail(a, "this einsum is not a plain batched GEMM (the einsum generator takes it)");
  } else if (isConvolution(a)) {
    ConvGeom g;
    if (!convGeometry(a, g, err))
      return false;
    if (!g.pointwise())
      return err.fail(a, "only pointwise (1x1, stride 1, unpadded) convolutions are GEMMs");
    if (isChannelsLastSlot(kernel)) {
      // out[(n, h, w)][co] = sum_ci x[(n, h, w)][ci] * W[co][ci]: a linear layer.
      p.channelsLast = true;
      p.A = g.x;
      p.B = g.w;
      p.transB = true;
      p.bias = g.bias;
      p.convTF32 = g.tf32;
      p.M = g.N * g.H * g.W;
      p.K = g.Ci;
      p.N = g.Co;
      p.logical = p.gshape;
      p.gshape = channelsLastShape(p.logical);
    } else {
    // out[n][co][p] = sum_ci W[co][ci] * x[n][ci][p]: A = W (shared by every image), B = x[n].
    p.conv = true;
    p.A = g.w;
    p.B = g.x;
    p.bias = g.bias;
    p.convTF32 = g.tf32;
    p.batch = g.N;
    p.M = g.Co;
    p.K = g.Ci;
    p.N = g.H * g.W;
    p.strideA = 0;
    p.strideB = g.Ci * g.H * g.W;
    }
  } else {
    return err.fail(a, "'" + a.getName().str() + "' has no GEMM code generator");
  }
  if (!isF32(p.A) || !isF32(p.B) || !isF32(p.G))
    return err.fail(a, "GEMM on non-f32 tensors");
  if (numel(p.gshape) != p.batch * p.M * p.N)
    return err.fail(a, "unexpected GEMM result shape");
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  p.oshape = p.gshape;
  // An epilogue that broadcasts the result over trailing dims (same rank, the
  // result's trailing dims 1): the outputs have that larger shape.
  if (p.channelsLast) {
    for (Value v : yield.getValues())
      if (shapeOf(v) != p.logical)
        return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                        "an output of this channels-last GEMM region does not have the convolution's shape");
    return true;
  }
  if (!yield.getValues().empty()) {
    auto os0 = shapeOf(yield.getValues()[0]);
    size_t r = os0.size();
    if (numel(os0) > numel(p.gshape) && r == p.gshape.size() && broadcastsTo(p.gshape, os0)) {
      size_t k = r;
      while (k > 0 && p.gshape[k - 1] == 1 && os0[k - 1] != 1)
        --k;
      bool trailingOnly = true;
      for (size_t d = 0; d < k; ++d)
        trailingOnly &= p.gshape[d] == os0[d];
      if (trailingOnly) {
        p.oshape = os0;
        p.expand = numel(os0) / numel(p.gshape);
      }
    }
  }
  for (Value v : yield.getValues())
    if (numel(shapeOf(v)) != numel(p.oshape) || !broadcastsTo(shapeOf(v), p.oshape))
      return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                  "an output of this GEMM region does not have the GEMM result's shape");
  return true;
}

/// Statements computing `pike_g` (the contraction's value, bias/addmm included
/// unless `skipBias`) from `raw` at GEMM-result linear index `o`; coordinates
/// first when an index needs them.
bool emitGemmValue(const GemmPlan &p, const llvm::DenseMap<Value, TensorRef> &tensors,
                   const std::string &raw, bool skipBias, bool host, const std::string &ind,
                   std::ostringstream &os, Unsupported &err);

/// The epilogue of an expanding GEMM (p.expand > 1) for output element `lin`
/// (over p.oshape), the GEMM value being `pike_g`.
bool emitExpandedStores(const GemmPlan &p, pike::KernelOp kernel,
                        const llvm::DenseMap<Value, TensorRef> &tensors, bool host,
                        const std::string &lin, const std::string &ind, std::ostringstream &os,
                        Unsupported &err) {
  ElemEmitter e(p.oshape, lin, "d", ind);
  e.logical = p.logical;
  e.host = host;
  e.tensors = tensors;
  e.scalars[p.G] = {"pike_g", "float"};
  std::ostringstream b;
  return emitStores(e, kernel, lin, b, os, err);
}

/// Statements defining `pike_g` (the contraction's value, bias/addmm included
/// unless `skipBias`) from `raw` at GEMM-result linear index `o`, into a body
/// that `finish` writes out with the emitter `e` that loaded the operands.
bool emitGemmValueThen(
    const GemmPlan &p, const llvm::DenseMap<Value, TensorRef> &tensors, const std::string &raw,
    bool skipBias, bool host, const std::string &ind, Unsupported &err,
    llvm::function_ref<bool(ElemEmitter &e, std::ostringstream &body)> finish) {
  ElemEmitter e(p.gshape, "o", "c", ind);
  e.logical = p.logical;
  e.host = host;
  e.tensors = tensors;
  std::ostringstream b;
  std::string g = raw;
  if (p.addSelf) {
    auto s = e.value(p.addSelf, b, err);
    if (!s)
      return false;
    g = floatLiteral(p.alpha, "float") + " * " + raw + " + " + floatLiteral(p.beta, "float") +
        " * (float)" + s->first;
  } else if (p.bias && !skipBias && p.conv) {
    // Per output channel: row m of batch entry o / (M * N).
    b << ind << "const pike_idx pike_row = (o / " << p.N << ") % " << p.M << ";\n";
    if (!emitChannelValue(p.bias, p.M, "pike_row", tensors, ind, "pike_bias", b, err))
      return false;
    g = raw + " + pike_bias";
  } else if (p.bias && !skipBias && p.channelsLast) {
    // The convolution's bias is per output channel: column n (not a broadcast
    // of the [C] tensor, which would align with W).
    b << ind << "const pike_idx pike_col = o % " << p.N << ";\n";
    if (!emitChannelValue(p.bias, p.N, "pike_col", tensors, ind, "pike_bias", b, err))
      return false;
    g = raw + " + pike_bias";
  } else if (p.bias && !skipBias) {
    auto s = e.value(p.bias, b, err);
    if (!s)
      return false;
    g = raw + " + (float)" + s->first;
  }
  b << ind << "const float pike_g = " << g << ";\n";
  return finish(e, b);
}

/// Statements computing `pike_g` (the contraction's value, bias/addmm included
/// unless `skipBias`) from `raw`, then the epilogue and stores at linear index `o`.
bool emitEpilogue(const GemmPlan &p, pike::KernelOp kernel,
                  const llvm::DenseMap<Value, TensorRef> &tensors, const std::string &raw,
                  bool skipBias, const std::string &ind, std::ostringstream &os,
                  Unsupported &err, bool host = false) {
  if (p.expand > 1) {
    if (!emitGemmValue(p, tensors, raw, skipBias, host, ind, os, err))
      return false;
    os << ind << "for (pike_idx pike_e = 0; pike_e < " << p.expand << "; ++pike_e) {\n";
    os << ind << "  const pike_idx pike_o = o * " << p.expand << " + pike_e;\n";
    if (!emitExpandedStores(p, kernel, tensors, host, "pike_o", ind + "  ", os, err))
      return false;
    os << ind << "}\n";
    return true;
  }
  return emitGemmValueThen(p, tensors, raw, skipBias, host, ind, err,
                           [&](ElemEmitter &e, std::ostringstream &body) {
                             e.scalars[p.G] = {"pike_g", "float"};
                             return emitStores(e, kernel, "o", body, os, err);
                           });
}

bool emitGemmValue(const GemmPlan &p, const llvm::DenseMap<Value, TensorRef> &tensors,
                   const std::string &raw, bool skipBias, bool host, const std::string &ind,
                   std::ostringstream &os, Unsupported &err) {
  return emitGemmValueThen(p, tensors, raw, skipBias, host, ind, err,
                           [&](ElemEmitter &e, std::ostringstream &body) {
                             if (e.usesCoords())
                               e.emitCoords(os);
                             os << body.str();
                             return true;
                           });
}

/// Skips a result element (m, n) outside the matrix, else defines its linear
/// index `o` in the GEMM result.
void emitResultIndex(const std::string &ind, std::ostream &os) {
  os << ind << "if (m >= M || n >= N) continue;\n";
  os << ind << "const pike_idx o = (bz * M + m) * N + n;\n";
}

/// SIMT: opens the loops over the thread's TM x TN result cells (m, n, o).
void emitSimtResultCells(std::ostream &os) {
  os << "#pragma unroll\n  for (int i = 0; i < TM; ++i) {\n";
  os << "#pragma unroll\n    for (int j = 0; j < TN; ++j) {\n";
  os << "      const pike_idx m = m0 + ty * TM + i, n = n0 + tx * TN + j;\n";
  emitResultIndex("      ", os);
}

bool emitSimt(const GemmPlan &p, pike::KernelOp kernel, const Knobs &knobs, const std::string &defs,
              const llvm::DenseMap<Value, TensorRef> &tensors, GeneratedKernel &out,
              Unsupported &err) {
  int nt = knobs.blockSize >= 256 ? 256 : 64;
  int tile = nt == 256 ? 64 : 32; // 4x4 outputs per thread
  const int BK = 16;
  std::string A, B;
  if (!operandPtr(p.A, tensors, A, err, p.op, "GEMM operand") ||
      !operandPtr(p.B, tensors, B, err, p.op, "GEMM operand"))
    return false;
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_gemm";
  std::string idx = indexType(std::max(numel(p.oshape), p.batch * std::max(p.M, p.N) * p.K));
  std::ostringstream os;
  os << prelude(false) << defs;
  os << "extern \"C\" __global__ void __launch_bounds__(" << nt << ") " << name << "("
     << paramList(kernel) << ") {\n";
  os << "  typedef " << idx << " pike_idx;\n";
  os << "  const pike_idx M = " << p.M << ", N = " << p.N << ", K = " << p.K << ";\n";
  os << "  constexpr int BM = " << tile << ", BN = " << tile << ", BK = " << BK
     << ", TM = 4, TN = 4, NT = " << nt << ";\n";
  os << "  __shared__ float As[BK][BM + 4];\n  __shared__ float Bs[BK][BN + 4];\n";
  os << "  const int tx = threadIdx.x % (BN / TN), ty = threadIdx.x / (BN / TN);\n";
  // Expanding epilogue: blockIdx.x also splits the broadcast elements S ways.
  int64_t gx = (p.N + tile - 1) / tile, gy = (p.M + tile - 1) / tile, S = 1;
  if (p.expand > 1) {
    int64_t blocks = gx * gy * p.batch;
    S = std::max<int64_t>(1, std::min<int64_t>((4 * 132 + blocks - 1) / blocks,
                                               (p.expand + 255) / 256));
  }
  if (S > 1)
    os << "  const pike_idx bz = blockIdx.z, m0 = (pike_idx)blockIdx.y * BM, n0 = (pike_idx)(blockIdx.x / "
       << S << ") * BN;\n";
  else
    os << "  const pike_idx bz = blockIdx.z, m0 = (pike_idx)blockIdx.y * BM, n0 = (pike_idx)blockIdx.x * BN;\n";
  os << "  const float* Ab = " << A << " + bz * (pike_idx)" << p.strideA << ";\n";
  os << "  const float* Bb = " << B << " + bz * (pike_idx)" << p.strideB << ";\n";
  os << "  float acc[TM][TN];\n";
  os << "#pragma unroll\n  for (int i = 0; i < TM; ++i)\n#pragma unroll\n    for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;\n";
  os << "  for (pike_idx k0 = 0; k0 < K; k0 += BK) {\n";
  os << "    for (int e = threadIdx.x; e < BM * BK; e += NT) {\n";
  os << "      const int mm = e / BK, kk = e % BK;\n";
  os << "      const pike_idx gm = m0 + mm, gk = k0 + kk;\n";
  os << "      As[kk][mm] = (gm < M && gk < K) ? Ab[gm * K + gk] : 0.0f;\n    }\n";
  os << "    for (int e = threadIdx.x; e < BK * BN; e += NT) {\n";
  if (p.transB) {
    os << "      const int nn = e / BK, kk = e % BK;\n";
    os << "      const pike_idx gn = n0 + nn, gk = k0 + kk;\n";
    os << "      Bs[kk][nn] = (gn < N && gk < K) ? Bb[gn * K + gk] : 0.0f; // B is [N, K] (linear weight)\n    }\n";
  } else {
    os << "      const int kk = e / BN, nn = e % BN;\n";
    os << "      const pike_idx gn = n0 + nn, gk = k0 + kk;\n";
    os << "      Bs[kk][nn] = (gn < N && gk < K) ? Bb[gk * N + gn] : 0.0f;\n    }\n";
  }
  emitSimtTileProduct("    ", os);
  os << "  }\n";
  if (p.expand > 1) {
    // The tile's GEMM values go to shared memory; then the whole block walks
    // its cells x its share of the broadcast elements, consecutive threads on
    // consecutive output elements.
    os << "  __shared__ float Gs[BM][BN + 1];\n";
    emitSimtResultCells(os);
    if (!emitGemmValue(p, tensors, "acc[i][j]", false, false, "      ", os, err))
      return false;
    os << "      Gs[ty * TM + i][tx * TN + j] = pike_g;\n";
    os << "    }\n  }\n  __syncthreads();\n";
    os << "  const pike_idx E = " << p.expand << ", S = " << S << ";\n";
    os << "  const pike_idx rv = M - m0 < BM ? M - m0 : BM, cv = N - n0 < BN ? N - n0 : BN;\n";
    os << "  const pike_idx chunk = (E + S - 1) / S, e0 = (pike_idx)(blockIdx.x % S) * chunk;\n";
    os << "  const pike_idx ne = E - e0 < chunk ? E - e0 : chunk;\n";
    os << "  for (pike_idx t = threadIdx.x; t < rv * cv * ne; t += NT) {\n";
    os << "    const pike_idx cell = t / ne, mm = cell / cv, nn = cell % cv;\n";
    os << "    const pike_idx o = (bz * M + m0 + mm) * N + n0 + nn;\n";
    os << "    const float pike_g = Gs[mm][nn];\n";
    os << "    const pike_idx pike_o = o * E + e0 + t % ne;\n";
    if (!emitExpandedStores(p, kernel, tensors, false, "pike_o", "    ", os, err))
      return false;
    os << "  }\n}\n";
  } else {
  os << "  // Fused epilogue.\n";
  emitSimtResultCells(os);
  if (!emitEpilogue(p, kernel, tensors, "acc[i][j]", false, "      ", os, err))
    return false;
  os << "    }\n  }\n}\n";
  }
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  nlohmann::json args = pointerArgs(ins.size(), outs.size());
  gx *= S;
  if (gy > 65535 || p.batch > 65535) {
    err.op = p.op;
    err.reason = "GEMM too large for the SIMT variant's grid";
    return false;
  }
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {gx, gy, p.batch}, nt, 0, args);
  out.summary = (p.conv ? "pointwise conv as gemm simt " : p.channelsLast ? "channels-last pointwise conv as gemm simt " : "gemm simt ") + std::to_string(p.batch) + "x" + std::to_string(p.M) + "x" +
                std::to_string(p.N) + "x" + std::to_string(p.K) + ", tile " + std::to_string(tile);
  if (p.expand > 1)
    out.summary += ", epilogue broadcast x" + std::to_string(p.expand) + " (" + std::to_string(S) +
                   " splits)";
  return true;
}

/// TF32 tensor cores through wmma (16x16x8 fragments): each warp owns a 32x32
/// tile of C; the block's BM x BN tile goes through shared memory once at the
/// end so the fused epilogue reads and writes along n (coalesced). Under the
/// bf16/fp16 policies (knobs.halfOperands) the tiles are staged as bf16/half
/// and the fragments are 16x16x16 (fp32 accumulator); the TF32 text is unchanged.
bool emitWmma(const GemmPlan &p, pike::KernelOp kernel, const Knobs &knobs, const std::string &defs,
              const llvm::DenseMap<Value, TensorRef> &tensors, GeneratedKernel &out,
              Unsupported &err) {
  if (p.expand > 1)
    return err.fail(p.op, "an epilogue broadcast over larger outputs is generated by the simt "
                          "variant only");
  if (!p.tf32(knobs))
    return err.fail(p.op, "the wmma variant needs TF32 (the tf32 precision policy, or a "
                          "convolution whose reference allows TF32)");
  // Warps along m x n: 64 threads 1x2 (32x64), 128 threads 2x2 (64x64), 256 threads 2x4 (64x128).
  int nt = knobs.blockSize >= 256 ? 256 : knobs.blockSize >= 128 ? 128 : 64;
  int wmWarps = nt == 64 ? 1 : 2, wnWarps = nt == 256 ? 4 : 2;
  int BM = 32 * wmWarps, BN = 32 * wnWarps;
  const int BK = knobs.itemsPerThread >= 2 ? 32 : 16;
  // 16-bit operands: element type, its rounding from float, and the k of one mma.
  const bool half = !knobs.halfOperands.empty();
  const HalfCudaType &ht = halfCudaType(knobs.halfOperands);
  const std::string elt = half ? ht.type : "float";
  const std::string cvt = half ? ht.round : "wmma::__float_to_tf32";
  std::string A, B;
  if (!operandPtr(p.A, tensors, A, err, p.op, "GEMM operand") ||
      !operandPtr(p.B, tensors, B, err, p.op, "GEMM operand"))
    return false;
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_wmma";
  std::string idx = indexType(std::max(p.batch * p.M * p.N, p.batch * std::max(p.M, p.N) * p.K));
  std::ostringstream os;
  os << "#include <mma.h>\n";
  if (half)
    os << ht.include;
  os << prelude(false) << defs;
  os << "extern \"C\" __global__ void __launch_bounds__(" << nt << ") " << name << "("
     << paramList(kernel) << ") {\n";
  os << "  using namespace nvcuda;\n";
  os << "  typedef " << idx << " pike_idx;\n";
  os << "  const pike_idx M = " << p.M << ", N = " << p.N << ", K = " << p.K << ";\n";
  os << "  constexpr int BM = " << BM << ", BN = " << BN << ", BK = " << BK << ", WN = " << wnWarps
     << ", NT = " << nt << ";\n";
  if (!half) {
    os << "  constexpr int LDA = BK + 4, LDB = BN + 4, LDC = BN + 4;\n";
    // C's staging tile reuses the A/B tiles' memory (after the last k step).
    // Operands are rounded to TF32 once, when staged (not per fragment load).
    os << "  constexpr int AB = BM * LDA + BK * LDB, SM = AB > BM * LDC ? AB : BM * LDC;\n";
    os << "  __shared__ __align__(128) float pike_smem[SM];\n";
    os << "  float* As = pike_smem;\n  float* Bs = pike_smem + BM * LDA;\n  float* Cs = pike_smem;\n";
  } else {
    // 16-bit tiles (leading dims multiples of 8 elements, as wmma needs), the
    // fp32 C tile over the same bytes; operands rounded once, when staged.
    os << "  constexpr int LDA = BK + 8, LDB = BN + 8, LDC = BN + 4;\n";
    os << "  constexpr int AB = (BM * LDA + BK * LDB) * 2, SM = AB > BM * LDC * 4 ? AB : BM * LDC * 4;\n";
    os << "  __shared__ __align__(128) unsigned char pike_smem[SM];\n";
    os << "  " << elt << "* As = (" << elt << "*)pike_smem;\n  " << elt << "* Bs = As + BM * LDA;\n"
       << "  float* Cs = (float*)pike_smem;\n";
  }
  os << "  const int warp = threadIdx.x / 32, wm = warp / WN, wn = warp % WN;\n";
  os << "  const pike_idx bz = blockIdx.z, m0 = (pike_idx)blockIdx.y * BM, n0 = (pike_idx)blockIdx.x * BN;\n";
  os << "  const float* Ab = " << A << " + bz * (pike_idx)" << p.strideA << ";\n";
  os << "  const float* Bb = " << B << " + bz * (pike_idx)" << p.strideB << ";\n";
  const std::string kf = half ? "16" : "8"; // k of one fragment
  os << "  wmma::fragment<wmma::accumulator, 16, 16, " << kf << ", float> acc[2][2];\n";
  os << "#pragma unroll\n  for (int i = 0; i < 2; ++i)\n#pragma unroll\n    for (int j = 0; j < 2; ++j) wmma::fill_fragment(acc[i][j], 0.0f);\n";
  os << "  for (pike_idx k0 = 0; k0 < K; k0 += BK) {\n";
  os << "    for (int e = threadIdx.x; e < BM * BK; e += NT) {\n";
  os << "      const int mm = e / BK, kk = e % BK;\n";
  os << "      const pike_idx gm = m0 + mm, gk = k0 + kk;\n";
  os << "      As[mm * LDA + kk] = " << cvt << "((gm < M && gk < K) ? __ldg(Ab + gm * K + gk) : 0.0f);\n    }\n";
  // Scalar loads of the B tile (row-major [K, N]), at indentation `ind`.
  auto scalarB = [&](const std::string &ind) {
    os << ind << "for (int e = threadIdx.x; e < BK * BN; e += NT) {\n";
    os << ind << "  const int kk = e / BN, nn = e % BN;\n";
    os << ind << "  const pike_idx gn = n0 + nn, gk = k0 + kk;\n";
    os << ind << "  Bs[kk * LDB + nn] = " << cvt << "((gn < N && gk < K) ? __ldg(Bb + gk * N + gn) : 0.0f);\n";
    os << ind << "}\n";
  };
  if (p.transB) {
    os << "    for (int e = threadIdx.x; e < BK * BN; e += NT) {\n";
    os << "      const int nn = e / BK, kk = e % BK;\n";
    os << "      const pike_idx gn = n0 + nn, gk = k0 + kk;\n";
    os << "      Bs[kk * LDB + nn] = " << cvt << "((gn < N && gk < K) ? __ldg(Bb + gn * K + gk) : 0.0f);\n    }\n";
  } else if (p.N % 4 == 0) {
    // Rows of B are float4-aligned when the base is (N % 4 == 0): vector loads.
    os << "    if ((((unsigned long long)Bb) & 15) == 0) {\n";
    os << "      for (int e = threadIdx.x; e < BK * (BN / 4); e += NT) {\n";
    os << "        const int kk = e / (BN / 4), nn = (e % (BN / 4)) * 4;\n";
    os << "        const pike_idx gn = n0 + nn, gk = k0 + kk;\n";
    os << "        float4 v = make_float4(0.0f, 0.0f, 0.0f, 0.0f);\n";
    os << "        if (gk < K && gn < N) v = __ldg((const float4*)(Bb + gk * N + gn));\n";
    os << "        " << elt << "* d = Bs + kk * LDB + nn;\n";
    os << "        d[0] = " << cvt << "(v.x); d[1] = " << cvt << "(v.y);\n"
       << "        d[2] = " << cvt << "(v.z); d[3] = " << cvt << "(v.w);\n      }\n";
    os << "    } else {\n";
    scalarB("      ");
    os << "    }\n";
  } else {
    scalarB("    ");
  }
  os << "    __syncthreads();\n";
  const std::string fragType = half ? elt : "wmma::precision::tf32";
  os << "#pragma unroll\n    for (int kk = 0; kk < BK; kk += " << kf << ") {\n";
  os << "      wmma::fragment<wmma::matrix_a, 16, 16, " << kf << ", " << fragType << ", wmma::row_major> a[2];\n";
  os << "      wmma::fragment<wmma::matrix_b, 16, 16, " << kf << ", " << fragType << ", wmma::row_major> b[2];\n";
  os << "#pragma unroll\n      for (int i = 0; i < 2; ++i) {\n";
  os << "        wmma::load_matrix_sync(a[i], As + (wm * 32 + i * 16) * LDA + kk, LDA);\n";
  os << "        wmma::load_matrix_sync(b[i], Bs + kk * LDB + wn * 32 + i * 16, LDB);\n";
  os << "      }\n";
  os << "#pragma unroll\n      for (int i = 0; i < 2; ++i)\n#pragma unroll\n        for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);\n";
  os << "    }\n    __syncthreads();\n  }\n";
  os << "#pragma unroll\n  for (int i = 0; i < 2; ++i)\n#pragma unroll\n    for (int j = 0; j < 2; ++j)\n";
  os << "      wmma::store_matrix_sync(Cs + (wm * 32 + i * 16) * LDC + wn * 32 + j * 16, acc[i][j], LDC, wmma::mem_row_major);\n";
  os << "  __syncthreads();\n";
  os << "  // Fused epilogue, along n.\n";
  os << "  for (int e = threadIdx.x; e < BM * BN; e += NT) {\n";
  os << "    const int mi = e / BN, ni = e % BN;\n";
  os << "    const pike_idx m = m0 + mi, n = n0 + ni;\n";
  emitResultIndex("    ", os);
  if (!emitEpilogue(p, kernel, tensors, "Cs[mi * LDC + ni]", false, "    ", os, err))
    return false;
  os << "  }\n}\n";
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  int64_t gx = (p.N + BN - 1) / BN, gy = (p.M + BM - 1) / BM;
  if (gy > 65535 || p.batch > 65535)
    return err.fail(p.op, "GEMM too large for the wmma variant's grid");
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {gx, gy, p.batch}, nt, 0, pointerArgs(ins.size(), outs.size()));
  out.summary = std::string(p.conv ? "pointwise conv as gemm" : p.channelsLast ? "channels-last pointwise conv as gemm" : "gemm") + " wmma " +
                (half ? knobs.halfOperands + " (fp32 accumulation) " : std::string("tf32 ")) +
                std::to_string(p.batch) + "x" + std::to_string(p.M) + "x" + std::to_string(p.N) +
                "x" + std::to_string(p.K) + ", tile " + std::to_string(BM) + "x" + std::to_string(BN) +
                "x" + std::to_string(BK);
  return true;
}

const char *kAbi =
    "#if defined(__has_include)\n#if __has_include(\"pike/Runtime/KernelABI.h\")\n"
    "#include \"pike/Runtime/KernelABI.h\"\n#endif\n#endif\n"
    "#ifndef PIKE_RUNTIME_KERNELABI_H\n#define PIKE_RUNTIME_KERNELABI_H\n#define PIKE_MAX_DIMS 8\n"
    "typedef struct PikeTensorRef { void *data; int32_t dtype; int32_t ndim; int64_t sizes[PIKE_MAX_DIMS]; } PikeTensorRef;\n"
    "#endif\n";


/// cuBLASLt / cuBLAS host entry + optional epilogue kernel.
bool emitLibrary(const GemmPlan &p, pike::KernelOp kernel, const Knobs &knobs, bool lt,
                 const std::string &defsConst, const llvm::DenseMap<Value, TensorRef> &tensors,
                 GeneratedKernel &out, Unsupported &err) {
  if (p.expand > 1)
    return err.fail(p.op, "an epilogue broadcast over larger outputs is generated by the simt "
                          "variant only (the library variants run their epilogue in place)");
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  std::string A, B;
  if (!operandPtr(p.A, tensors, A, err, p.op, "GEMM operand") ||
      !operandPtr(p.B, tensors, B, err, p.op, "GEMM operand"))
    return false;
  // __device__ (not __constant__) arrays: cuBLAS reads them through global pointers.
  std::string defs = defsConst;
  for (size_t pos; (pos = defs.find("__constant__ ")) != std::string::npos;)
    defs.replace(pos, 13, "__device__ ");

  // Which cuBLASLt epilogue covers the region? bias (linear), then relu / gelu(tanh)
  // when that op is the only consumer and the only output.
  std::string ltEpi = "CUBLASLT_EPILOGUE_DEFAULT";
  bool biasFused = false;
  Operation *actFused = nullptr;
  if (lt && p.bias && !p.conv && shapeOf(p.bias).size() == 1 && shapeOf(p.bias)[0] == p.N &&
      elementTypeOf(p.bias.getType()).isF32() && tensors.count(p.bias)) {
    biasFused = true;
    ltEpi = "CUBLASLT_EPILOGUE_BIAS";
  }
  if (lt && !p.addSelf && (biasFused || !p.bias) && p.G.hasOneUse() && yield.getNumOperands() == 1) {
    auto act = dyn_cast<pike::AtenOp>(*p.G.getUsers().begin());
    if (act && yield.getOperand(0) == act->getResult(0) &&
        numel(shapeOf(act->getResult(0))) == numel(p.gshape)) {
      auto ap = act->getAttrOfType<StringAttr>("approximate");
      if (act.getName() == "aten::relu") {
        actFused = act;
        ltEpi = biasFused ? "CUBLASLT_EPILOGUE_RELU_BIAS" : "CUBLASLT_EPILOGUE_RELU";
      } else if (act.getName() == "aten::gelu" && ap && ap.getValue() == "tanh") {
        actFused = act;
        ltEpi = biasFused ? "CUBLASLT_EPILOGUE_GELU_BIAS" : "CUBLASLT_EPILOGUE_GELU";
      }
    }
  }
  // Is an epilogue kernel needed? Not when the library wrote the only output.
  bool needEpi = true;
  if (!p.addSelf && yield.getNumOperands() == 1) {
    Value y = yield.getOperand(0);
    if (actFused && y == actFused->getResult(0))
      needEpi = false;
    else if (!actFused && y == p.G && (biasFused || !p.bias))
      needEpi = false;
  }
  std::string name = sanitize(kernel.getSymName());
  std::string epiName = "pike_" + name + "_epilogue";
  std::ostringstream os;
  os << "// pike: GEMM slot via " << (lt ? "cuBLASLt" : "cuBLAS") << " (nvcc mode).\n";
  os << "// The library handle and workspace are created once per process (function-local\n"
        "// statics, thread-safe initialisation) on the first call; warm the slot up before\n"
        "// CUDA-graph capture. The GEMM writes out0; an epilogue kernel (if any) reads it.\n";
  os << "#include <cuda_runtime.h>\n#include <stdint.h>\n";
  os << (lt ? "#include <cublasLt.h>\n" : "#include <cublas_v2.h>\n");
  os << kAbi << prelude(false) << defs;
  int64_t total = numel(p.gshape);
  std::string idx = indexType(total);
  int B_ = knobs.blockSize;
  if (needEpi) {
    os << "__global__ void __launch_bounds__(" << B_ << ") " << epiName << "("
       << paramList(kernel) << ") {\n";
    os << "  typedef " << idx << " pike_idx;\n";
    os << "  const pike_idx n = " << total << ";\n";
    os << "  for (pike_idx o = (pike_idx)blockIdx.x * blockDim.x + threadIdx.x; o < n; o += (pike_idx)gridDim.x * blockDim.x) {\n";
    std::ostringstream body;
    // out0 holds the GEMM result (alpha*A@B, plus bias when fused by cuBLASLt).
    if (!emitEpilogue(p, kernel, tensors, "out0[o]", biasFused, "    ", body, err))
      return false;
    os << body.str() << "  }\n}\n";
  }
  os << "static const size_t kPikeWorkspaceBytes = " << (lt ? "32u << 20" : "32u << 20") << ";\n";
  os << "extern \"C\" int pike_gemm_entry(const PikeTensorRef* inputs, int32_t num_inputs, PikeTensorRef* outputs, int32_t num_outputs, cudaStream_t stream) {\n";
  emitEntryTensorPointers(os, ins, outs);
  std::string Ap = entryDevicePointer(p.A, A, os), Bp = entryDevicePointer(p.B, B, os);
  std::string biasP;
  if (biasFused) {
    std::string bn;
    operandPtr(p.bias, tensors, bn, err, p.op, "GEMM operand");
    biasP = entryDevicePointer(p.bias, bn, os);
  }
  os << "  static void* workspace = [] { void* w = nullptr; if (cudaMalloc(&w, kPikeWorkspaceBytes) != cudaSuccess) w = nullptr; return w; }();\n";
  os << "  if (!workspace) return (int)cudaErrorMemoryAllocation;\n";
  std::string compute = knobs.halfOperands == "bf16"   ? "CUBLAS_COMPUTE_32F_FAST_16BF"
                        : knobs.halfOperands == "fp16" ? "CUBLAS_COMPUTE_32F_FAST_16F"
                        : p.tf32(knobs)                ? "CUBLAS_COMPUTE_32F_FAST_TF32"
                                                       : "CUBLAS_COMPUTE_32F";
  double alpha = p.addSelf ? 1.0 : 1.0; // addmm's alpha/beta are applied by the epilogue
  os << "  const float alpha = " << floatLiteral(alpha, "float") << ", beta = 0.0f;\n";
  // Column-major view: C^T[N x M] = op(B)^T-view[N x K] * A^T-view[K x M].
  std::string opB = p.transB ? "CUBLAS_OP_T" : "CUBLAS_OP_N";
  int64_t ldb = p.transB ? p.K : p.N;
  if (lt) {
    os << "  static cublasLtHandle_t handle = [] { cublasLtHandle_t h = nullptr; if (cublasLtCreate(&h) != CUBLAS_STATUS_SUCCESS) h = nullptr; return h; }();\n";
    os << "  if (!handle) return (int)cudaErrorInitializationError;\n";
    os << "  cublasLtMatmulDesc_t op = nullptr;\n"
          "  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;\n"
          "  cublasLtMatmulPreference_t pref = nullptr;\n"
          "  int rc = 0;\n";
    os << "  do {\n";
    os << "    if (cublasLtMatmulDescCreate(&op, " << compute << ", CUDA_R_32F) != CUBLAS_STATUS_SUCCESS) { rc = (int)cudaErrorUnknown; break; }\n";
    os << "    cublasOperation_t ta = " << opB << ", tb = CUBLAS_OP_N;\n";
    os << "    cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof(ta));\n";
    os << "    cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &tb, sizeof(tb));\n";
    os << "    cublasLtEpilogue_t epi = " << ltEpi << ";\n";
    os << "    cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_EPILOGUE, &epi, sizeof(epi));\n";
    if (biasFused) {
      os << "    const void* bias = " << biasP << ";\n";
      os << "    cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias));\n";
    }
    // cuBLAS "A" = our B, "B" = our A.
    if (p.transB)
      os << "    cublasLtMatrixLayoutCreate(&la, CUDA_R_32F, " << p.K << ", " << p.N << ", " << ldb << ");\n";
    else
      os << "    cublasLtMatrixLayoutCreate(&la, CUDA_R_32F, " << p.N << ", " << p.K << ", " << ldb << ");\n";
    os << "    cublasLtMatrixLayoutCreate(&lb, CUDA_R_32F, " << p.K << ", " << (p.batch > 1 ? p.M : p.M) << ", " << p.K << ");\n";
    os << "    cublasLtMatrixLayoutCreate(&lc, CUDA_R_32F, " << p.N << ", " << p.M << ", " << p.N << ");\n";
    if (p.batch > 1) {
      os << "    const int32_t batch = " << p.batch << ";\n";
      os << "    const int64_t sa = " << p.strideB << ", sb = " << p.strideA << ", sc = " << p.M * p.N << ";\n";
      for (auto [l, s] : {std::pair<const char *, const char *>{"la", "sa"}, {"lb", "sb"}, {"lc", "sc"}}) {
        os << "    cublasLtMatrixLayoutSetAttribute(" << l << ", CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &batch, sizeof(batch));\n";
        os << "    cublasLtMatrixLayoutSetAttribute(" << l << ", CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &" << s << ", sizeof(" << s << "));\n";
      }
    }
    os << "    cublasLtMatmulPreferenceCreate(&pref);\n";
    os << "    size_t wsBytes = kPikeWorkspaceBytes;\n";
    os << "    cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &wsBytes, sizeof(wsBytes));\n";
    // Alignment of this call's pointers selects one of two cached algorithms.
    os << "    const uintptr_t bits = (uintptr_t)" << Ap << " | (uintptr_t)" << Bp << " | (uintptr_t)out0"
       << (biasFused ? " | (uintptr_t)" + biasP : std::string()) << ";\n";
    os << "    const uint32_t align = (bits & 15) == 0 ? 16u : 4u;\n";
    os << "    for (auto a : {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES})\n";
    os << "      cublasLtMatmulPreferenceSetAttribute(pref, a, &align, sizeof(align));\n";
    os << "    // Shapes are static: the heuristic's choice is cached per alignment class.\n";
    os << "    static cublasLtMatmulHeuristicResult_t cached[2];\n";
    os << "    static int haveCached[2] = {0, 0};\n";
    os << "    const int slot = align == 16u ? 0 : 1;\n";
    os << "    if (!haveCached[slot]) {\n";
    os << "      int found = 0;\n";
    os << "      if (cublasLtMatmulAlgoGetHeuristic(handle, op, la, lb, lc, lc, pref, 1, &cached[slot], &found) != CUBLAS_STATUS_SUCCESS || found == 0) { rc = (int)cudaErrorNotSupported; break; }\n";
    os << "      haveCached[slot] = 1;\n    }\n";
    os << "    if (cublasLtMatmul(handle, op, &alpha, " << Bp << ", la, " << Ap << ", lb, &beta, out0, lc, out0, lc, &cached[slot].algo, workspace, kPikeWorkspaceBytes, stream) != CUBLAS_STATUS_SUCCESS) { rc = (int)cudaErrorLaunchFailure; break; }\n";
    os << "  } while (0);\n";
    os << "  if (pref) cublasLtMatmulPreferenceDestroy(pref);\n"
          "  if (la) cublasLtMatrixLayoutDestroy(la);\n"
          "  if (lb) cublasLtMatrixLayoutDestroy(lb);\n"
          "  if (lc) cublasLtMatrixLayoutDestroy(lc);\n"
          "  if (op) cublasLtMatmulDescDestroy(op);\n"
          "  if (rc) return rc;\n";
  } else {
    os << "  static cublasHandle_t handle = [] { cublasHandle_t h = nullptr; if (cublasCreate(&h) != CUBLAS_STATUS_SUCCESS) h = nullptr; return h; }();\n";
    os << "  if (!handle) return (int)cudaErrorInitializationError;\n";
    os << "  if (cublasSetStream(handle, stream) != CUBLAS_STATUS_SUCCESS) return (int)cudaErrorUnknown;\n";
    os << "  if (cublasSetWorkspace(handle, workspace, kPikeWorkspaceBytes) != CUBLAS_STATUS_SUCCESS) return (int)cudaErrorUnknown;\n";
    os << "  if (cublasGemmStridedBatchedEx(handle, " << opB << ", CUBLAS_OP_N, " << p.N << ", " << p.M
       << ", " << p.K << ", &alpha, " << Bp << ", CUDA_R_32F, " << ldb << ", " << p.strideB << "LL, "
       << Ap << ", CUDA_R_32F, " << p.K << ", " << p.strideA << "LL, &beta, out0, CUDA_R_32F, "
       << p.N << ", " << p.M * p.N << "LL, " << p.batch << ", " << compute
       << ", CUBLAS_GEMM_DEFAULT) != CUBLAS_STATUS_SUCCESS) return (int)cudaErrorLaunchFailure;\n";
  }
  if (needEpi) {
    int64_t grid = std::max<int64_t>(1, std::min<int64_t>((total + B_ - 1) / B_, 1 << 20));
    os << "  " << epiName << "<<<" << grid << ", " << B_ << ", 0, stream>>>(" << pointerArgList(ins.size(), outs.size()) << ");\n";
  }
  os << "  return (int)cudaGetLastError();\n}\n";
  out.source = os.str();
  out.mode = "nvcc";
  out.entry = "pike_gemm_entry";
  out.launches = nlohmann::json::array();
  out.summary = std::string(p.conv ? "pointwise conv as gemm " : p.channelsLast ? "channels-last pointwise conv as gemm " : "gemm ") + (lt ? "cublaslt" : "cublas") + " " + std::to_string(p.batch) +
                "x" + std::to_string(p.M) + "x" + std::to_string(p.N) + "x" + std::to_string(p.K) +
                (lt ? ", epilogue " + ltEpi : std::string()) +
                (needEpi ? ", + generated epilogue kernel" : "") +
                (!knobs.halfOperands.empty() ? ", " + knobs.halfOperands + " operands, fp32 accumulation"
                 : p.tf32(knobs)             ? std::string(", TF32")
                                             : std::string());
  return true;
}

} // namespace

void emitSimtTileProduct(const std::string &ind, std::ostream &os) {
  os << ind << "__syncthreads();\n";
  os << "#pragma unroll\n" << ind << "for (int kk = 0; kk < BK; ++kk) {\n";
  os << ind << "  float a[TM], b[TN];\n";
  os << "#pragma unroll\n" << ind << "  for (int i = 0; i < TM; ++i) a[i] = As[kk][ty * TM + i];\n";
  os << "#pragma unroll\n" << ind << "  for (int j = 0; j < TN; ++j) b[j] = Bs[kk][tx * TN + j];\n";
  os << "#pragma unroll\n" << ind << "  for (int i = 0; i < TM; ++i)\n#pragma unroll\n"
     << ind << "    for (int j = 0; j < TN; ++j) acc[i][j] += a[i] * b[j];\n";
  os << ind << "}\n" << ind << "__syncthreads();\n";
}

int64_t tf32ConvInputChannels(pike::KernelOp kernel) {
  GemmPlan p;
  Unsupported err;
  return plan(kernel, p, err) && p.convTF32 ? p.K : 0;
}

bool gemmExpands(pike::KernelOp kernel) {
  GemmPlan p;
  Unsupported err;
  return plan(kernel, p, err) && p.expand > 1;
}

int64_t gemmWork(pike::KernelOp kernel) {
  GemmPlan p;
  Unsupported err;
  if (!plan(kernel, p, err))
    return 0;
  return p.batch * p.M * p.N * p.K;
}

bool emitGemm(pike::KernelOp kernel, const Knobs &knobs, GeneratedKernel &out, Unsupported &err) {
  GemmPlan p;
  if (!plan(kernel, p, err))
    return false;
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, /*host=*/false, defs, tensors, err))
    return false;
  if (p.channelsLast) {
    std::vector<int64_t> iter = p.logical, logical;
    if (!toChannelsLastSpace(kernel, iter, logical, tensors, err))
      return false;
  }
  if (knobs.variant == "simt")
    return emitSimt(p, kernel, knobs, defs, tensors, out, err);
  if (knobs.variant == "wmma")
    return emitWmma(p, kernel, knobs, defs, tensors, out, err);
  if (knobs.variant == "cublas+epilogue")
    return emitLibrary(p, kernel, knobs, /*lt=*/false, defs, tensors, out, err);
  return emitLibrary(p, kernel, knobs, /*lt=*/true, defs, tensors, out, err);
}

bool emitGemmHost(pike::KernelOp kernel, GeneratedKernel &out, Unsupported &err) {
  GemmPlan p;
  if (!plan(kernel, p, err))
    return false;
  if (p.channelsLast)
    return err.fail(p.op, "no host reference of a channels-last GEMM");
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, /*host=*/true, defs, tensors, err))
    return false;
  std::string A, B;
  if (!operandPtr(p.A, tensors, A, err, p.op, "GEMM operand") ||
      !operandPtr(p.B, tensors, B, err, p.op, "GEMM operand"))
    return false;
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_gemm";
  std::ostringstream os;
  os << prelude(true) << defs;
  emitHostEntry(kernel, name, os);
  os << "  const pike_idx M = " << p.M << ", N = " << p.N << ", K = " << p.K << ";\n";
  os << "  for (pike_idx bz = 0; bz < " << p.batch << "; ++bz)\n";
  os << "  for (pike_idx m = 0; m < M; ++m)\n  for (pike_idx n = 0; n < N; ++n) {\n";
  os << "    const float* Ab = " << A << " + bz * " << p.strideA << ";\n";
  os << "    const float* Bb = " << B << " + bz * " << p.strideB << ";\n";
  os << "    float acc = 0.0f;\n";
  os << "    for (pike_idx k = 0; k < K; ++k) acc += Ab[m * K + k] * "
     << (p.transB ? "Bb[n * K + k]" : "Bb[k * N + n]") << ";\n";
  os << "    const pike_idx o = (bz * M + m) * N + n;\n";
  if (!emitEpilogue(p, kernel, tensors, "acc", false, "    ", os, err, /*host=*/true))
    return false;
  os << "  }\n}\n";
  out.source = os.str();
  out.mode = "host";
  out.entry = name;
  return true;
}

} // namespace pike::codegen::detail
