// Convolution regions through cuDNN's backend (graph) API (variants
// "cudnn-graph[/bench]" and "cudnn-graph-fused[/bench|/only]"), and the match
// of a region's epilogue the cuDNN emitters share.
//
// Why the graph API next to the legacy calls: its engines are the ones
// PyTorch's cuDNN path runs (3x3 at ResNet's shapes on the H100: 41-46 us
// against the legacy NHWC engines' 63-106 us), and its operation graph can
// carry the epilogue: conv -> add bias [1, C, 1, 1] -> add residual -> activation
// as pointwise nodes with virtual intermediates, one plan, one launch sequence
// and no epilogue kernel ("cudnn-graph-fused"). cuDNN runs such graphs with its
// runtime fusion engines, which use tensor cores (TF32 for fp32 data), so a
// slot whose reference does not allow TF32 may find no engine. The fused
// variant then falls back inside the same candidate to the plain convolution
// graph and the generated epilogue kernel (what "cudnn-graph" runs), so it
// never fails for want of an engine; not to cuDNN's legacy fused call, which
// was 0.53x of PyTorch on ResNet's 3x3 slots on the H100 (run
// h100-20261207f) where the convolution graph + epilogue kernel was close to
// it (h100-nhwc-20261207e). "/only" has no fallback (the first call returns
// cudaErrorNotSupported), to check on a GPU that the fused plan really runs.
//
// State: the handle, the plan and the workspace are made at the first call on
// its buffers (function-local static), one state per alignment class of the
// buffers: every pointer 16-byte aligned (cuDNN may then pick engines with
// vector loads) or not (4 bytes declared). The first call must happen outside
// CUDA-graph capture.
#include "ConvCudnn.h"

#include "pike/Dialect/OpRegistry.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cfloat>
#include <cstdio>

using namespace mlir;

