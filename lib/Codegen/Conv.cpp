// Convolution regions. Two shapes of convolution have generators:
//  - pointwise (1x1, stride 1, no padding): a batched GEMM, planned by Gemm.cpp
//    (W[Co,Ci] x X[n][Ci,H*W] writes NCHW directly, bias per output channel);
//  - depthwise (groups == input channels): here. Channels-last slots: the
//    register-blocked strip kernel or a thread per output. NCHW: one block
//    per (rows tile, output channel, image): the input rows it needs, padding included, are
//    staged in shared memory, each thread computes outputs along the row
//    (coalesced loads and stores) and applies the region's epilogue
//    (bias, activation, residual, ...) before the only store.
// Other convolutions stay on cuDNN (the slot keeps its reference body).
#include "Internal.h"

#include "pike/Dialect/SlotLayout.h"

#include "pike/Dialect/OpRegistry.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>

using namespace mlir;

namespace pike::codegen::detail {

bool isConvolution(pike::AtenOp a) {
  llvm::StringRef n = a.getName();
  return n.starts_with("aten::conv") || n == "aten::_convolution";
}

bool convGeometry(pike::AtenOp a, ConvGeom &g, Unsupported &err) {
  g.op = a;
  llvm::StringRef name = a.getName();
  if (name != "aten::_convolution" && name != "aten::conv2d")
    return err.fail(a, "'" + name.str() + "' has no convolution code generator (2-d only)");
  g.x = operandNamed(a, "input");
  g.w = operandNamed(a, "weight");
  g.bias = operandNamed(a, "bias");
  if (!g.x || !g.w)
    return err.fail(a, "convolution without its input or weight operand");
  if (auto t = a->getAttrOfType<BoolAttr>("transposed"); t && t.getValue())
    g.transposed = true;
  auto xs = shapeOf(g.x), ws = shapeOf(g.w), ys = shapeOf(a->getResult(0));
  if (xs.size() != 4 || ws.size() != 4 || ys.size() != 4)
    return err.fail(a, "convolution on non-4-d (NCHW) tensors");
  for (Value v : {g.x, g.w, Value(a->getResult(0))})
    if (!elementTypeOf(v.getType()).isF32())
      return err.fail(a, "convolution on non-f32 tensors");
  auto pair = [&](const char *attr, int64_t &h, int64_t &w, int64_t dflt) -> bool {
    Attribute at = a->getAttr(attr);
    if (!at) {
      h = w = dflt;
      return true;
    }
    if (auto arr = dyn_cast<DenseI64ArrayAttr>(at)) {
      auto v = arr.asArrayRef();
      if (v.size() == 1) {
        h = w = v[0];
        return true;
      }
      if (v.size() == 2) {
        h = v[0];
        w = v[1];
        return true;
      }
    }
    return false;
  };
  if (!pair("stride", g.SH, g.SW, 1) || !pair("padding", g.PH, g.PW, 0) ||
      !pair("dilation", g.DH, g.DW, 1))
    return err.fail(a, "convolution with an unsupported stride/padding/dilation attribute");
  if (!pair("output_padding", g.OPH, g.OPW, 0))
    return err.fail(a, "convolution with an unsupported output_padding attribute");
  if (!g.transposed && (g.OPH || g.OPW))
    return err.fail(a, "convolution with output padding");
  g.groups = 1;
  if (auto gr = a->getAttrOfType<IntegerAttr>("groups"))
    g.groups = gr.getInt();
  auto tf = a->getAttrOfType<BoolAttr>("allow_tf32");
  g.tf32 = tf && tf.getValue();
  g.N = xs[0];
  g.Ci = xs[1];
  g.H = xs[2];
  g.W = xs[3];
  g.Co = g.transposed ? ws[1] * g.groups : ws[0];
  g.KH = ws[2];
  g.KW = ws[3];
  g.Ho = ys[2];
  g.Wo = ys[3];
  if (g.bias && (!elementTypeOf(g.bias.getType()).isF32() || shapeOf(g.bias).size() != 1 ||
                 shapeOf(g.bias)[0] != g.Co))
    return err.fail(a, "convolution bias is not an f32 vector of the output channels");
  bool weightFits = g.transposed ? ws[0] == g.Ci : ws[1] * g.groups == g.Ci;
  if (g.SH < 1 || g.SW < 1 || g.DH < 1 || g.DW < 1 || g.PH < 0 || g.PW < 0 || g.groups < 1 ||
      g.Ci % g.groups || g.Co % g.groups || !weightFits || ys[0] != g.N || ys[1] != g.Co)
    return err.fail(a, "inconsistent convolution shapes");
  if (g.transposed) {
    // ATen: output padding must be smaller than the stride or the dilation.
    if (g.OPH < 0 || g.OPW < 0 || (g.OPH >= g.SH && g.OPH >= g.DH) || (g.OPW >= g.SW && g.OPW >= g.DW))
      return err.fail(a, "transposed convolution output padding out of range");
    if (g.Ho != (g.H - 1) * g.SH - 2 * g.PH + g.DH * (g.KH - 1) + g.OPH + 1 ||
        g.Wo != (g.W - 1) * g.SW - 2 * g.PW + g.DW * (g.KW - 1) + g.OPW + 1)
      return err.fail(a, "convolution output size does not follow from its attributes");
  } else if (g.Ho != (g.H + 2 * g.PH - g.DH * (g.KH - 1) - 1) / g.SH + 1 ||
             g.Wo != (g.W + 2 * g.PW - g.DW * (g.KW - 1) - 1) / g.SW + 1) {
    return err.fail(a, "convolution output size does not follow from its attributes");
  }
  return true;
}

bool emitChannelValue(Value v, int64_t channels, const std::string &channel,
                      const llvm::DenseMap<Value, TensorRef> &tensors, const std::string &ind,
                      const std::string &dst, std::ostringstream &os, Unsupported &err) {
  // Its own scope: the loads it names must not clash with the epilogue's.
  ElemEmitter e({channels}, channel, "cb", ind + "  ");
  e.tensors = tensors;
  // A per-channel tensor is read as the vector it is, whatever shape the
  // caller's iteration space gave it (a channels-last space permutes shapes).
  if (auto it = e.tensors.find(v); it != e.tensors.end() && !it->second.layout && numel(it->second.shape) == channels)
    it->second.shape = {channels};
  std::ostringstream body;
  auto val = e.value(v, body, err);
  if (!val)
    return false;
  os << ind << "float " << dst << ";\n" << ind << "{\n" << body.str() << ind << "  " << dst
     << " = (float)" << val->first << ";\n" << ind << "}\n";
  return true;
}

bool planConvRegion(pike::KernelOp kernel, ConvPlan &p, Unsupported &err) {
  pike::AtenOp conv = singleAnchor(kernel, isConvolution, "convolution", err);
  if (!conv || !convGeometry(conv, p.g, err))
    return false;
  p.G = conv->getResult(0);
  std::vector<int64_t> ys = shapeOf(p.G);
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  for (Value v : yield.getValues())
    if (shapeOf(v) != ys)
      return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                      "an output of this convolution region does not have the convolution's shape");
  return true;
}

