// Row regions: softmax / log_softmax over the last dim, reductions over the
// trailing dims, layer/rms/group norm; each with an elementwise prologue (the
// anchor's input, recomputed per pass) and epilogue (applied to the result).
// One block per row ("block-per-row") or one warp per row ("warp-per-row"),
// warp-shuffle reductions, a single kernel, no workspace.
#include "Internal.h"

#include "pike/Dialect/OpRegistry.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <set>

using namespace mlir;

namespace pike::codegen::detail {

namespace {

enum class RowKind { Softmax, LogSoftmax, LogSumExp, Sum, Mean, Max, Min, Prod, Var, Std, LayerNorm, RmsNorm, GroupNorm };

struct RowPlan {
  pike::AtenOp anchor;
  RowKind kind;
  Value x;                     // the anchor's input
  std::vector<int64_t> xshape; // its shape
  int64_t R = 0, L = 0;        // rows, row length
  int64_t inner = 1;           // stride of the reduced dim(s): element j of row r is
                               // x[(r / inner * L + j) * inner + r % inner]
  // layer/rms norm: weight/bias indexed by j; group norm: by channel.
  Value weight, bias;
  double eps = 1e-5;
  int64_t groups = 1, channels = 1, spatial = 1; // group norm
  double correction = 1;                          // var/std
  bool reducesToRow = false;                      // reductions: output index = row
  // Reductions whose (keepdim) result is broadcast back over the row by the
  // epilogue (x * rsqrt(mean(x*x) + eps), RMSNorm written out): the outputs
  // have the input's shape and are written per element.
  bool broadcastBack = false;
  /// Elements in the last `k` dims of the anchor's input.
  int64_t trailing(int64_t k) const {
    int64_t n = 1;
    for (int64_t d = (int64_t)xshape.size() - k; d < (int64_t)xshape.size(); ++d)
      n *= xshape[d];
    return n;
  }
};

std::string rowKindName(RowKind k) {
  switch (k) {
  case RowKind::Softmax: return "softmax";
  case RowKind::LogSoftmax: return "log_softmax";
  case RowKind::LogSumExp: return "logsumexp";
  case RowKind::Sum: return "sum";
  case RowKind::Mean: return "mean";
  case RowKind::Max: return "amax";
  case RowKind::Min: return "amin";
  case RowKind::Prod: return "prod";
  case RowKind::Var: return "var";
  case RowKind::Std: return "std";
  case RowKind::LayerNorm: return "layer_norm";
  case RowKind::RmsNorm: return "rms_norm";
  case RowKind::GroupNorm: return "group_norm";
  }
  return "?";
}

std::optional<double> numAttr(pike::AtenOp a, llvm::StringRef n) {
  Attribute at = a->getAttr(n);
  if (auto f = dyn_cast_or_null<FloatAttr>(at))
    return f.getValueAsDouble();
  if (auto i = dyn_cast_or_null<IntegerAttr>(at))
    return (double)i.getInt();
  if (auto b = dyn_cast_or_null<BoolAttr>(at))
    return b.getValue() ? 1.0 : 0.0;
  return std::nullopt;
}

} // namespace

bool isGlobalAvgPool(pike::AtenOp op) {
  if (op.getName() != "aten::adaptive_avg_pool2d")
    return false;
  auto size = op->getAttrOfType<DenseI64ArrayAttr>("output_size");
  return size && size.size() == 2 && size[0] == 1 && size[1] == 1;
}

namespace {

// --- the row op table -----------------------------------------------------------
// Each planner reads the anchor's attributes into the plan: the row length L,
// the stride `inner` of the reduced dim(s) and the op's parameters. `name` is
// the registry name without "aten::".

bool planSoftmax(pike::AtenOp anchor, llvm::StringRef name, RowPlan &p, Unsupported &err) {
  int64_t rank = p.xshape.size();
  auto d = numAttr(anchor, "dim");
  int64_t dim = d ? (int64_t)*d : -1;
  if (dim < 0)
    dim += rank;
  if (rank == 0 || dim < 0 || dim >= rank)
    return err.fail(anchor, "'" + anchor.getName().str() + "' dim out of range");
  p.L = p.xshape[dim];
  p.inner = p.trailing(rank - 1 - dim);
  return true;
}

// layer_norm, rms_norm: rows are the trailing normalized_shape dims.
bool planTrailingNorm(pike::AtenOp anchor, llvm::StringRef name, RowPlan &p, Unsupported &err) {
  int64_t rank = p.xshape.size();
  auto ns = anchor->getAttrOfType<DenseI64ArrayAttr>("normalized_shape");
  if (!ns || (int64_t)ns.size() > rank)
    return err.fail(anchor, "'" + anchor.getName().str() + "' without a usable normalized_shape");
  for (size_t k = 0; k < ns.size(); ++k)
    if (ns[k] != p.xshape[rank - ns.size() + k])
      return err.fail(anchor, "normalized_shape does not match the input");
  p.L = p.trailing(ns.size());
  p.weight = operandNamed(anchor, "weight");
  p.bias = operandNamed(anchor, "bias");
  auto eps = numAttr(anchor, "eps");
  Type re = elementTypeOf(anchor->getResult(0).getType());
  // rms_norm's default eps is the result type's machine epsilon.
  p.eps = eps ? *eps : (p.kind == RowKind::RmsNorm ? (re.isF32() ? 1.1920928955078125e-07 : 2.220446049250313e-16) : 1e-5);
  return true;
}

// group_norm: a row is one (sample, group): channels/groups channels of `spatial` elements.
bool planGroupNorm(pike::AtenOp anchor, llvm::StringRef name, RowPlan &p, Unsupported &err) {
  int64_t rank = p.xshape.size();
  auto g = numAttr(anchor, "num_groups");
  if (!g || rank < 2)
    return err.fail(anchor, "group_norm without num_groups");
  p.groups = (int64_t)*g;
  p.channels = p.xshape[1];
  if (p.groups <= 0 || p.channels % p.groups)
    return err.fail(anchor, "group_norm: channels not divisible by groups");
  p.spatial = numel(p.xshape) / (p.xshape[0] * p.channels);
  p.L = (p.channels / p.groups) * p.spatial;
  p.weight = operandNamed(anchor, "weight");
  p.bias = operandNamed(anchor, "bias");
  auto eps = numAttr(anchor, "eps");
  p.eps = eps ? *eps : 1e-5;
  return true;
}

// Reductions over adjacent dims (`dim`: one, a list, or absent for all);
// global average pooling reduces the last two.
bool planReduction(pike::AtenOp anchor, llvm::StringRef name, RowPlan &p, Unsupported &err) {
  int64_t rank = p.xshape.size();
  std::vector<int64_t> dims;
  Attribute da = anchor->getAttr("dim");
  if (name == "adaptive_avg_pool2d") {
    if (!isGlobalAvgPool(anchor) || rank < 2)
      return err.fail(anchor, "adaptive_avg_pool2d to a size other than 1x1");
    dims = {rank - 2, rank - 1};
  } else if (auto arr = dyn_cast_or_null<DenseI64ArrayAttr>(da))
    dims.assign(arr.asArrayRef().begin(), arr.asArrayRef().end());
  else if (auto i = dyn_cast_or_null<IntegerAttr>(da))
    dims.push_back(i.getInt());
  if (dims.empty())
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(d);
  for (int64_t &d : dims)
    if (d < 0)
      d += rank;
  std::sort(dims.begin(), dims.end());
  dims.erase(std::unique(dims.begin(), dims.end()), dims.end());
  for (size_t k = 1; k < dims.size(); ++k)
    if (dims[k] != dims[k - 1] + 1)
      return err.fail(anchor, "'" + anchor.getName().str() + "' over dims that are not adjacent");
  if (!dims.empty() && (dims.front() < 0 || dims.back() >= rank))
    return err.fail(anchor, "'" + anchor.getName().str() + "' dim out of range");
  p.inner = dims.empty() ? 1 : p.trailing(rank - 1 - dims.back());
  p.L = p.trailing(rank - (dims.empty() ? rank : dims.front())) / p.inner;
  if (p.kind == RowKind::Var || p.kind == RowKind::Std) {
    if (auto c = numAttr(anchor, "correction"))
      p.correction = *c;
    else if (auto u = numAttr(anchor, "unbiased"))
      p.correction = *u;
  }
  p.reducesToRow = true;
  return true;
}

/// A row of the row op table: the kernel an anchor op becomes and how its
/// attributes are read.
struct RowOpRow {
  llvm::StringRef op; // registry name without "aten::"
  RowKind kind;
  bool (*plan)(pike::AtenOp anchor, llvm::StringRef name, RowPlan &p, Unsupported &err);
};

const RowOpRow kRowOps[] = {
    {"softmax", RowKind::Softmax, planSoftmax},
    {"log_softmax", RowKind::LogSoftmax, planSoftmax},
    {"layer_norm", RowKind::LayerNorm, planTrailingNorm},
    {"rms_norm", RowKind::RmsNorm, planTrailingNorm},
    {"group_norm", RowKind::GroupNorm, planGroupNorm},
    {"sum", RowKind::Sum, planReduction},
    {"mean", RowKind::Mean, planReduction},
    {"amax", RowKind::Max, planReduction},
    {"max", RowKind::Max, planReduction},
    {"amin", RowKind::Min, planReduction},
    {"min", RowKind::Min, planReduction},
    {"prod", RowKind::Prod, planReduction},
    {"var", RowKind::Var, planReduction},
    {"std", RowKind::Std, planReduction},
    {"logsumexp", RowKind::LogSumExp, planReduction},
    // Global average pooling only (isGlobalAvgPool); an "other" op in the registry.
    {"adaptive_avg_pool2d", RowKind::Mean, planReduction},
};

const RowOpRow *findRowOp(llvm::StringRef name) {
  for (const RowOpRow &row : kRowOps)
    if (row.op == name)
      return &row;
  return nullptr;
}

/// Finds the anchor and checks the row structure.
bool plan(pike::KernelOp kernel, RowPlan &p, Unsupported &err) {
  pike::AtenOp anchor;
  for (Operation &op : kernel.getBody().front()) {
    auto a = dyn_cast<pike::AtenOp>(op);
    if (!a)
      continue;
    auto info = lookupAtenOp(a.getName());
    if (!info)
      return err.fail(a, "unknown op");
    bool row = info->category == OpCategory::Softmax || info->category == OpCategory::Reduction ||
               (info->category == OpCategory::Normalization && a.getName() != "aten::batch_norm") ||
               isGlobalAvgPool(a);
    if (!row) {
      std::string why;
      if (!ElemEmitter::supports(a, &why))
        return err.fail(a, why);
      continue;
    }
    if (anchor)
      return err.fail(a, "more than one softmax/reduction/normalization in one region");
    anchor = a;
  }
  if (!anchor)
    return err.fail(kernel, "no row op");
  p.anchor = anchor;
  llvm::StringRef name = anchor.getName();
  name.consume_front("aten::");
  if (anchor->getNumResults() != 1)
    return err.fail(anchor, "'" + anchor.getName().str() + "' with several results");
  // ATen's normalizations name their tensor 'input', the others 'self'.
  Value x = operandNamed(anchor, name.ends_with("norm") ? "input" : "self");
  if (!x)
    return err.fail(anchor, "'" + anchor.getName().str() + "' without its tensor operand");
  p.x = x;
  p.xshape = shapeOf(x);
  Type xe = elementTypeOf(x.getType());
  Type re = elementTypeOf(anchor->getResult(0).getType());
  if (!(xe.isF32() || xe.isF64()) || !(re.isF32() || re.isF64()))
    return err.fail(anchor, "'" + anchor.getName().str() + "' on non-floating tensors");
  const RowOpRow *row = findRowOp(name);
  if (!row)
    return err.fail(anchor, "'" + anchor.getName().str() + "' has no code generator");
  p.kind = row->kind;
  if (!row->plan(anchor, name, p, err))
    return false;
  if (p.L <= 0)
    return err.fail(anchor, "empty rows");
  int64_t n = numel(p.xshape);
  p.R = n / p.L;
  // Outputs: same number of elements as the anchor's result, or (a keepdim
  // reduction broadcast back) as its input.
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  auto rs = shapeOf(anchor->getResult(0));
  int64_t outN = numel(rs);
  if (p.reducesToRow && outN != n && rs.size() == p.xshape.size() && broadcastsTo(rs, p.xshape) &&
      !yield.getValues().empty() && llvm::all_of(yield.getValues(), [&](Value v) {
        return numel(shapeOf(v)) == n && broadcastsTo(shapeOf(v), p.xshape);
      })) {
    p.broadcastBack = true;
    return true;
  }
  for (Value v : yield.getValues())
    if (numel(shapeOf(v)) != outN || !broadcastsTo(shapeOf(v), shapeOf(anchor->getResult(0))))
      return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                  "an output of this row region does not have the shape of the " + rowKindName(p.kind) + " result");
  return true;
}

const char *kRowHelpers = R"(struct PikeSum { template <class T> __device__ __forceinline__ T operator()(T a, T b) const { return a + b; } };
struct PikeProd { template <class T> __device__ __forceinline__ T operator()(T a, T b) const { return a * b; } };
struct PikeMax { template <class T> __device__ __forceinline__ T operator()(T a, T b) const { return (a > b || a != a) ? a : b; } };
struct PikeMin { template <class T> __device__ __forceinline__ T operator()(T a, T b) const { return (a < b || a != a) ? a : b; } };
template <class T, class Op> __device__ __forceinline__ T pike_warp_reduce(T v, Op op) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}
// Every thread of the block gets the result. `sh` holds 32 values.
template <class T, class Op> __device__ __forceinline__ T pike_block_reduce(T v, Op op, T identity, T* sh) {
  v = pike_warp_reduce(v, op);
  const int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
  __syncthreads();
  if (lane == 0) sh[w] = v;
  __syncthreads();
  if (w == 0) {
    v = lane < nw ? sh[lane] : identity;
    v = pike_warp_reduce(v, op);
    if (lane == 0) sh[0] = v;
  }
  __syncthreads();
  return sh[0];
}
// Online softmax statistics: running max m and sum s of exp(x - m).
template <class T> __device__ __forceinline__ void pike_sm_merge(T &m, T &s, T m2, T s2) {
  const T M = m > m2 ? m : m2;
  const T a = (m == M) ? s : (m == -(T)PIKE_INF ? (T)0 : s * pike_exp(m - M));
  const T b = (m2 == M) ? s2 : (m2 == -(T)PIKE_INF ? (T)0 : s2 * pike_exp(m2 - M));
  m = M;
  s = a + b;
}
template <class T> __device__ __forceinline__ void pike_warp_softmax(T &m, T &s) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    const T m2 = __shfl_xor_sync(0xffffffffu, m, o), s2 = __shfl_xor_sync(0xffffffffu, s, o);
    pike_sm_merge(m, s, m2, s2);
  }
}
template <class T> __device__ __forceinline__ void pike_block_softmax(T &m, T &s, T* shm, T* shs) {
  pike_warp_softmax(m, s);
  const int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
  __syncthreads();
  if (lane == 0) { shm[w] = m; shs[w] = s; }
  __syncthreads();
  if (w == 0) {
    m = lane < nw ? shm[lane] : -(T)PIKE_INF;
    s = lane < nw ? shs[lane] : (T)0;
    pike_warp_softmax(m, s);
    if (lane == 0) { shm[0] = m; shs[0] = s; }
  }
  __syncthreads();
  m = shm[0];
  s = shs[0];
}
)";

} // namespace

