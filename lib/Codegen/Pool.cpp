// Pooling regions: max_pool2d / avg_pool2d (any window, stride, padding,
// dilation for max, ceil_mode, count_include_pad, divisor_override) and
// adaptive avg / max pooling to any output size (global average pooling keeps
// its row-reduction kernel, RowOps.cpp). One thread per output element walks
// its window; an elementwise prologue (ops producing the pooled tensor, e.g.
// batch norm + relu) is recomputed per window element, never stored, and an
// elementwise epilogue runs on the pooled value before the only store.
// Semantics follow ATen's CUDA kernels: max propagates NaN and ignores padding;
// avg divides by the window clipped to the padded input (count_include_pad) or
// to the input, or by divisor_override; adaptive windows are
// [floor(o*I/O), ceil((o+1)*I/O)).
//
// Channels-last slots (pike.layout = "nhwc") iterate their outputs in N, Ho,
// Wo, C order, so neighbouring threads read neighbouring channels of one window
// position (coalesced). There global average pooling (adaptive_avg_pool2d to
// 1x1, or a mean over H and W, an SE block's squeeze) is pooled here too: the
// row-reduction kernel reads NCHW rows.
#include "Internal.h"

#include "pike/Dialect/OpRegistry.h"
#include "pike/Dialect/SlotLayout.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <algorithm>

using namespace mlir;