bool emitConvEpilogue(const ConvPlan &p, pike::KernelOp kernel,
                      const llvm::DenseMap<Value, TensorRef> &tensors, const std::string &ind,
                      std::ostringstream &os, Unsupported &err, bool channelsLast) {
  std::ostringstream b;
  std::string g = "acc";
  if (p.g.bias) {
    if (!emitChannelValue(p.g.bias, p.g.Co, "pike_ch", tensors, ind, "pike_bias", b, err))
      return false;
    g = "acc + pike_bias";
  }
  b << ind << "const float pike_g = " << g << ";\n";
  std::vector<int64_t> iter = shapeOf(p.G), logical;
  llvm::DenseMap<Value, TensorRef> refs = tensors;
  if (channelsLast && !toChannelsLastSpace(kernel, iter, logical, refs, err))
    return false;
  ElemEmitter e(iter, "o", "c", ind);
  e.logical = logical;
  e.tensors = refs;
  e.scalars[p.G] = {"pike_g", "float"};
  return emitStores(e, kernel, "o", b, os, err);
}

namespace {

/// The slot's tensors and the kernel-argument names of the convolution's input
/// `X` and weight `Wt`.
struct ConvTensors {
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  std::string X, Wt;
};

bool bindConvTensors(const ConvPlan &p, pike::KernelOp kernel, bool host, ConvTensors &t,
                     Unsupported &err) {
  return bindSlotTensors(kernel, host, t.defs, t.tensors, err) &&
         operandPtr(p.g.x, t.tensors, t.X, err, p.g.op, "convolution input") &&
         operandPtr(p.g.w, t.tensors, t.Wt, err, p.g.op, "convolution weight");
}

/// Host references: opens the loops over every output element (n, pike_ch, ho, wo).
void emitHostOutputLoops(const ConvGeom &g, std::ostream &os) {
  os << "  for (pike_idx n = 0; n < " << g.N << "; ++n)\n";
  os << "  for (pike_idx pike_ch = 0; pike_ch < " << g.Co << "; ++pike_ch)\n";
  os << "  for (pike_idx ho = 0; ho < " << g.Ho << "; ++ho)\n";
  os << "  for (pike_idx wo = 0; wo < " << g.Wo << "; ++wo) {\n";
}

/// Host references of direct (not transposed) convolutions: adds the taps of
/// the window at (ho, wo) that fall inside the input plane `xp` to `acc`;
/// `weight` is the tap's weight, indexed by kh and kw.
void emitHostWindowTaps(const ConvGeom &g, const std::string &weight, const std::string &ind,
                        std::ostream &os) {
  os << ind << "for (pike_idx kh = 0; kh < " << g.KH << "; ++kh)\n";
  os << ind << "for (pike_idx kw = 0; kw < " << g.KW << "; ++kw) {\n";
  os << ind << "  const pike_idx hi = ho * " << g.SH << " - " << g.PH << " + kh * " << g.DH
     << ", wi = wo * " << g.SW << " - " << g.PW << " + kw * " << g.DW << ";\n";
  os << ind << "  if (hi >= 0 && hi < " << g.H << " && wi >= 0 && wi < " << g.W << ")\n";
  os << ind << "    acc += xp[hi * " << g.W << " + wi] * " << weight << ";\n";
  os << ind << "}\n";
}

/// Host references: the epilogue of output element (n, pike_ch, ho, wo) from
/// `acc`, the loops closed, and `out` filled.
bool finishHostConv(const ConvPlan &p, pike::KernelOp kernel, const ConvTensors &t,
                    const std::string &name, const std::string &summary, std::ostringstream &os,
                    GeneratedKernel &out, Unsupported &err) {
  const ConvGeom &g = p.g;
  os << "    const pike_idx o = ((n * " << g.Co << " + pike_ch) * " << g.Ho << " + ho) * " << g.Wo
     << " + wo;\n";
  if (!emitConvEpilogue(p, kernel, t.tensors, "    ", os, err))
    return false;
  os << "  }\n}\n";
  out.source = os.str();
  out.mode = "host";
  out.entry = name;
  out.summary = summary;
  return true;
}

} // namespace