llvm::SmallVector<llvm::StringRef> rowOpNames() {
  llvm::SmallVector<llvm::StringRef> names;
  for (const RowOpRow &row : kRowOps)
    names.push_back(row.op);
  return names;
}

int64_t rowLength(pike::KernelOp kernel) {
  RowPlan p;
  Unsupported err;
  if (!plan(kernel, p, err))
    return 0;
  return p.L;
}

bool emitRowOp(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
               Unsupported &err) {
  RowPlan p;
  if (!plan(kernel, p, err))
    return false;
  Block &body = kernel.getBody().front();
  auto yield = cast<pike::YieldOp>(body.getTerminator());
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, host, defs, tensors, err))
    return false;

  const std::string T = cType(elementTypeOf(p.anchor->getResult(0).getType()));
  const bool fl = T == "float";
  auto F = [&](const char *fn) { return std::string(fn) + (fl ? "f" : ""); };
  auto lit = [&](double d) { return floatLiteral(d, T); };
  const bool warp = !host && knobs.variant == "warp-per-row";
  int B = host ? 1 : knobs.blockSize;
  if (B < 32 || B % 32)
    B = 256;
  const std::string J0 = host ? "0" : (warp ? "pike_lane" : "(pike_idx)threadIdx.x");
  const std::string JS = host ? "1" : (warp ? "32" : "(pike_idx)blockDim.x");
  const std::string leader = host ? "true" : (warp ? "pike_lane == 0" : "threadIdx.x == 0");
  std::string idx = indexType(numel(p.xshape));

  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_" + rowKindName(p.kind);
  std::ostringstream os;
  os << prelude(host);
  os << (host ? "PIKE_FN float pike_exp(float x) { return expf(x); }\n"
                "PIKE_FN double pike_exp(double x) { return exp(x); }\n"
              : "PIKE_FN float pike_exp(float x) { return expf(x); }\n"
                "PIKE_FN double pike_exp(double x) { return exp(x); }\n");
  if (!host)
    os << kRowHelpers;
  os << defs;
  if (host)
    os << "extern \"C\" void " << name << "(const void* const* pike_inputs, void* const* pike_outputs) {\n";
  else
    os << "extern \"C\" __global__ void __launch_bounds__(" << B << ") " << name << "("
       << paramList(kernel) << ") {\n";
  os << "  typedef " << idx << " pike_idx;\n";
  if (host) {
    emitHostPointers(kernel, os);
  }
  os << "  const pike_idx R = " << p.R << ", L = " << p.L << ";\n";
  if (!host && !warp)
    os << "  __shared__ " << T << " pike_sh[32];\n  __shared__ " << T << " pike_sh2[32];\n";
  // Vector path: f32 inputs of the anchor input's full shape move as float2/float4
  // when rows are contiguous and their length divides; a run-time alignment test
  // picks it (uniform per kernel), the scalar loop stays as the fallback.
  int VW = (!host && p.inner == 1 && (knobs.vectorWidth == 2 || knobs.vectorWidth == 4) &&
            p.L % knobs.vectorWidth == 0)
               ? knobs.vectorWidth
               : 1;
  std::vector<int> vecIns, vecOuts;
  const int64_t xn = numel(p.xshape);
  for (auto [k, arg] : llvm::enumerate(body.getArguments()))
    if (elementTypeOf(arg.getType()).isF32() && numel(shapeOf(arg)) == xn &&
        broadcastsTo(shapeOf(arg), p.xshape))
      vecIns.push_back(k);
  if (!p.reducesToRow || p.broadcastBack)
    for (auto [k, t] : llvm::enumerate(outs))
      if (elementTypeOf(t).isF32() && numel(shapeOf(t)) == xn)
        vecOuts.push_back(k);
  if (vecIns.empty())
    VW = 1;
  const std::string VT = VW == 4 ? "float4" : "float2";
  if (VW > 1) {
    std::string mask;
    for (int k : vecIns)
      mask += (mask.empty() ? "" : " | ") + std::string("(unsigned long long)in") + std::to_string(k);
    for (int k : vecOuts)
      mask += (mask.empty() ? "" : " | ") + std::string("(unsigned long long)out") + std::to_string(k);
    os << "  const bool pike_vec = ((" << mask << ") & " << (VW * 4 - 1) << ") == 0;\n";
  }
  bool vecStoreMode = false;
  std::string ind = "    ";
  if (host) {
    os << "  for (pike_idx row = 0; row < R; ++row) {\n";
  } else if (warp) {
    int rpb = B / 32;
    os << "  const pike_idx pike_lane = threadIdx.x & 31;\n";
    os << "  for (pike_idx row = (pike_idx)blockIdx.x * " << rpb << " + (threadIdx.x >> 5); row < R; row += (pike_idx)gridDim.x * " << rpb << ") {\n";
  } else {
    os << "  for (pike_idx row = blockIdx.x; row < R; row += gridDim.x) {\n";
  }

  // Linear index of element j of the row in the anchor's input.
  std::string elemIndex = "row * L + j";
  if (p.inner > 1) {
    os << ind << "const pike_idx pike_base = (row / " << p.inner << ") * (L * " << p.inner
       << ") + row % " << p.inner << ";\n";
    elemIndex = "pike_base + j * " + std::to_string(p.inner);
  }
  // A loop over the row's elements; `bodyFn` prints one element's statements.
  auto rowLoop = [&](std::function<bool(ElemEmitter &, std::ostringstream &)> bodyFn,
                     bool storesVec) -> bool {
    auto scalar = [&](const std::string &in) -> bool {
      os << in << "for (pike_idx j = " << J0 << "; j < L; j += " << JS << ") {\n";
      os << in << "  const pike_idx i = " << elemIndex << ";\n";
      ElemEmitter e(p.xshape, "i", "c", in + "  ");
      e.host = host;
      e.tensors = tensors;
      std::ostringstream b;
      if (!bodyFn(e, b))
        return false;
      if (e.usesCoords())
        e.emitCoords(os);
      os << b.str() << in << "}\n";
      return true;
    };
    if (VW == 1)
      return scalar(ind);
    std::set<int> used;
    llvm::DenseMap<Value, int> vecArg;
    for (int k : vecIns)
      vecArg[body.getArgument(k)] = k;
    ElemEmitter e(p.xshape, "i", "c", ind + "      ");
    e.tensors = tensors;
    e.loadOverride = [&](Value v) -> std::optional<std::string> {
      auto it = vecArg.find(v);
      if (it == vecArg.end())
        return std::nullopt;
      used.insert(it->second);
      return "reinterpret_cast<const float*>(&in" + std::to_string(it->second) + "_v)[u]";
    };
    vecStoreMode = storesVec;
    std::ostringstream b;
    bool ok = bodyFn(e, b);
    vecStoreMode = false;
    if (!ok)
      return false;
    os << ind << "if (pike_vec) {\n";
    os << ind << "  for (pike_idx j4 = " << J0 << "; j4 < L / " << VW << "; j4 += " << JS << ") {\n";
    for (int k : used)
      os << ind << "    const " << VT << " in" << k << "_v = *reinterpret_cast<const " << VT
         << "*>(in" << k << " + row * L + j4 * " << VW << ");\n";
    if (storesVec)
      for (int k : vecOuts)
        os << ind << "    float out" << k << "_r[" << VW << "];\n";
    os << "#pragma unroll\n";
    os << ind << "    for (int u = 0; u < " << VW << "; ++u) {\n";
    os << ind << "      const pike_idx j = j4 * " << VW << " + u;\n";
    os << ind << "      const pike_idx i = row * L + j;\n";
    os << ind << "      (void)j; (void)i;\n";
    if (e.usesCoords())
      e.emitCoords(os);
    os << b.str() << ind << "    }\n";
    if (storesVec)
      for (int k : vecOuts) {
        const char *comp[] = {"x", "y", "z", "w"};
        os << ind << "    " << VT << " out" << k << "_v;\n";
        for (int c = 0; c < VW; ++c)
          os << ind << "    out" << k << "_v." << comp[c] << " = out" << k << "_r[" << c << "];\n";
        os << ind << "    *reinterpret_cast<" << VT << "*>(out" << k << " + row * L + j4 * " << VW
           << ") = out" << k << "_v;\n";
      }
    os << ind << "  }\n" << ind << "} else {\n";
    if (!scalar(ind + "  "))
      return false;
    os << ind << "}\n";
    return true;
  };
  // One pass over the row: `update(x)` per element of the anchor's input.
  auto pass = [&](const std::string &decl, std::function<std::string(const std::string &)> update) -> bool {
    os << decl;
    return rowLoop(
        [&](ElemEmitter &e, std::ostringstream &b) {
          auto xv = e.value(p.x, b, err);
          if (!xv)
            return false;
          std::string x = xv->second == T ? xv->first : "((" + T + ")" + xv->first + ")";
          b << update(x);
          return true;
        },
        false);
  };
  auto reduce = [&](const std::string &var, const char *op, const std::string &identity) {
    if (host)
      return;
    if (warp)
      os << ind << var << " = pike_warp_reduce(" << var << ", " << op << "());\n";
    else
      os << ind << var << " = pike_block_reduce(" << var << ", " << op << "(), " << identity
         << ", pike_sh);\n";
  };
  // Weight/bias of a norm at `index`; empty when absent or the identity (1 / 0).
  auto perChannel = [&](Value v, const std::string &index, std::string &expr,
                        double identity) -> bool {
    expr.clear();
    if (!v)
      return true;
    auto c = v.getDefiningOp<pike::ConstantOp>();
    if (c && (c.getValue().isSplat() || c.getValue().getNumElements() == 1) &&
        isa<FloatType>(c.getValue().getElementType())) {
      ElementsAttr a = c.getValue();
      double d = (*a.value_begin<APFloat>()).convertToDouble();
      if (d != identity)
        expr = lit(d);
      return true;
    }
    auto it = tensors.find(v);
    if (it == tensors.end()) {
      err.op = p.anchor;
      err.reason = "normalization weight/bias must be a kernel argument or a constant";
      return false;
    }
    expr = "(" + T + ")" + it->second.name + "[" + index + "]";
    return true;
  };

  std::string y; // the anchor's value per element (output phase), or per row.
  bool ok = true;
  switch (p.kind) {
  case RowKind::Softmax:
  case RowKind::LogSoftmax:
  case RowKind::LogSumExp: {
    ok = pass(ind + T + " pike_m = -" + (fl ? std::string("PIKE_INF") : "(double)PIKE_INF") + ", pike_s = " + lit(0) + ";\n",
              [&](const std::string &x) {
                return ind + "  if (" + x + " > pike_m) { pike_s = pike_s * pike_exp(pike_m - " + x +
                       ") + " + lit(1) + "; pike_m = " + x + "; }\n" + ind +
                       "  else if (pike_m != -(" + T + ")PIKE_INF) { pike_s += pike_exp(" + x + " - pike_m); }\n";
              });
    if (!host)
      os << ind << (warp ? "pike_warp_softmax(pike_m, pike_s);\n" : "pike_block_softmax(pike_m, pike_s, pike_sh, pike_sh2);\n");
    if (p.kind == RowKind::LogSoftmax)
      os << ind << "const " << T << " pike_lse = pike_m + " << F("log") << "(pike_s);\n";
    y = "pike_m + " + F("log") + "(pike_s)";
    break;
  }
  case RowKind::Sum:
  case RowKind::Mean:
    ok = pass(ind + T + " pike_acc = " + lit(0) + ";\n",
              [&](const std::string &x) { return ind + "  pike_acc += " + x + ";\n"; });
    reduce("pike_acc", "PikeSum", lit(0));
    y = p.kind == RowKind::Sum ? "pike_acc" : "pike_acc / " + lit((double)p.L);
    break;
  case RowKind::Prod:
    ok = pass(ind + T + " pike_acc = " + lit(1) + ";\n",
              [&](const std::string &x) { return ind + "  pike_acc *= " + x + ";\n"; });
    reduce("pike_acc", "PikeProd", lit(1));
    y = "pike_acc";
    break;
  case RowKind::Max:
  case RowKind::Min: {
    bool mx = p.kind == RowKind::Max;
    std::string idn = std::string(mx ? "-" : "") + "(" + T + ")PIKE_INF";
    std::string cmp = mx ? " > " : " < ";
    ok = pass(ind + T + " pike_acc = " + idn + ";\n", [&](const std::string &x) {
      return ind + "  pike_acc = (" + x + cmp + "pike_acc || " + x + " != " + x + ") ? " + x +
             " : pike_acc;\n";
    });
    // NaN is sticky: the comparison above keeps a NaN accumulator.
    reduce("pike_acc", mx ? "PikeMax" : "PikeMin", idn);
    y = "pike_acc";
    break;
  }
  case RowKind::Var:
  case RowKind::Std:
  case RowKind::LayerNorm:
  case RowKind::GroupNorm: {
    ok = pass(ind + T + " pike_sum = " + lit(0) + ";\n",
              [&](const std::string &x) { return ind + "  pike_sum += " + x + ";\n"; });
    if (!ok) break;
    reduce("pike_sum", "PikeSum", lit(0));
    os << ind << "const " << T << " pike_mean = pike_sum / " << lit((double)p.L) << ";\n";
    ok = pass(ind + T + " pike_m2 = " + lit(0) + ";\n", [&](const std::string &x) {
      return ind + "  { const " + T + " d = " + x + " - pike_mean; pike_m2 += d * d; }\n";
    });
    if (!ok) break;
    reduce("pike_m2", "PikeSum", lit(0));
    if (p.kind == RowKind::Var || p.kind == RowKind::Std) {
      double denom = std::max(0.0, (double)p.L - p.correction);
      os << ind << "const " << T << " pike_var = pike_m2 / " << lit(denom) << ";\n";
      y = p.kind == RowKind::Var ? "pike_var" : F("sqrt") + "(pike_var)";
    } else {
      os << ind << "const " << T << " pike_rstd = " << (fl ? "pike_rsqrtf" : "pike_rsqrt")
         << "(pike_m2 / " << lit((double)p.L) << " + " << lit(p.eps) << ");\n";
    }
    break;
  }
  case RowKind::RmsNorm:
    ok = pass(ind + T + " pike_ss = " + lit(0) + ";\n",
              [&](const std::string &x) { return ind + "  pike_ss += " + x + " * " + x + ";\n"; });
    if (!ok) break;
    reduce("pike_ss", "PikeSum", lit(0));
    os << ind << "const " << T << " pike_rstd = " << (fl ? "pike_rsqrtf" : "pike_rsqrt")
       << "(pike_ss / " << lit((double)p.L) << " + " << lit(p.eps) << ");\n";
    break;
  }
  if (!ok)
    return false;

  // Output phase: the epilogue over the anchor's result.
  Value result = p.anchor->getResult(0);
  std::vector<int64_t> rshape = shapeOf(result);
  auto writeOutputs = [&](ElemEmitter &e, std::ostringstream &b, const std::string &lin) -> bool {
    for (auto [k, v] : llvm::enumerate(yield.getValues())) {
      auto val = e.value(v, b, err);
      if (!val)
        return false;
      std::string ct = cType(elementTypeOf(v.getType()));
      std::string expr = val->second == ct ? val->first : "(" + ct + ")" + val->first;
      if (vecStoreMode && std::find(vecOuts.begin(), vecOuts.end(), (int)k) != vecOuts.end())
        b << e.ind << "out" << k << "_r[u] = " << expr << ";\n";
      else
        b << e.ind << "out" << k << "[" << lin << "] = " << expr << ";\n";
    }
    return true;
  };
  if (p.reducesToRow && !p.broadcastBack) {
    os << ind << "if (" << leader << ") {\n";
    ElemEmitter e(rshape, "row", "o", ind + "  ");
    e.host = host;
    e.tensors = tensors;
    e.scalars[result] = {"pike_y", T};
    std::ostringstream b;
    b << ind << "  const " << T << " pike_y = " << y << ";\n";
    if (!writeOutputs(e, b, "row"))
      return false;
    if (e.usesCoords())
      e.emitCoords(os);
    os << b.str() << ind << "}\n";
  } else {
    bool ok2 = rowLoop([&](ElemEmitter &e, std::ostringstream &b) -> bool {
    auto xv = e.value(p.x, b, err);
    if (!xv)
      return false;
    std::string x = xv->second == T ? xv->first : "((" + T + ")" + xv->first + ")";
    std::string yexpr;
    switch (p.kind) {
    case RowKind::Softmax: yexpr = "pike_exp(" + x + " - pike_m) / pike_s"; break;
    case RowKind::LogSoftmax: yexpr = x + " - pike_lse"; break;
    case RowKind::LayerNorm:
    case RowKind::RmsNorm:
    case RowKind::GroupNorm: {
      std::string index = "j";
      if (p.kind == RowKind::GroupNorm)
        index = "((row % " + std::to_string(p.groups) + ") * " + std::to_string(p.channels / p.groups) +
                " + j / " + std::to_string(p.spatial) + ")";
      std::string w, bb;
      if (!perChannel(p.weight, index, w, 1.0) || !perChannel(p.bias, index, bb, 0.0))
        return false;
      yexpr = p.kind == RowKind::RmsNorm ? x + " * pike_rstd" : "(" + x + " - pike_mean) * pike_rstd";
      if (!w.empty())
        yexpr += " * " + w;
      if (!bb.empty())
        yexpr += " + " + bb;
      break;
    }
    default: // a reduction broadcast back: its row statistic
      yexpr = y;
      break;
    }
    b << e.ind << "const " << T << " pike_y = " << yexpr << ";\n";
    e.scalars[result] = {"pike_y", T};
    return writeOutputs(e, b, "i");
    }, true);
    if (!ok2)
      return false;
  }
  os << "  }\n}\n";

  int64_t grid = 1;
  if (!host)
    grid = warp ? std::min<int64_t>((p.R + B / 32 - 1) / (B / 32), 65535)
                : std::min<int64_t>(p.R, 65535);
  nlohmann::json args = pointerArgs(ins.size(), outs.size());
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {std::max<int64_t>(grid, 1), 1, 1}, B, 0, args);
  out.summary = rowKindName(p.kind) + " rows=" + std::to_string(p.R) + " len=" + std::to_string(p.L) +
                ", " + (warp ? "warp-per-row" : "block-per-row") + ", block " + std::to_string(B);
  return true;
}

} // namespace pike::codegen::detail