namespace pike::codegen::detail {

const char *const kSeveralOutputs = "the region has several outputs";

std::optional<double> splatValue(Value v) {
  auto c = v.getDefiningOp<pike::ConstantOp>();
  if (!c)
    return std::nullopt;
  auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
  if (!dense || !dense.isSplat() || !dense.getElementType().isF32())
    return std::nullopt;
  return dense.getSplatValue<APFloat>().convertToDouble();
}

namespace {

std::optional<double> numberAttr(Operation *op, llvm::StringRef name) {
  Attribute a = op->getAttr(name);
  if (auto f = dyn_cast_or_null<FloatAttr>(a))
    return f.getValueAsDouble();
  if (auto i = dyn_cast_or_null<IntegerAttr>(a))
    return double(i.getInt());
  return std::nullopt;
}

/// The activation `a` is, as cuDNN's pointwise modes run it (None: not one).
ConvActivation activationOf(pike::AtenOp a, double &upper) {
  if (a->getNumOperands() != 1)
    return ConvActivation::None;
  llvm::StringRef n = a.getName();
  if (n == "aten::relu")
    return ConvActivation::Relu;
  if (n == "aten::relu6") {
    upper = 6.0;
    return ConvActivation::Clip;
  }
  if (n == "aten::hardtanh") {
    // Only a lower bound of 0: cuDNN's relu clips below at 0 (slope 0).
    auto lo = numberAttr(a, "min_val"), hi = numberAttr(a, "max_val");
    if (lo && hi && *lo == 0.0 && *hi > 0.0) {
      upper = *hi;
      return ConvActivation::Clip;
    }
    return ConvActivation::None;
  }
  if (n == "aten::silu")
    return ConvActivation::Silu;
  if (n == "aten::sigmoid")
    return ConvActivation::Sigmoid;
  if (n == "aten::tanh")
    return ConvActivation::Tanh;
  if (n == "aten::gelu") {
    auto ap = a->getAttrOfType<StringAttr>("approximate");
    if (!ap || ap.getValue() == "none")
      return ConvActivation::Gelu;
    if (ap.getValue() == "tanh")
      return ConvActivation::GeluTanh;
  }
  return ConvActivation::None;
}

const char *pointwiseMode(ConvActivation act) {
  switch (act) {
  case ConvActivation::Relu:
  case ConvActivation::Clip:
    return "CUDNN_POINTWISE_RELU_FWD";
  case ConvActivation::Silu:
    return "CUDNN_POINTWISE_SWISH_FWD";
  case ConvActivation::Sigmoid:
    return "CUDNN_POINTWISE_SIGMOID_FWD";
  case ConvActivation::Tanh:
    return "CUDNN_POINTWISE_TANH_FWD";
  case ConvActivation::Gelu:
    return "CUDNN_POINTWISE_GELU_FWD";
  case ConvActivation::GeluTanh:
    return "CUDNN_POINTWISE_GELU_APPROX_TANH_FWD";
  case ConvActivation::Identity:
    return "CUDNN_POINTWISE_IDENTITY";
  case ConvActivation::None:
    break;
  }
  return "";
}

} // namespace

const char *convActivationName(ConvActivation act) {
  switch (act) {
  case ConvActivation::Relu:
    return "relu";
  case ConvActivation::Clip:
    return "clipped relu";
  case ConvActivation::Silu:
    return "silu";
  case ConvActivation::Sigmoid:
    return "sigmoid";
  case ConvActivation::Tanh:
    return "tanh";
  case ConvActivation::Gelu:
    return "gelu";
  case ConvActivation::GeluTanh:
    return "gelu (tanh)";
  case ConvActivation::Identity:
    return "identity";
  case ConvActivation::None:
    break;
  }
  return "";
}

namespace {

std::string doubleLiteral(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

} // namespace

bool matchConvTail(const ConvPlan &p, pike::KernelOp kernel, ConvTail &t, std::string &why) {
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  if (yield.getNumOperands() != 1) {
    why = kSeveralOutputs;
    return false;
  }
  Value cur = p.G;
  auto nextUser = [&](Value v) -> pike::AtenOp {
    if (!v.hasOneUse())
      return nullptr;
    return dyn_cast<pike::AtenOp>(*v.getUsers().begin());
  };
  if (cur != yield.getOperand(0)) {
    if (pike::AtenOp add = nextUser(cur); add && add.getName() == "aten::add") {
      Value self = operandNamed(add, "self"), other = operandNamed(add, "other");
      Value r = self == cur ? other : self;
      auto alpha = add->getAttr("alpha");
      bool unitAlpha = !alpha || (isa<IntegerAttr>(alpha) && cast<IntegerAttr>(alpha).getInt() == 1) ||
                       (isa<FloatAttr>(alpha) && cast<FloatAttr>(alpha).getValueAsDouble() == 1.0);
      if (r && r != cur && (self == cur || other == cur) && isa<BlockArgument>(r) && unitAlpha &&
          shapeOf(r) == shapeOf(cur) && elementTypeOf(r.getType()).isF32() &&
          add->getNumOperands() == 2) {
        t.z = r;
        cur = add->getResult(0);
      }
    }
  }
  if (cur != yield.getOperand(0)) {
    if (pike::AtenOp act = nextUser(cur)) {
      double upper = 0.0;
      if (ConvActivation a = activationOf(act, upper); a != ConvActivation::None) {
        t.act = a;
        t.upper = upper;
        cur = act->getResult(0);
      }
    }
  }
  if (cur != yield.getOperand(0)) {
    why = "the epilogue is more than bias, a residual add and an activation";
    return false;
  }
  return true;
}

bool matchGraphEpilogue(const ConvPlan &p, pike::KernelOp kernel, ConvTail &t, GraphEpilogue &e,
                        std::string &why) {
  if (!matchConvTail(p, kernel, t, why))
    return false;
  const ConvGeom &g = p.g;
  const std::optional<double> biasSplat = g.bias ? splatValue(g.bias) : std::optional<double>(0.0);
  if (biasSplat && *biasSplat != 0.0) {
    why = "the bias is a non-zero splat, not a tensor";
    return false;
  }
  e.bias = !biasSplat;
  e.z = bool(t.z);
  e.act = t.act != ConvActivation::None;
  if (e.nodes() == 0) {
    // A bare convolution: one identity node makes it a fusion graph, which
    // cuDNN's runtime-fusion engines run (H100: the fused graph took 12-25 us
    // where PyTorch's engines took 35-56 us on ResNet's 3x3 slots, run
    // h100-20261207g; the plain graph matched PyTorch on DenseNet's 3x3).
    t.act = ConvActivation::Identity;
    e.act = true;
  }
  return true;
}

bool emitGraphConv(const ConvGeom &g, bool nhwc, bool tf32, const GraphConvMode &mode,
                   const ConvTail &tail, const GraphEpilogue &epi, pike::KernelOp kernel,
                   const llvm::DenseMap<Value, TensorRef> &tensors, const std::string &X,
                   const std::string &Wt, const std::string &epiName, int64_t total, int nt,
                   std::ostream &os, Unsupported &err) {
  const int64_t cg = (g.transposed ? g.Co : g.Ci) / g.groups;
  // The fused graph's pointwise nodes, in order: bias, residual, activation.
  const bool biasNode = mode.fused && epi.bias, zNode = mode.fused && epi.z, actNode = mode.fused && epi.act;
  const int stages = int(biasNode) + int(zNode) + int(actNode);
  // "/half": x and w converted to 16 bits in the state's scratch buffer (w at
  // a 16-byte aligned offset), read by the plan from there.
  const bool half = !mode.half.empty();
  const int64_t xElems = g.N * g.Ci * g.H * g.W, wElems = g.Co * cg * g.KH * g.KW;
  const int64_t wOffset = (xElems + 7) / 8 * 8;
  const bool halfVector = xElems % 4 == 0 && wElems % 4 == 0;

  // The strides of a tensor whose dims are N, C, H, W (always that order in
  // the graph API; the strides say the layout).
  auto strides = [&](int64_t c, int64_t h, int64_t w) {
    std::ostringstream s;
    if (nhwc)
      s << h * w * c << ", 1, " << w * c << ", " << c;
    else
      s << c * h * w << ", " << h * w << ", " << w << ", 1";
    return s.str();
  };
  const HalfCudaType &ht = halfCudaType(mode.half);
  if (half)
    os << ht.include;
  os << "namespace {\n";
  os << "// Workspace cap: a configuration asking for more is skipped.\n";
  os << "const int64_t kPikeGraphMaxWorkspace = int64_t(1) << 30;\n";
  os << "struct PikeGraphConv {\n"
        "  cudnnHandle_t handle = nullptr;\n"
        "  cudnnBackendDescriptor_t plan = nullptr;\n"
        "  void* workspace = nullptr;\n"
        "  void* half = nullptr; // \"/half\": x and w as 16-bit values\n"
        "  bool fused = false; // the plan runs the whole epilogue: no epilogue kernel\n"
        "  int status = 0;     // a cudaError_t; non-zero: the slot cannot run\n"
        "};\n";
  os << "#define PIKE_OK(call) do { if ((call) != CUDNN_STATUS_SUCCESS) return false; } while (0)\n";
  os << "bool pike_tensor(cudnnBackendDescriptor_t* d, int64_t uid, const int64_t* dims, const int64_t* strides,\n"
        "                 int64_t align, bool isVirtual, cudnnDataType_t dt = CUDNN_DATA_FLOAT) {\n"
        "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_TENSOR_DESCRIPTOR, d));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &dt));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, dims));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, 4, strides));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &align));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_IS_VIRTUAL, CUDNN_TYPE_BOOLEAN, 1, &isVirtual));\n"
        "  PIKE_OK(cudnnBackendFinalize(*d));\n"
        "  return true;\n"
        "}\n";
  os << "bool pike_variant_pack(cudnnBackendDescriptor_t* vp, int64_t n, const int64_t* uids, void* const* ptrs, void* ws) {\n"
        "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, vp));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*vp, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, n, uids));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*vp, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, n, ptrs));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*vp, CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &ws));\n"
        "  PIKE_OK(cudnnBackendFinalize(*vp));\n"
        "  return true;\n"
        "}\n";
  if (half) {
    os << "typedef " << ht.type << " pike_half_t;\n";
    os << "// x and w rounded to " << mode.half << " (round to nearest) for the plan; "
       << (halfVector ? "float4 loads where both are 16-byte aligned" : "scalar (a size not a multiple of 4)")
       << ".\n";
    os << "__global__ void __launch_bounds__(256) pike_to_half(const float* __restrict__ x, const float* "
          "__restrict__ w, pike_half_t* __restrict__ xh, pike_half_t* __restrict__ wh, bool vec) {\n"
       << "  const int64_t nx = " << xElems << ", nw = " << wElems << ";\n"
       << "  const int64_t step = (int64_t)gridDim.x * blockDim.x;\n"
       << "  const int64_t first = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;\n";
    if (halfVector)
      os << "  if (vec) {\n"
            "    for (int64_t q = first; q < (nx + nw) / 4; q += step) {\n"
            "      const int64_t e = q * 4;\n"
            "      const float4 v = e < nx ? *reinterpret_cast<const float4*>(x + e)\n"
            "                              : *reinterpret_cast<const float4*>(w + (e - nx));\n"
         << "      " << ht.pairType << " lo = " << ht.roundPair << "(v.x, v.y), hi = " << ht.roundPair
         << "(v.z, v.w);\n"
         << "      uint2 packed;\n"
            "      packed.x = *reinterpret_cast<const unsigned*>(&lo);\n"
            "      packed.y = *reinterpret_cast<const unsigned*>(&hi);\n"
            "      *reinterpret_cast<uint2*>(e < nx ? xh + e : wh + (e - nx)) = packed;\n"
            "    }\n"
            "    return;\n"
            "  }\n";
    else
      os << "  (void)vec;\n";
    os << "  for (int64_t e = first; e < nx + nw; e += step) {\n"
       << "    if (e < nx) xh[e] = " << ht.round << "(x[e]);\n"
       << "    else wh[e - nx] = " << ht.round << "(w[e - nx]);\n"
       << "  }\n"
       << "}\n";
  }
  // A configuration's engine uses tensor cores (TF32 for fp32 data)?
  os << "bool pike_uses_tensor_cores(cudnnBackendDescriptor_t cfg) {\n"
        "  cudnnBackendDescriptor_t engine;\n"
        "  if (cudnnBackendCreateDescriptor(CUDNN_BACKEND_ENGINE_DESCRIPTOR, &engine) != CUDNN_STATUS_SUCCESS) return true;\n"
        "  int64_t n = 0;\n"
        "  bool tc = true;\n"
        "  if (cudnnBackendGetAttribute(cfg, CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &n, &engine) == CUDNN_STATUS_SUCCESS) {\n"
        "    cudnnBackendNumericalNote_t notes[CUDNN_NUMERICAL_NOTE_TYPE_COUNT];\n"
        "    int64_t count = 0;\n"
        "    if (cudnnBackendGetAttribute(engine, CUDNN_ATTR_ENGINE_NUMERICAL_NOTE, CUDNN_TYPE_NUMERICAL_NOTE,\n"
        "                                 CUDNN_NUMERICAL_NOTE_TYPE_COUNT, &count, notes) == CUDNN_STATUS_SUCCESS) {\n"
        "      tc = false;\n"
        "      for (int64_t i = 0; i < count; ++i) tc |= notes[i] == CUDNN_NUMERICAL_NOTE_TENSOR_CORE;\n"
        "    }\n"
        "  }\n"
        "  cudnnBackendDestroyDescriptor(engine);\n"
        "  return tc;\n"
        "}\n";
  if (mode.fused)
    // One pointwise node y = mode(x[, b]) in fp32; relu's clips and swish's
    // beta set as cuDNN's frontend sets them (doubles).
    os << "bool pike_pointwise(cudnnBackendDescriptor_t* op, cudnnPointwiseMode_t mode, double upper,\n"
          "                    cudnnBackendDescriptor_t x, cudnnBackendDescriptor_t b, cudnnBackendDescriptor_t y) {\n"
          "  cudnnBackendDescriptor_t pw;\n"
          "  cudnnDataType_t prec = CUDNN_DATA_FLOAT;\n"
          "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_POINTWISE_DESCRIPTOR, &pw));\n"
          "  PIKE_OK(cudnnBackendSetAttribute(pw, CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, 1, &mode));\n"
          "  PIKE_OK(cudnnBackendSetAttribute(pw, CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, 1, &prec));\n"
          "  if (mode == CUDNN_POINTWISE_RELU_FWD) {\n"
          "    double lower = 0.0, slope = 0.0;\n"
          "    PIKE_OK(cudnnBackendSetAttribute(pw, CUDNN_ATTR_POINTWISE_RELU_LOWER_CLIP, CUDNN_TYPE_DOUBLE, 1, &lower));\n"
          "    PIKE_OK(cudnnBackendSetAttribute(pw, CUDNN_ATTR_POINTWISE_RELU_UPPER_CLIP, CUDNN_TYPE_DOUBLE, 1, &upper));\n"
          "    PIKE_OK(cudnnBackendSetAttribute(pw, CUDNN_ATTR_POINTWISE_RELU_LOWER_CLIP_SLOPE, CUDNN_TYPE_DOUBLE, 1, &slope));\n"
          "  }\n"
          "  if (mode == CUDNN_POINTWISE_SWISH_FWD) {\n"
          "    double beta = 1.0; // silu\n"
          "    PIKE_OK(cudnnBackendSetAttribute(pw, CUDNN_ATTR_POINTWISE_SWISH_BETA, CUDNN_TYPE_DOUBLE, 1, &beta));\n"
          "  }\n"
          "  PIKE_OK(cudnnBackendFinalize(pw));\n"
          "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR, op));\n"
          "  PIKE_OK(cudnnBackendSetAttribute(*op, CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &pw));\n"
          "  PIKE_OK(cudnnBackendSetAttribute(*op, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &x));\n"
          "  if (b) PIKE_OK(cudnnBackendSetAttribute(*op, CUDNN_ATTR_OPERATION_POINTWISE_BDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &b));\n"
          "  PIKE_OK(cudnnBackendSetAttribute(*op, CUDNN_ATTR_OPERATION_POINTWISE_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &y));\n"
          "  PIKE_OK(cudnnBackendFinalize(*op));\n"
          "  return true;\n"
          "}\n";

  // The variant pack: x, w, y, then the fused graph's bias and residual.
  std::vector<std::string> uids = {"'x'", "'w'", "'y'"};
  if (biasNode)
    uids.push_back("'b'");
  if (zNode)
    uids.push_back("'z'");
  os << "const int64_t kPikeUids[" << uids.size() << "] = {";
  for (size_t i = 0; i < uids.size(); ++i)
    os << (i ? ", " : "") << uids[i];
  os << "};\n";
  os << "const int64_t kPikeFusedPointers = " << uids.size() << ", kPikePlainPointers = 3;\n";

  // Builds the operation graph (fused: with the epilogue's pointwise nodes)
  // and picks its plan.
  os << "bool pike_graph_init(PikeGraphConv& s, bool fused, int64_t align, void* const* ptrs, cudaStream_t stream) {\n";
  os << "  if (!s.handle) PIKE_OK(cudnnCreate(&s.handle));\n";
  os << "  PIKE_OK(cudnnSetStream(s.handle, stream));\n";
  os << "  const int64_t xd[4] = {" << g.N << ", " << g.Ci << ", " << g.H << ", " << g.W << "}, xs[4] = {"
     << strides(g.Ci, g.H, g.W) << "};\n";
  os << "  const int64_t wd[4] = {" << g.Co << ", " << cg << ", " << g.KH << ", " << g.KW << "}, ws[4] = {"
     << strides(cg, g.KH, g.KW) << "};\n";
  os << "  const int64_t yd[4] = {" << g.N << ", " << g.Co << ", " << g.Ho << ", " << g.Wo << "}, ys[4] = {"
     << strides(g.Co, g.Ho, g.Wo) << "};\n";
  os << "  cudnnBackendDescriptor_t xt, wt, yt, conv, graph;\n";
  if (half)
    os << "  // x and w: the 16-bit copies in s.half (cudaMalloc'd, w at a 16-byte offset).\n"
       << "  const cudnnDataType_t halfType = " << (mode.half == "fp16" ? "CUDNN_DATA_HALF" : "CUDNN_DATA_BFLOAT16")
       << ";\n"
       << "  if (!pike_tensor(&xt, 'x', xd, xs, 16, false, halfType) || !pike_tensor(&wt, 'w', wd, ws, 16, false, halfType) ||\n"
          "      !pike_tensor(&yt, 'y', yd, ys, align, false)) return false;\n";
  else
    os << "  if (!pike_tensor(&xt, 'x', xd, xs, align, false) || !pike_tensor(&wt, 'w', wd, ws, align, false) ||\n"
          "      !pike_tensor(&yt, 'y', yd, ys, align, false)) return false;\n";
  os << "  cudnnDataType_t comp = CUDNN_DATA_FLOAT;\n"
        "  cudnnConvolutionMode_t mode = CUDNN_CROSS_CORRELATION;\n"
        "  int64_t dims = 2;\n";
  os << "  const int64_t dil[2] = {" << g.DH << ", " << g.DW << "}, str[2] = {" << g.SH << ", " << g.SW
     << "}, pad[2] = {" << g.PH << ", " << g.PW << "};\n";
  os << "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR, &conv));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &comp));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_CONV_MODE, CUDNN_TYPE_CONVOLUTION_MODE, 1, &mode));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, CUDNN_TYPE_INT64, 1, &dims));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_DILATIONS, CUDNN_TYPE_INT64, 2, dil));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, CUDNN_TYPE_INT64, 2, str));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, CUDNN_TYPE_INT64, 2, pad));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(conv, CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, CUDNN_TYPE_INT64, 2, pad));\n"
        "  PIKE_OK(cudnnBackendFinalize(conv));\n";
  os << "  cudnnBackendDescriptor_t ops[4];\n"
        "  int64_t nops = 1;\n"
        "  cudnnBackendDescriptor_t convOut = yt;\n";
  if (mode.fused) {
    // Virtual fp32 intermediates of the output's shape: v0 = conv, v1, ... the
    // pointwise results; the last node writes y.
    os << "  if (fused) {\n";
    os << "    cudnnBackendDescriptor_t v[" << stages << "];\n";
    os << "    for (int64_t i = 0; i < " << stages << "; ++i)\n"
          "      if (!pike_tensor(&v[i], 1000 + i, yd, ys, align, true)) return false;\n";
    os << "    convOut = v[0];\n";
    int stage = 0;
    auto out = [&]() { return stage + 1 == stages ? std::string("yt") : "v[" + std::to_string(stage + 1) + "]"; };
    if (biasNode) {
      os << "    // + bias, [1, C, 1, 1] broadcast over N, H, W.\n";
      os << "    const int64_t bd[4] = {1, " << g.Co << ", 1, 1}, bs[4] = {" << strides(g.Co, 1, 1) << "};\n";
      os << "    cudnnBackendDescriptor_t bt;\n"
            "    if (!pike_tensor(&bt, 'b', bd, bs, align, false)) return false;\n";
      os << "    if (!pike_pointwise(&ops[nops++], CUDNN_POINTWISE_ADD, 0.0, v[" << stage << "], bt, " << out()
         << ")) return false;\n";
      ++stage;
    }
    if (zNode) {
      os << "    // + residual (a slot input of the output's shape and layout).\n";
      os << "    cudnnBackendDescriptor_t zt;\n"
            "    if (!pike_tensor(&zt, 'z', yd, ys, align, false)) return false;\n";
      os << "    if (!pike_pointwise(&ops[nops++], CUDNN_POINTWISE_ADD, 0.0, v[" << stage << "], zt, " << out()
         << ")) return false;\n";
      ++stage;
    }
    if (actNode) {
      double upper = tail.act == ConvActivation::Clip ? tail.upper : double(FLT_MAX);
      os << "    // " << convActivationName(tail.act) << ".\n";
      os << "    if (!pike_pointwise(&ops[nops++], " << pointwiseMode(tail.act) << ", " << doubleLiteral(upper)
         << ", v[" << stage << "], nullptr, " << out() << ")) return false;\n";
      ++stage;
    }
    os << "  }\n";
  }
  os << "  float alpha = 1.0f, beta = 0.0f;\n"
        "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR, &ops[0]));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(ops[0], CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &xt));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(ops[0], CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &wt));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(ops[0], CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &convOut));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(ops[0], CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &conv));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(ops[0], CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, CUDNN_TYPE_FLOAT, 1, &alpha));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(ops[0], CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA, CUDNN_TYPE_FLOAT, 1, &beta));\n"
        "  PIKE_OK(cudnnBackendFinalize(ops[0]));\n";
  os << "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR, &graph));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(graph, CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &s.handle));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(graph, CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, nops, ops));\n"
        "  PIKE_OK(cudnnBackendFinalize(graph));\n";
  // Engine configurations: heuristic mode A's list, then cuDNN's fallback
  // list (where runtime-fusion graphs may find their only engines).
  os << "  const int64_t kMaxCfgs = 64;\n"
        "  cudnnBackendDescriptor_t cfgs[2 * kMaxCfgs];\n"
        "  int64_t got = 0;\n"
        "  const cudnnBackendHeurMode_t heurModes[2] = {CUDNN_HEUR_MODE_A, CUDNN_HEUR_MODE_FALLBACK};\n"
        "  for (cudnnBackendHeurMode_t heurMode : heurModes) {\n"
        "    cudnnBackendDescriptor_t heur;\n"
        "    int64_t count = 0, n = 0;\n"
        "    if (cudnnBackendCreateDescriptor(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR, &heur) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendSetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &graph) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendSetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &heurMode) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendFinalize(heur) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &count, nullptr) != CUDNN_STATUS_SUCCESS)\n"
        "      continue;\n"
        "    count = count < kMaxCfgs ? count : kMaxCfgs;\n"
        "    for (int64_t i = 0; i < count; ++i) PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, &cfgs[got + i]));\n"
        "    if (count > 0 && cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, count, &n, &cfgs[got]) == CUDNN_STATUS_SUCCESS)\n"
        "      got += n;\n"
        "  }\n"
        "  if (got <= 0) return false;\n";
  // Candidates: plans that build, fit the cap and respect the TF32 rule.
  os << "  const int kMaxTried = " << (mode.bench ? 8 : 1) << ";\n";
  os << "  cudnnBackendDescriptor_t plans[8];\n"
        "  int64_t wsBytes[8];\n"
        "  int nplans = 0;\n"
        "  for (int64_t i = 0; i < got && nplans < kMaxTried; ++i) {\n";
  if (!tf32 && !half)
    os << "    if (pike_uses_tensor_cores(cfgs[i])) continue;\n";
  os << "    cudnnBackendDescriptor_t plan;\n"
        "    if (cudnnBackendCreateDescriptor(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR, &plan) != CUDNN_STATUS_SUCCESS) continue;\n"
        "    int64_t ws = 0, n = 0;\n"
        "    if (cudnnBackendSetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &s.handle) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendSetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cfgs[i]) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendFinalize(plan) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendGetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1, &n, &ws) != CUDNN_STATUS_SUCCESS ||\n"
        "        ws > kPikeGraphMaxWorkspace) {\n"
        "      cudnnBackendDestroyDescriptor(plan);\n"
        "      continue;\n"
        "    }\n"
        "    plans[nplans] = plan;\n"
        "    wsBytes[nplans++] = ws;\n"
        "  }\n"
        "  if (nplans == 0) return false;\n";
  os << "  int64_t maxWs = 0;\n"
        "  for (int i = 0; i < nplans; ++i) maxWs = wsBytes[i] > maxWs ? wsBytes[i] : maxWs;\n"
        "  if (maxWs && cudaMalloc(&s.workspace, (size_t)maxWs) != cudaSuccess) return false;\n";
  if (half)
    os << "  if (cudaMalloc(&s.half, sizeof(pike_half_t) * (size_t)" << wOffset + wElems
       << ") != cudaSuccess) return false;\n";
  os << "  const int64_t nptrs = fused ? kPikeFusedPointers : kPikePlainPointers;\n"
        "  (void)nptrs; (void)ptrs;\n"
        "  int best = 0;\n";
  if (mode.bench) {
    // Time each plan on this call's buffers (y is the slot's output, rewritten
    // by the real call afterwards).
    os << "  cudaEvent_t e0, e1;\n"
          "  cudaEventCreate(&e0); cudaEventCreate(&e1);\n"
          "  float bestMs = 1e30f;\n"
          "  for (int i = 0; i < nplans; ++i) {\n"
          "    cudnnBackendDescriptor_t vp;\n"
          "    if (!pike_variant_pack(&vp, nptrs, kPikeUids, ptrs, s.workspace)) continue;\n"
          "    bool ok = cudnnBackendExecute(s.handle, plans[i], vp) == CUDNN_STATUS_SUCCESS;\n"
          "    cudaEventRecord(e0, stream);\n"
          "    for (int r = 0; ok && r < 3; ++r) ok = cudnnBackendExecute(s.handle, plans[i], vp) == CUDNN_STATUS_SUCCESS;\n"
          "    cudaEventRecord(e1, stream);\n"
          "    float ms = 0.0f;\n"
          "    if (ok && cudaEventSynchronize(e1) == cudaSuccess && cudaEventElapsedTime(&ms, e0, e1) == cudaSuccess && ms < bestMs) {\n"
          "      bestMs = ms;\n"
          "      best = i;\n"
          "    }\n"
          "    cudnnBackendDestroyDescriptor(vp);\n"
          "  }\n"
          "  cudaEventDestroy(e0); cudaEventDestroy(e1);\n"
          "  cudaGetLastError();\n"
          "  if (bestMs >= 1e30f) {\n"
          "    if (s.workspace) cudaFree(s.workspace);\n"
          "    s.workspace = nullptr;\n"
          "    return false;\n"
          "  }\n";
  }
  os << "  s.plan = plans[best];\n"
        "  s.fused = fused;\n"
        "  return true;\n"
        "}\n";
  os << "PikeGraphConv pike_graph_make(void* const* ptrs, int64_t align, cudaStream_t stream) {\n"
        "  PikeGraphConv s;\n";
  if (mode.fused) {
    os << "  if (pike_graph_init(s, true, align, ptrs, stream)) return s;\n";
    if (mode.fallback)
      os << "  // No engine runs the fused graph: the convolution graph + the epilogue kernel.\n"
            "  if (pike_graph_init(s, false, align, ptrs, stream)) return s;\n";
  } else {
    os << "  if (pike_graph_init(s, false, align, ptrs, stream)) return s;\n";
  }
  os << "  s.status = (int)cudaErrorNotSupported;\n"
        "  return s;\n"
        "}\n";
  os << "} // namespace\n";

  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  os << "extern \"C\" int pike_conv_entry(const PikeTensorRef* inputs, int32_t num_inputs, "
        "PikeTensorRef* outputs, int32_t num_outputs, cudaStream_t stream) {\n";
  emitEntryTensorPointers(os, ins, outs);
  std::string Xp = entryDevicePointer(g.x, X, os), Wp = entryDevicePointer(g.w, Wt, os);
  std::vector<std::string> ptrs = {"(void*)" + Xp, "(void*)" + Wp, "(void*)out0"};
  if (biasNode) {
    std::string bn;
    if (!operandPtr(g.bias, tensors, bn, err, g.op, "convolution bias"))
      return false;
    ptrs.push_back("(void*)" + entryDevicePointer(g.bias, bn, os));
  }
  if (zNode) {
    std::string zn;
    if (!operandPtr(tail.z, tensors, zn, err, g.op, "residual"))
      return false;
    ptrs.push_back("(void*)" + zn);
  }
  os << "  void* const ptrs[" << ptrs.size() << "] = {";
  for (size_t i = 0; i < ptrs.size(); ++i)
    os << (i ? ", " : "") << ptrs[i];
  os << "};\n";
  os << "  // Made at the first call on its buffers (thread-safe static initialisation),\n"
        "  // one per alignment class of the buffers.\n"
        "  bool aligned16 = true;\n"
        "  for (void* p : ptrs) aligned16 = aligned16 && ((uintptr_t)p & 15) == 0;\n"
        "  const PikeGraphConv* sp;\n"
        "  if (aligned16) {\n"
        "    static const PikeGraphConv s16 = pike_graph_make(ptrs, 16, stream);\n"
        "    sp = &s16;\n"
        "  } else {\n"
        "    static const PikeGraphConv s4 = pike_graph_make(ptrs, 4, stream);\n"
        "    sp = &s4;\n"
        "  }\n"
        "  const PikeGraphConv& s = *sp;\n"
        "  if (s.status) return s.status;\n";
  os << "  if (cudnnSetStream(s.handle, stream) != CUDNN_STATUS_SUCCESS) return (int)cudaErrorUnknown;\n";
  std::string packPtrs = "ptrs";
  if (half) {
    // Round x and w into the scratch buffer on the slot's stream, then point
    // the plan's x and w there.
    const int64_t items = halfVector ? (xElems + wElems + 3) / 4 : xElems + wElems;
    const int64_t blocks = std::max<int64_t>(1, std::min<int64_t>((items + 255) / 256, 4096));
    os << "  pike_half_t* const xh = (pike_half_t*)s.half;\n"
       << "  pike_half_t* const wh = xh + " << wOffset << ";\n"
       << "  const bool vec = (((uintptr_t)ptrs[0] | (uintptr_t)ptrs[1]) & 15) == 0;\n"
       << "  pike_to_half<<<" << blocks << ", 256, 0, stream>>>((const float*)ptrs[0], (const float*)ptrs[1], xh, wh, vec);\n"
       << "  void* halfPtrs[" << ptrs.size() << "];\n"
       << "  for (int i = 0; i < " << ptrs.size() << "; ++i) halfPtrs[i] = ptrs[i];\n"
       << "  halfPtrs[0] = xh;\n"
       << "  halfPtrs[1] = wh;\n";
    packPtrs = "halfPtrs";
  }
  os << "  cudnnBackendDescriptor_t vp;\n"
        "  if (!pike_variant_pack(&vp, s.fused ? kPikeFusedPointers : kPikePlainPointers, kPikeUids, " << packPtrs << ", s.workspace))\n"
        "    return (int)cudaErrorUnknown;\n"
        "  const bool ran = cudnnBackendExecute(s.handle, s.plan, vp) == CUDNN_STATUS_SUCCESS;\n"
        "  cudnnBackendDestroyDescriptor(vp);\n"
        "  if (!ran) return (int)cudaErrorLaunchFailure;\n";
  int64_t grid = std::max<int64_t>(1, std::min<int64_t>((total + nt - 1) / nt, 1 << 20));
  // A bare convolution (no bias, its result the slot's only output): the
  // graph writes out0 itself, the epilogue kernel would only copy it in place.
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  const bool identity = !g.bias && yield.getValues().size() == 1 && yield.getValues()[0] == g.op->getResult(0);
  if ((!mode.fused || mode.fallback) && !identity) {
    os << (mode.fused ? "  if (!s.fused)\n  " : "") << "  " << epiName << "<<<" << grid << ", " << nt
       << ", 0, stream>>>(" << pointerArgList(ins.size(), outs.size()) << ");\n";
  }
  os << "  return (int)cudaGetLastError();\n}\n";
  return true;
}

} // namespace pike::codegen::detail