bool emitConvHost(pike::KernelOp kernel, GeneratedKernel &out, Unsupported &err) {
  ConvPlan p;
  ConvTensors t;
  if (!planConvRegion(kernel, p, err) || !bindConvTensors(p, kernel, /*host=*/true, t, err))
    return false;
  const ConvGeom &g = p.g;
  const std::string &X = t.X, &Wt = t.Wt;
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_conv";
  const int64_t cig = g.Ci / g.groups, cog = g.Co / g.groups;
  std::ostringstream os;
  os << prelude(true) << t.defs;
  emitHostEntry(kernel, name, os);
  emitHostOutputLoops(g, os);
  os << "    const pike_idx grp = pike_ch / " << cog << ";\n";
  os << "    float acc = 0.0f;\n";
  if (g.transposed) {
    // y[ho] gathers x[hi] * w[ci][co][kh] over ho = hi * S - P + kh * D.
    os << "    for (pike_idx ci = grp * " << cig << "; ci < (grp + 1) * " << cig << "; ++ci)\n";
    os << "    for (pike_idx kh = 0; kh < " << g.KH << "; ++kh)\n";
    os << "    for (pike_idx kw = 0; kw < " << g.KW << "; ++kw) {\n";
    os << "      const pike_idx th = ho + " << g.PH << " - kh * " << g.DH << ", tw = wo + " << g.PW
       << " - kw * " << g.DW << ";\n";
    os << "      if (th < 0 || tw < 0 || th % " << g.SH << " || tw % " << g.SW << ") continue;\n";
    os << "      const pike_idx hi = th / " << g.SH << ", wi = tw / " << g.SW << ";\n";
    os << "      if (hi >= " << g.H << " || wi >= " << g.W << ") continue;\n";
    os << "      acc += " << X << "[((n * " << g.Ci << " + ci) * " << g.H << " + hi) * " << g.W
       << " + wi] * " << Wt << "[((ci * " << cog << " + pike_ch % " << cog << ") * " << g.KH
       << " + kh) * " << g.KW << " + kw];\n";
    os << "    }\n";
  } else {
  os << "    for (pike_idx ci = 0; ci < " << cig << "; ++ci) {\n";
  os << "      const float* xp = " << X << " + (n * " << g.Ci << " + grp * " << cig << " + ci) * "
     << g.H * g.W << ";\n";
  os << "      const float* wp = " << Wt << " + (pike_ch * " << cig << " + ci) * " << g.KH * g.KW
     << ";\n";
  emitHostWindowTaps(g, "wp[kh * " + std::to_string(g.KW) + " + kw]", "      ", os);
  os << "    }\n";
  }
  return finishHostConv(p, kernel, t, name, "convolution (host)", os, out, err);
}