namespace pike::codegen::detail {

bool isPooling(pike::AtenOp a) {
  llvm::StringRef n = a.getName();
  return n == "aten::max_pool2d" || n == "aten::avg_pool2d" || n == "aten::adaptive_max_pool2d" ||
         (n == "aten::adaptive_avg_pool2d" && !isGlobalAvgPool(a));
}

/// A mean over dims 2 and 3 of a rank-4 tensor (dtype unset): global average
/// pooling as a channels-last slot pools it.
bool isSpatialMean(pike::AtenOp a) {
  if (a.getName() != "aten::mean" || a->getNumOperands() < 1 || shapeOf(a->getOperand(0)).size() != 4)
    return false;
  if (Attribute dt = a->getAttr("dtype"); dt && !isa<UnitAttr>(dt))
    return false;
  auto dims = a->getAttrOfType<DenseI64ArrayAttr>("dim");
  if (!dims || dims.size() != 2)
    return false;
  int64_t d0 = (dims[0] + 4) % 4, d1 = (dims[1] + 4) % 4;
  return std::min(d0, d1) == 2 && std::max(d0, d1) == 3;
}

bool isChannelsLastPooling(pike::AtenOp a) { return isPooling(a) || isGlobalAvgPool(a) || isSpatialMean(a); }

namespace {

enum class PoolKind { Max, Avg, AdaptiveMax, AdaptiveAvg };

struct PoolPlan {
  pike::AtenOp op;
  PoolKind kind = PoolKind::Max;
  Value x, y, indices; // indices: adaptive_max_pool2d's second result, when yielded
  int64_t planes = 0, H = 0, W = 0, Ho = 0, Wo = 0;
  int64_t KH = 1, KW = 1, SH = 1, SW = 1, PH = 0, PW = 0, DH = 1, DW = 1;
  bool ceil = false, countIncludePad = true;
  int64_t divisor = 0; // divisor_override, 0 = none
  llvm::SmallVector<Operation *> prologue; // elementwise ops the pool input depends on
  // Channels-last slot: N and C of the NHWC input (planes = N * C).
  bool channelsLast = false;
  int64_t N = 0, C = 0;
};

bool readPair(pike::AtenOp a, const char *attr, int64_t &h, int64_t &w, std::optional<int64_t> dflt) {
  auto arr = a->getAttrOfType<DenseI64ArrayAttr>(attr);
  if (!arr || arr.empty()) {
    if (!dflt)
      return false;
    h = w = *dflt;
    return true;
  }
  auto v = arr.asArrayRef();
  if (v.size() > 2)
    return false;
  h = v[0];
  w = v.size() == 2 ? v[1] : v[0];
  return true;
}

/// ATen's pooling_output_shape.
int64_t pooledSize(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dil, bool ceil) {
  int64_t num = in + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0);
  int64_t out = num / stride + 1; // num >= 0 for valid shapes
  if (ceil && (out - 1) * stride >= in + pad)
    --out;
  return out;
}

bool plan(pike::KernelOp kernel, PoolPlan &p, Unsupported &err) {
  p.channelsLast = isChannelsLastSlot(kernel);
  pike::AtenOp a = singleAnchor(kernel, p.channelsLast ? isChannelsLastPooling : isPooling, "pooling op", err);
  if (!a)
    return false;
  p.op = a;
  llvm::StringRef n = a.getName();
  const bool spatialMean = n == "aten::mean";
  p.kind = n == "aten::max_pool2d"            ? PoolKind::Max
           : n == "aten::avg_pool2d"          ? PoolKind::Avg
           : n == "aten::adaptive_max_pool2d" ? PoolKind::AdaptiveMax
                                              : PoolKind::AdaptiveAvg;
  p.x = operandNamed(a, "self");
  if (!p.x)
    p.x = a->getNumOperands() ? a->getOperand(0) : Value();
  if (!p.x)
    return err.fail(a, "pooling without its input operand");
  p.y = a->getResult(0);
  auto xs = shapeOf(p.x), ys = shapeOf(p.y);
  if (spatialMean && ys.size() == 2) // mean without keepdim: [N, C], the same order as NHWC [N, 1, 1, C]
    ys = {ys[0], ys[1], 1, 1};
  if (xs.size() < 3 || xs.size() > 4 || ys.size() != xs.size())
    return err.fail(a, "pooling of a tensor that is not 3-d or 4-d ((N,) C, H, W)");
  if (p.channelsLast && xs.size() != 4)
    return err.fail(a, "pooling of a 3-d tensor in a channels-last slot");
  if (!elementTypeOf(p.x.getType()).isF32() || !elementTypeOf(p.y.getType()).isF32())
    return err.fail(a, "pooling of non-f32 tensors");
  p.H = xs[xs.size() - 2];
  p.W = xs.back();
  p.Ho = spatialMean ? 1 : ys[ys.size() - 2];
  p.Wo = spatialMean ? 1 : ys.back();
  if (p.channelsLast) {
    p.N = xs[0];
    p.C = xs[1];
  }
  p.planes = numel(xs) / std::max<int64_t>(1, p.H * p.W);
  if (numel(ys) / std::max<int64_t>(1, p.Ho * p.Wo) != p.planes || p.H < 1 || p.W < 1)
    return err.fail(a, "inconsistent pooling shapes");
  if (p.kind == PoolKind::Max || p.kind == PoolKind::Avg) {
    if (!readPair(a, "kernel_size", p.KH, p.KW, std::nullopt))
      return err.fail(a, "pooling without a 1- or 2-element kernel_size");
    if (!readPair(a, "stride", p.SH, p.SW, std::nullopt)) {
      p.SH = p.KH; // an empty stride means the window
      p.SW = p.KW;
    }
    if (!readPair(a, "padding", p.PH, p.PW, 0) ||
        (p.kind == PoolKind::Max && !readPair(a, "dilation", p.DH, p.DW, 1)))
      return err.fail(a, "pooling with an unsupported padding/dilation attribute");
    if (auto c = a->getAttrOfType<BoolAttr>("ceil_mode"))
      p.ceil = c.getValue();
    if (auto c = a->getAttrOfType<BoolAttr>("count_include_pad"))
      p.countIncludePad = c.getValue();
    if (auto d = a->getAttrOfType<IntegerAttr>("divisor_override")) {
      p.divisor = d.getInt();
      if (p.divisor == 0)
        return err.fail(a, "avg_pool2d with divisor_override = 0");
    }
    if (p.KH < 1 || p.KW < 1 || p.SH < 1 || p.SW < 1 || p.DH < 1 || p.DW < 1 || p.PH < 0 ||
        p.PW < 0 || p.PH * 2 > p.KH || p.PW * 2 > p.KW)
      return err.fail(a, "pooling window, stride, padding or dilation out of range");
    if (pooledSize(p.H, p.KH, p.PH, p.SH, p.DH, p.ceil) != p.Ho ||
        pooledSize(p.W, p.KW, p.PW, p.SW, p.DW, p.ceil) != p.Wo)
      return err.fail(a, "pooling output size does not follow from its attributes");
  } else if (!spatialMean) {
    int64_t oh = 0, ow = 0;
    if (!readPair(a, "output_size", oh, ow, std::nullopt) || oh != p.Ho || ow != p.Wo)
      return err.fail(a, "adaptive pooling whose output_size does not match its result");
  }
  if (p.kind == PoolKind::AdaptiveMax && a->getNumResults() == 2)
    for (OpOperand &use : a->getResult(1).getUses())
      if (isa<pike::YieldOp>(use.getOwner()))
        p.indices = a->getResult(1);
      else
        return err.fail(use.getOwner(), "the indices of adaptive_max_pool2d feed another op");
  // Prologue: the elementwise ops the pooled tensor depends on; everything they
  // produce must stay inside the prologue (it is never stored).
  llvm::SmallPtrSet<Operation *, 8> pro;
  llvm::SmallVector<Value> work{p.x};
  while (!work.empty()) {
    Operation *d = work.pop_back_val().getDefiningOp();
    if (!d || pro.contains(d) || isa<pike::ConstantOp>(d))
      continue;
    pro.insert(d);
    for (Value v : d->getOperands())
      work.push_back(v);
  }
  for (Operation &op : kernel.getBody().front())
    if (pro.contains(&op)) {
      p.prologue.push_back(&op);
      for (Value r : op.getResults())
        for (Operation *u : r.getUsers())
          if (u != a && !pro.contains(u))
            return err.fail(u, "a value computed before the pooling op is also used after it "
                               "(prologue values are recomputed per window, never stored)");
    }
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  for (Value v : yield.getValues())
    if (v != p.indices && shapeOf(v) != shapeOf(p.y))
      return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                      "an output of this pooling region does not have the pooled shape");
  return true;
}