namespace {

bool planDepthwise(pike::KernelOp kernel, ConvPlan &p, Unsupported &err) {
  if (!planConvRegion(kernel, p, err))
    return false;
  if (!p.g.depthwise())
    return err.fail(p.g.op, "only depthwise (groups == input channels) convolutions have this generator");
  return true;
}

} // namespace

namespace {

/// The summary's head shared by the depthwise kernels: window, stride and the
/// output's N x C x H x W.
std::string depthwiseSummary(const ConvGeom &g) {
  return "depthwise conv " + std::to_string(g.KH) + "x" + std::to_string(g.KW) + " s" + std::to_string(g.SH) +
         " on " + std::to_string(g.N) + "x" + std::to_string(g.Co) + "x" + std::to_string(g.Ho) + "x" +
         std::to_string(g.Wo);
}

/// Depthwise convolution of a channels-last slot: one thread per output element
/// in N, H, W, C order, so a warp reads 32 neighbouring channels of each input
/// pixel (coalesced) and needs no staging; the weights ([C, 1, KH, KW]: the same
/// memory in both layouts) come through the read-only cache.
bool emitDepthwiseConvNhwc(pike::KernelOp kernel, const Knobs &knobs, const ConvPlan &p, const ConvTensors &t,
                           GeneratedKernel &out, Unsupported &err) {
  const ConvGeom &g = p.g;
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_dwconv_nhwc";
  int64_t mult = g.Co / g.Ci;
  int64_t total = g.N * g.Co * g.Ho * g.Wo;
  std::string idx = indexType(std::max(total, g.N * g.Ci * g.H * g.W));
  std::ostringstream os;
  os << prelude(false) << t.defs;
  int nt = knobs.blockSize;
  os << "extern \"C\" __global__ void __launch_bounds__(" << nt << ") " << name << "("
     << paramList(kernel) << ") {\n";
  os << "  typedef " << idx << " pike_idx;\n";
  // The coordinates of output element `lin` (N, H, W, C order), its channel named `ch`.
  auto emitOutputCoords = [&](const std::string &lin, const std::string &ch, const std::string &ind) {
    os << ind << "const pike_idx " << ch << " = " << lin << " % " << g.Co << ";\n";
    os << ind << "const pike_idx wo = (" << lin << " / " << g.Co << ") % " << g.Wo << ";\n";
    os << ind << "const pike_idx ho = (" << lin << " / " << g.Co * g.Wo << ") % " << g.Ho << ";\n";
    os << ind << "const pike_idx n = " << lin << " / " << g.Co * g.Wo * g.Ho << ";\n";
  };
  // Opens the loops over the window's taps inside the input (hi, wi); the
  // caller writes the tap's statements at `ind` + 4 and closes both loops.
  auto openTapLoops = [&](const std::string &ind) {
    os << "#pragma unroll\n" << ind << "for (int kh = 0; kh < " << g.KH << "; ++kh) {\n";
    os << ind << "  const pike_idx hi = ho * " << g.SH << " - " << g.PH << " + kh * " << g.DH << ";\n";
    os << ind << "  if (hi < 0 || hi >= " << g.H << ") continue;\n";
    os << "#pragma unroll\n" << ind << "  for (int kw = 0; kw < " << g.KW << "; ++kw) {\n";
    os << ind << "    const pike_idx wi = wo * " << g.SW << " - " << g.PW << " + kw * " << g.DW << ";\n";
    os << ind << "    if (wi < 0 || wi >= " << g.W << ") continue;\n";
  };
  // Four channels per thread (float4 input loads) when the channels come in
  // fours and the input is 16-byte aligned; else the scalar loop below.
  const bool vec4 = knobs.vectorWidth == 4 && mult == 1 && g.Co % 4 == 0;
  if (vec4) {
    os << "  if ((((unsigned long long)" << t.X << ") & 15) == 0) {\n";
    os << "    for (pike_idx q = (pike_idx)blockIdx.x * blockDim.x + threadIdx.x; q < (pike_idx)" << total / 4
       << "; q += (pike_idx)gridDim.x * blockDim.x) {\n";
    os << "      const pike_idx o0 = q * 4;\n";
    emitOutputCoords("o0", "c0", "      ");
    os << "      float acc4[4] = {0.0f, 0.0f, 0.0f, 0.0f};\n";
    openTapLoops("      ");
    os << "          const float4 xv = *reinterpret_cast<const float4*>(" << t.X << " + ((n * " << g.H
       << " + hi) * " << g.W << " + wi) * " << g.Ci << " + c0);\n";
    os << "          const float* wp = " << t.Wt << " + c0 * " << g.KH * g.KW << " + kh * " << g.KW << " + kw;\n";
    os << "          acc4[0] += xv.x * __ldg(wp);\n";
    os << "          acc4[1] += xv.y * __ldg(wp + " << g.KH * g.KW << ");\n";
    os << "          acc4[2] += xv.z * __ldg(wp + " << 2 * g.KH * g.KW << ");\n";
    os << "          acc4[3] += xv.w * __ldg(wp + " << 3 * g.KH * g.KW << ");\n";
    os << "        }\n      }\n";
    os << "#pragma unroll\n      for (int j = 0; j < 4; ++j) {\n";
    os << "        const pike_idx o = o0 + j;\n";
    os << "        const pike_idx pike_ch = c0 + j;\n";
    os << "        const float acc = acc4[j];\n";
    if (!emitConvEpilogue(p, kernel, t.tensors, "        ", os, err, /*channelsLast=*/true))
      return false;
    os << "      }\n    }\n    return;\n  }\n";
  }
  os << "  for (pike_idx o = (pike_idx)blockIdx.x * blockDim.x + threadIdx.x; o < (pike_idx)" << total
     << "; o += (pike_idx)gridDim.x * blockDim.x) {\n";
  emitOutputCoords("o", "pike_ch", "    ");
  os << "    const pike_idx ci = pike_ch / " << mult << ";\n";
  os << "    float acc = 0.0f;\n";
  openTapLoops("    ");
  os << "        acc += __ldg(" << t.X << " + ((n * " << g.H << " + hi) * " << g.W << " + wi) * " << g.Ci
     << " + ci) * __ldg(" << t.Wt << " + pike_ch * " << g.KH * g.KW << " + kh * " << g.KW << " + kw);\n";
  os << "      }\n    }\n";
  if (!emitConvEpilogue(p, kernel, t.tensors, "    ", os, err, /*channelsLast=*/true))
    return false;
  os << "  }\n}\n";
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  int64_t per = (int64_t)nt * std::max(1, knobs.itemsPerThread) * (vec4 ? 4 : 1);
  int64_t grid = std::max<int64_t>(1, std::min<int64_t>((total + per - 1) / per, 1 << 20));
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {grid, 1, 1}, nt, 0, pointerArgs(ins.size(), outs.size()));
  out.summary = "channels-last " + depthwiseSummary(g) +
                (vec4 ? ", four channels per thread (float4)" : ", a thread per output") + ", " +
                std::to_string(nt) + " threads, grid " + std::to_string(grid);
  return true;
}

/// Channels-last depthwise convolution, register-blocked ("strip" variant): a
/// thread owns VEC neighbouring channels (a float4 when the channels come in
/// fours) and a strip of V outputs along a row. Per window row it loads the
/// (V-1)*SW + (KW-1)*DW + 1 input pixels the strip needs once into registers
/// (coalesced: the block's lanes are neighbouring channel groups of one pixel)
/// and applies each tap's weight to all V outputs. The block's weights are
/// staged transposed ([tap][channel]) in shared memory, so a lane reads its
/// channels' tap weight as one vector. The thread-per-output kernel above reads
/// every weight per output, a lane 25 floats apart from its neighbour: at
/// EfficientNet's 5x5 x 256 channels x 56x56 it ran 0.61 ms against PyTorch's
/// 0.33 (H100, run full-20261207k).
bool emitDepthwiseConvNhwcStrip(pike::KernelOp kernel, const Knobs &knobs, const ConvPlan &p,
                                const ConvTensors &t, GeneratedKernel &out, Unsupported &err) {
  const ConvGeom &g = p.g;
  if (g.Co != g.Ci)
    return err.fail(g.op, "the strip depthwise kernel needs one output channel per input channel");
  const int64_t C = g.Co;
  const int vec = (knobs.vectorWidth == 4 && C % 4 == 0) ? 4 : 1;
  const int64_t cq = C / vec;                 // channel groups
  const int64_t chunks = (cq + 31) / 32;      // channel groups split over blockIdx.y
  const int64_t cbq = (cq + chunks - 1) / chunks;
  const int nt = std::max<int>(knobs.blockSize, int(cbq));
  const int64_t py = std::max<int64_t>(1, nt / cbq); // strips per block
  const int V = std::clamp(knobs.itemsPerThread, 1, 8);
  const int64_t strips = (g.Wo + V - 1) / V;
  const int64_t positions = g.N * g.Ho * strips;
  const int64_t iwn = (V - 1) * g.SW + (g.KW - 1) * g.DW + 1; // input pixels per window row
  const int64_t kk = g.KH * g.KW;
  if (kk * cbq * vec * 4 > 40 * 1024)
    return err.fail(g.op, "depthwise weights of a channel chunk too large for shared memory");
  if (chunks > 65535)
    return err.fail(g.op, "depthwise convolution grid too large");
  const int64_t total = g.N * C * g.Ho * g.Wo;
  std::string idx = indexType(std::max(total, g.N * C * g.H * g.W));
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_dwconv_strip";
  std::ostringstream os;
  os << prelude(false) << t.defs;
  os << "extern \"C\" __global__ void __launch_bounds__(" << cbq * py << ") " << name << "("
     << paramList(kernel) << ") {\n";
  os << "  typedef " << idx << " pike_idx;\n";
  os << "  constexpr int C = " << C << ", CQ = " << cq << ", CBQ = " << cbq << ", VEC = " << vec
     << ", PY = " << py << ", KK = " << kk << ";\n";
  os << "  constexpr int H = " << g.H << ", W = " << g.W << ", HO = " << g.Ho << ", WO = " << g.Wo
     << ", STRIPS = " << strips << ";\n";
  os << "  __align__(16) __shared__ float sw[KK * CBQ * VEC];\n";
  os << "  const int cq0 = blockIdx.y * CBQ;\n";
  os << "  for (int e = threadIdx.x; e < KK * CBQ * VEC; e += blockDim.x) {\n";
  os << "    const int tap = e / (CBQ * VEC), cl = e - tap * (CBQ * VEC);\n";
  os << "    const int c = cq0 * VEC + cl;\n";
  os << "    sw[e] = c < C ? " << t.Wt << "[c * KK + tap] : 0.0f;\n";
  os << "  }\n  __syncthreads();\n";
  os << "  const int tx = threadIdx.x % CBQ, ty = threadIdx.x / CBQ;\n";
  os << "  if (cq0 + tx >= CQ) return; // after the block's only barrier\n";
  os << "  const pike_idx c0 = (pike_idx)(cq0 + tx) * VEC;\n";
  if (vec == 4)
    os << "  const bool xAligned = (((unsigned long long)" << t.X << ") & 15) == 0;\n";
  os << "  for (pike_idx pos = (pike_idx)blockIdx.x * PY + ty; pos < (pike_idx)" << positions
     << "; pos += (pike_idx)gridDim.x * PY) {\n";
  os << "    const int wo0 = (int)(pos % STRIPS) * " << V << ";\n";
  os << "    const pike_idx ho = (pos / STRIPS) % HO;\n";
  os << "    const pike_idx n = pos / (STRIPS * HO);\n";
  os << "    float pike_a[" << V << "][VEC];\n";
  os << "#pragma unroll\n    for (int pike_s = 0; pike_s < " << V << "; ++pike_s)\n";
  os << "#pragma unroll\n      for (int pike_j = 0; pike_j < VEC; ++pike_j) pike_a[pike_s][pike_j] = 0.0f;\n";
  os << "#pragma unroll\n    for (int kh = 0; kh < " << g.KH << "; ++kh) {\n";
  os << "      const int hi = (int)ho * " << g.SH << " - " << g.PH << " + kh * " << g.DH << ";\n";
  os << "      if (hi < 0 || hi >= H) continue;\n";
  os << "      const float* xr = " << t.X << " + (n * H + hi) * (pike_idx)W * C + c0;\n";
  os << "      float x[" << iwn << "][VEC];\n";
  os << "#pragma unroll\n      for (int i = 0; i < " << iwn << "; ++i) {\n";
  os << "        const int wi = wo0 * " << g.SW << " - " << g.PW << " + i;\n";
  os << "        if (wi >= 0 && wi < W) {\n";
  os << "          const float* px = xr + (pike_idx)wi * C;\n";
  if (vec == 4) {
    os << "          if (xAligned) {\n";
    os << "            const float4 q = *reinterpret_cast<const float4*>(px);\n";
    os << "            x[i][0] = q.x; x[i][1] = q.y; x[i][2] = q.z; x[i][3] = q.w;\n";
    os << "          } else {\n";
    os << "#pragma unroll\n            for (int j = 0; j < VEC; ++j) x[i][j] = __ldg(px + j);\n";
    os << "          }\n";
  } else {
    os << "          x[i][0] = __ldg(px);\n";
  }
  os << "        } else {\n";
  os << "#pragma unroll\n          for (int j = 0; j < VEC; ++j) x[i][j] = 0.0f;\n";
  os << "        }\n      }\n";
  os << "#pragma unroll\n      for (int kw = 0; kw < " << g.KW << "; ++kw) {\n";
  os << "        const float* wp = sw + (kh * " << g.KW << " + kw) * (CBQ * VEC) + tx * VEC;\n";
  os << "        float w[VEC];\n";
  if (vec == 4) {
    os << "        const float4 q = *reinterpret_cast<const float4*>(wp);\n";
    os << "        w[0] = q.x; w[1] = q.y; w[2] = q.z; w[3] = q.w;\n";
  } else {
    os << "        w[0] = wp[0];\n";
  }
  os << "#pragma unroll\n        for (int pike_s = 0; pike_s < " << V << "; ++pike_s)\n";
  os << "#pragma unroll\n          for (int j = 0; j < VEC; ++j) pike_a[pike_s][j] += x[pike_s * " << g.SW << " + kw * " << g.DW
     << "][j] * w[j];\n";
  os << "      }\n    }\n";
  os << "#pragma unroll\n    for (int pike_s = 0; pike_s < " << V << "; ++pike_s) {\n";
  os << "      const pike_idx wo = wo0 + pike_s;\n";
  os << "      if (wo >= WO) break;\n";
  os << "#pragma unroll\n      for (int pike_j = 0; pike_j < VEC; ++pike_j) {\n";
  os << "        const pike_idx pike_ch = c0 + pike_j;\n";
  os << "        const pike_idx o = ((n * HO + ho) * WO + wo) * C + pike_ch;\n";
  os << "        const float acc = pike_a[pike_s][pike_j];\n";
  if (!emitConvEpilogue(p, kernel, t.tensors, "        ", os, err, /*channelsLast=*/true))
    return false;
  os << "      }\n    }\n  }\n}\n";
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  int64_t grid = std::max<int64_t>(1, std::min<int64_t>((positions + py - 1) / py, 1 << 20));
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {grid, chunks, 1}, cbq * py, 0, pointerArgs(ins.size(), outs.size()));
  out.summary = "channels-last " + depthwiseSummary(g) + ", strips of " + std::to_string(V) +
                " outputs x " + std::to_string(vec) + " channels per thread, weights staged per " +
                std::to_string(cbq * vec) + "-channel chunk, block " + std::to_string(cbq) + "x" +
                std::to_string(py) + ", grid " + std::to_string(grid) + "x" + std::to_string(chunks);
  return true;
}

} // namespace