/// Statements evaluating the (prologue-computed) pooled input at linear index `lin`
/// into `float <dst>`, in their own scope.
bool emitInputAt(const PoolPlan &p, const llvm::DenseMap<Value, TensorRef> &tensors,
                 const std::string &lin, const std::string &dst, const std::string &ind,
                 std::ostringstream &os, Unsupported &err) {
  ElemEmitter e(p.channelsLast ? channelsLastShape(shapeOf(p.x)) : shapeOf(p.x), lin, "q", ind + "  ");
  if (p.channelsLast)
    e.logical = shapeOf(p.x);
  e.tensors = tensors;
  std::ostringstream body;
  auto v = e.value(p.x, body, err);
  if (!v)
    return false;
  os << ind << "float " << dst << ";\n" << ind << "{\n";
  if (e.usesCoords())
    e.emitCoords(os);
  os << body.str() << ind << "  " << dst << " = (float)" << v->first << ";\n" << ind << "}\n";
  return true;
}

/// The body for one output element `o` of plane `pl` at (oh, ow): the window loop,
/// then the epilogue and the stores.
bool emitOutput(const PoolPlan &p, pike::KernelOp kernel,
                const llvm::DenseMap<Value, TensorRef> &tensors, const std::string &ind,
                std::ostringstream &os, Unsupported &err) {
  // Element (h, w) of this output's window: NCHW planes are contiguous; in
  // NHWC the channel is innermost, so window positions are C apart.
  const std::string base = p.channelsLast ? "pike_base" : "pl * (pike_idx)" + std::to_string(p.H * p.W);
  const std::string step = " * (pike_idx)" + std::to_string(p.C);
  std::ostringstream win;
  std::string i2 = ind + "    ";
  bool isMax = p.kind == PoolKind::Max || p.kind == PoolKind::AdaptiveMax;
  if (p.kind == PoolKind::Max || p.kind == PoolKind::Avg) {
    os << ind << "const int hs = (int)oh * " << p.SH << " - " << p.PH << ", ws = (int)ow * "
       << p.SW << " - " << p.PW << ";\n";
  }
  if (isMax) {
    os << ind << "float pike_pool = -PIKE_INF;\n";
    if (p.indices)
      os << ind << "long long pike_arg = -1;\n";
  } else {
    os << ind << "float pike_pool = 0.0f;\n";
  }
  if (p.kind == PoolKind::Max) {
    os << ind << "for (int kh = 0; kh < " << p.KH << "; ++kh) {\n";
    os << ind << "  const int h = hs + kh * " << p.DH << ";\n";
    os << ind << "  if (h < 0 || h >= " << p.H << ") continue;\n";
    os << ind << "  for (int kw = 0; kw < " << p.KW << "; ++kw) {\n";
    os << ind << "    const int w = ws + kw * " << p.DW << ";\n";
    os << ind << "    if (w < 0 || w >= " << p.W << ") continue;\n";
  } else if (p.kind == PoolKind::Avg) {
    // Plain ternaries: the same text compiles as host C++, nvcc and NVRTC.
    os << ind << "const int he = hs + " << p.KH << " < " << p.H + p.PH << " ? hs + " << p.KH
       << " : " << p.H + p.PH << ", we = ws + " << p.KW << " < " << p.W + p.PW << " ? ws + "
       << p.KW << " : " << p.W + p.PW << ";\n";
    os << ind << "const int pool_size = (he - hs) * (we - ws);\n" << ind << "(void)pool_size;\n";
    os << ind << "const int h0 = hs > 0 ? hs : 0, w0 = ws > 0 ? ws : 0, h1 = he < " << p.H
       << " ? he : " << p.H << ", w1 = we < " << p.W << " ? we : " << p.W << ";\n";
    os << ind << "for (int h = h0; h < h1; ++h) {\n";
    os << ind << "  for (int w = w0; w < w1; ++w) {\n";
  } else {
    os << ind << "const int h0 = (int)((oh * " << p.H << ") / " << p.Ho << "), h1 = (int)(((oh + 1) * "
       << p.H << " + " << p.Ho - 1 << ") / " << p.Ho << ");\n";
    os << ind << "const int w0 = (int)((ow * " << p.W << ") / " << p.Wo << "), w1 = (int)(((ow + 1) * "
       << p.W << " + " << p.Wo - 1 << ") / " << p.Wo << ");\n";
    os << ind << "for (int h = h0; h < h1; ++h) {\n";
    os << ind << "  for (int w = w0; w < w1; ++w) {\n";
  }
  if (p.channelsLast)
    os << i2 << "const pike_idx pike_i = " << base << " + (pike_idx)(h * " << p.W << " + w)" << step << ";\n";
  else
    os << i2 << "const pike_idx pike_i = " << base << " + h * " << p.W << " + w;\n";
  if (!emitInputAt(p, tensors, "pike_i", "pike_v", i2, os, err))
    return false;
  if (isMax)
    // NaN wins, as in ATen (val > max || isnan(val)); the index is within the plane.
    os << i2 << "if (pike_v > pike_pool || pike_v != pike_v) { pike_pool = pike_v;"
       << (p.indices ? " pike_arg = h * " + std::to_string(p.W) + " + w;" : std::string())
       << " }\n";
  else
    os << i2 << "pike_pool += pike_v;\n";
  os << ind << "  }\n" << ind << "}\n";
  if (p.kind == PoolKind::Avg) {
    std::string div = p.divisor ? std::to_string(p.divisor)
                      : p.countIncludePad ? "pool_size"
                                          : "(h1 - h0) * (w1 - w0)";
    os << ind << "pike_pool = (h0 >= h1 || w0 >= w1) ? 0.0f : pike_pool / (float)(" << div << ");\n";
  } else if (p.kind == PoolKind::AdaptiveAvg) {
    os << ind << "pike_pool = pike_pool / (float)((h1 - h0) * (w1 - w0));\n";
  }
  const bool clOut = p.channelsLast && shapeOf(p.y).size() == 4; // a [N, C] mean is stored as is
  ElemEmitter e(clOut ? channelsLastShape(shapeOf(p.y)) : shapeOf(p.y), "o", "c", ind);
  if (clOut)
    e.logical = shapeOf(p.y);
  e.tensors = tensors;
  e.scalars[p.y] = {"pike_pool", "float"};
  if (p.indices)
    e.scalars[p.indices] = {"pike_arg", "long long"};
  std::ostringstream body;
  return emitStores(e, kernel, "o", body, os, err);
}

} // namespace