bool emitDepthwiseConv(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                       Unsupported &err) {
  ConvPlan p;
  ConvTensors t;
  if (!planDepthwise(kernel, p, err) || !bindConvTensors(p, kernel, host, t, err))
    return false;
  if (isChannelsLastSlot(kernel)) {
    if (host)
      return err.fail(p.g.op, "no host reference of a channels-last depthwise convolution");
    if (knobs.variant == "strip")
      return emitDepthwiseConvNhwcStrip(kernel, knobs, p, t, out, err);
    return emitDepthwiseConvNhwc(kernel, knobs, p, t, out, err);
  }
  const ConvGeom &g = p.g;
  const std::string &X = t.X, &Wt = t.Wt;
  const llvm::DenseMap<Value, TensorRef> &tensors = t.tensors;
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_dwconv";
  int64_t mult = g.Co / g.Ci;
  int64_t total = g.N * g.Co * g.Ho * g.Wo;
  std::string idx = indexType(std::max(total, g.N * g.Ci * g.H * g.W));
  std::ostringstream os;
  os << prelude(host) << t.defs;
  if (host) {
    emitHostEntry(kernel, name, os);
    emitHostOutputLoops(g, os);
    os << "    const float* xp = " << X << " + (n * " << g.Ci << " + pike_ch / " << mult << ") * "
       << g.H * g.W << ";\n";
    os << "    float acc = 0.0f;\n";
    emitHostWindowTaps(g, Wt + "[(pike_ch * " + std::to_string(g.KH) + " + kh) * " +
                              std::to_string(g.KW) + " + kw]",
                       "    ", os);
    return finishHostConv(p, kernel, t, name, "depthwise conv (host)", os, out, err);
  }
  // Rows of output per block: the knob, or as many as fit 32 KiB of staged input.
  const int64_t inW = g.W + 2 * g.PW;
  auto inRows = [&](int64_t th) { return (th - 1) * g.SH + (g.KH - 1) * g.DH + 1; };
  int64_t th = knobs.itemsPerThread > 1 ? std::min<int64_t>(knobs.itemsPerThread, g.Ho) : g.Ho;
  while (th > 1 && inRows(th) * inW * 4 > 32 * 1024)
    th = (th + 1) / 2;
  if (inRows(th) * inW * 4 > 40 * 1024)
    return err.fail(g.op, "depthwise convolution rows too wide for the shared-memory tile");
  if (g.Co > 65535 || g.N > 65535)
    return err.fail(g.op, "depthwise convolution grid too large");
  int nt = knobs.blockSize;
  int64_t tiles = (g.Ho + th - 1) / th;
  os << "extern \"C\" __global__ void __launch_bounds__(" << nt << ") " << name << "("
     << paramList(kernel) << ") {\n";
  os << "  typedef " << idx << " pike_idx;\n";
  os << "  constexpr int TH = " << th << ", IH = " << inRows(th) << ", IW = " << inW
     << ", NT = " << nt << ";\n";
  os << "  constexpr int H = " << g.H << ", W = " << g.W << ", HO = " << g.Ho << ", WO = " << g.Wo
     << ", KH = " << g.KH << ", KW = " << g.KW << ";\n";
  os << "  __shared__ float tile[IH * IW];\n  __shared__ float wt[KH * KW];\n";
  os << "  const pike_idx n = blockIdx.z, pike_ch = blockIdx.y;\n";
  os << "  const int ho0 = blockIdx.x * TH;\n";
  os << "  const float* xp = " << X << " + (n * " << g.Ci << " + pike_ch / " << mult << ") * (pike_idx)"
     << g.H * g.W << ";\n";
  os << "  const int hi0 = ho0 * " << g.SH << " - " << g.PH << ";\n";
  os << "  for (int e = threadIdx.x; e < IH * IW; e += NT) {\n";
  os << "    const int r = e / IW, c = e - r * IW;\n";
  os << "    const int hi = hi0 + r, wi = c - " << g.PW << ";\n";
  os << "    tile[e] = (hi >= 0 && hi < H && wi >= 0 && wi < W) ? __ldg(xp + hi * W + wi) : 0.0f;\n";
  os << "  }\n";
  os << "  for (int e = threadIdx.x; e < KH * KW; e += NT) wt[e] = " << Wt << "[pike_ch * (KH * KW) + e];\n";
  os << "  __syncthreads();\n";
  os << "  for (int e = threadIdx.x; e < TH * WO; e += NT) {\n";
  os << "    const int r = e / WO, wo = e - r * WO;\n";
  os << "    const int ho = ho0 + r;\n";
  os << "    if (ho >= HO) break;\n";
  os << "    float acc = 0.0f;\n";
  os << "#pragma unroll\n    for (int kh = 0; kh < KH; ++kh)\n";
  os << "#pragma unroll\n      for (int kw = 0; kw < KW; ++kw)\n";
  os << "        acc += tile[(r * " << g.SH << " + kh * " << g.DH << ") * IW + wo * " << g.SW
     << " + kw * " << g.DW << "] * wt[kh * KW + kw];\n";
  os << "    const pike_idx o = ((n * " << g.Co << " + pike_ch) * HO + ho) * (pike_idx)WO + wo;\n";
  if (!emitConvEpilogue(p, kernel, tensors, "    ", os, err))
    return false;
  os << "  }\n}\n";
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  out.launches = singleLaunch(name, {tiles, g.Co, g.N}, nt, 0,
                              pointerArgs(ins.size(), outs.size()));
  out.summary = depthwiseSummary(g) + ", " +
                std::to_string(th) + " rows/block, " + std::to_string(nt) + " threads";
  return true;
}

} // namespace pike::codegen::detail