bool emitPool(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
              Unsupported &err) {
  PoolPlan p;
  if (!plan(kernel, p, err))
    return false;
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, host, defs, tensors, err))
    return false;
  if (p.channelsLast) {
    std::vector<int64_t> iter = shapeOf(p.x), logical;
    if (!toChannelsLastSpace(kernel, iter, logical, tensors, err))
      return false;
  }
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_pool";
  const int64_t total = p.planes * p.Ho * p.Wo;
  std::string idx = indexType(std::max(total, p.planes * p.H * p.W));
  std::ostringstream os;
  os << prelude(host) << defs;
  const char *what[] = {"max pool", "avg pool", "adaptive max pool", "adaptive avg pool"};
  std::string summary = std::string(p.channelsLast ? "channels-last " : "") + what[static_cast<int>(p.kind)] +
                        (p.kind == PoolKind::Max || p.kind == PoolKind::Avg
                             ? " " + std::to_string(p.KH) + "x" + std::to_string(p.KW) + " s" +
                                   std::to_string(p.SH)
                             : std::string()) +
                        " to " + std::to_string(p.Ho) + "x" + std::to_string(p.Wo) + " on " +
                        std::to_string(p.planes) + " planes" +
                        (p.prologue.empty() ? "" : ", elementwise prologue fused");
  emitKernelHead(kernel, host, name, knobs.blockSize, idx, os);
  if (host)
    os << "  for (pike_idx o = 0; o < " << total << "; ++o) {\n";
  else
    os << "  for (pike_idx o = (pike_idx)blockIdx.x * blockDim.x + threadIdx.x; o < (pike_idx)" << total
       << "; o += (pike_idx)gridDim.x * blockDim.x) {\n";
  if (p.channelsLast)
    os << "    const pike_idx ch = o % " << p.C << ", ow = (o / " << p.C << ") % " << p.Wo << ", oh = (o / "
       << p.C * p.Wo << ") % " << p.Ho << ", n = o / " << p.C * p.Wo * p.Ho << ";\n"
       << "    const pike_idx pike_base = n * (pike_idx)" << p.H * p.W * p.C << " + ch;\n";
  else
    os << "    const pike_idx ow = o % " << p.Wo << ", oh = (o / " << p.Wo << ") % " << p.Ho
       << ", pl = o / " << p.Ho * p.Wo << ";\n";
  if (!emitOutput(p, kernel, tensors, "    ", os, err))
    return false;
  os << "  }\n}\n";
  out.source = os.str();
  out.entry = name;
  out.summary = summary;
  if (host) {
    out.mode = "host";
    return true;
  }
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  int64_t per = int64_t(knobs.blockSize) * std::max(1, knobs.itemsPerThread);
  int64_t grid = std::max<int64_t>(1, std::min<int64_t>((total + per - 1) / per, 1 << 20));
  out.mode = "nvrtc";
  out.launches = singleLaunch(name, {grid, 1, 1}, knobs.blockSize, 0,
                              pointerArgs(ins.size(), outs.size()));
  out.summary += ", " + std::to_string(knobs.blockSize) + " threads";
  return true;
}

} // namespace pike::codegen::detail
