// Convolution regions through cuDNN (nvcc mode): dense, strided, dilated and
// grouped 2-d convolutions (depthwise too, as an alternative to Conv.cpp's
// kernel) with the region's epilogue.
//
// Why cuDNN's descriptor API and not the graph (backend) API with runtime
// fusion: the descriptor calls reach the same engines for a plain convolution,
// expose heuristics, cudnnFind and per-algorithm workspace sizes in a few calls
// (the knobs the search times), and cudnnConvolutionBiasActivationForward
// fuses the common conv + bias (+ residual) (+ relu) epilogue. Everything else
// after the convolution runs in one generated epilogue kernel, so a region is
// at most one cuDNN call and one kernel.
//
// Variant knob: "cudnn[-fused][/ALGO]". ALGO picks the forward algorithm:
// heuristic (cudnnGetConvolutionForwardAlgorithm_v7's first that fits, the
// default), find (cudnnFindConvolutionForwardAlgorithm: times them at the first
// call), or one by name (implicit-gemm, precomp-gemm, gemm, fft, fft-tiling,
// winograd, winograd-nonfused). "-fused" uses
// cudnnConvolutionBiasActivationForward where the epilogue is bias, an optional
// residual add of a slot input and an optional relu; the identity activation
// is only implemented by IMPLICIT_PRECOMP_GEMM, so that algorithm is forced.
//
// State (as for the cuBLAS variants): the handle, descriptors, algorithm and
// workspace are created once per process at the first call (a function-local
// static, thread-safe initialisation); the workspace is one cudaMalloc of the
// chosen algorithm's size, never freed. The first call must happen outside
// CUDA-graph capture. TF32: CUDNN_TENSOR_OP_MATH only where the reference
// convolution itself allows TF32 (`allow_tf32`, as eager cuDNN does) or the
// precision policy does (allowTF32); otherwise CUDNN_FMA_MATH, as PyTorch sets.
#include "Internal.h"

#include "pike/Dialect/OpRegistry.h"
#include "pike/Dialect/SlotLayout.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>

using namespace mlir;

namespace pike::codegen::detail {

namespace {

const char *kAbiHeader =
    "#if defined(__has_include)\n#if __has_include(\"pike/Runtime/KernelABI.h\")\n"
    "#include \"pike/Runtime/KernelABI.h\"\n#endif\n#endif\n"
    "#ifndef PIKE_RUNTIME_KERNELABI_H\n#define PIKE_RUNTIME_KERNELABI_H\n#define PIKE_MAX_DIMS 8\n"
    "typedef struct PikeTensorRef { void *data; int32_t dtype; int32_t ndim; int64_t sizes[PIKE_MAX_DIMS]; } PikeTensorRef;\n"
    "#endif\n";

struct Algo {
  const char *name;
  const char *cudnn; // empty: chosen at the first call
};
const Algo kAlgos[] = {
    {"heuristic", ""},
    {"find", ""},
    {"implicit-gemm", "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM"},
    {"precomp-gemm", "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM"},
    {"gemm", "CUDNN_CONVOLUTION_FWD_ALGO_GEMM"},
    {"fft", "CUDNN_CONVOLUTION_FWD_ALGO_FFT"},
    {"fft-tiling", "CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING"},
    {"winograd", "CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD"},
    {"winograd-nonfused", "CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED"},
};

struct Variant {
  bool fused = false;
  const Algo *algo = &kAlgos[0];
  /// "cudnn-graph[/bench]": the backend (graph) API, whose engines (those
  /// PyTorch's cuDNN path runs) the legacy calls do not all reach.
  bool graph = false;
  bool bench = false; // time the heuristic's first configurations at the first call
};

bool parseVariant(const std::string &v, Variant &out, std::string &why) {
  std::string base = v, algo;
  if (size_t slash = v.find('/'); slash != std::string::npos) {
    base = v.substr(0, slash);
    algo = v.substr(slash + 1);
  }
  if (base == "cudnn-graph") {
    out.graph = true;
    if (algo.empty() || algo == "heuristic")
      return true;
    if (algo == "bench") {
      out.bench = true;
      return true;
    }
    why = "unknown cuDNN graph mode '" + algo + "' (heuristic or bench)";
    return false;
  }
  if (base == "cudnn-fused")
    out.fused = true;
  else if (base != "cudnn") {
    why = "unknown convolution variant '" + v + "' (expected cudnn[-fused][/ALGO] or cudnn-graph[/bench])";
    return false;
  }
  if (algo.empty())
    return true;
  for (const Algo &a : kAlgos)
    if (algo == a.name) {
      out.algo = &a;
      return true;
    }
  why = "unknown cuDNN algorithm '" + algo +
        "' (heuristic, find, implicit-gemm, precomp-gemm, gemm, fft, fft-tiling, winograd, "
        "winograd-nonfused)";
  return false;
}

/// What cudnnConvolutionBiasActivationForward can take over:
/// y = act(conv(x) + z + bias) with z a slot input (or none) and act relu or identity.
struct FusedEpilogue {
  Value z;           // residual slot input, or null
  bool relu = false;
};

bool matchFused(const ConvPlan &p, pike::KernelOp kernel, FusedEpilogue &f, std::string &why) {
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  if (yield.getNumOperands() != 1) {
    why = "the region has several outputs";
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
        f.z = r;
        cur = add->getResult(0);
      }
    }
  }
  if (cur != yield.getOperand(0)) {
    if (pike::AtenOp act = nextUser(cur); act && act.getName() == "aten::relu") {
      f.relu = true;
      cur = act->getResult(0);
    }
  }
  if (cur != yield.getOperand(0)) {
    why = "the epilogue is more than bias, a residual add and relu";
    return false;
  }
  return true;
}

/// Splat value of a constant operand (bias = 0 spelled as a constant).
std::optional<double> splatValue(Value v) {
  auto c = v.getDefiningOp<pike::ConstantOp>();
  if (!c)
    return std::nullopt;
  auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
  if (!dense || !dense.isSplat() || !dense.getElementType().isF32())
    return std::nullopt;
  return dense.getSplatValue<APFloat>().convertToDouble();
}

/// Picks the first algorithm of cuDNN's list (`found` entries of `perf`) that
/// ran and fits the workspace limit, and without TF32 one that does not use
/// tensor-op math (find reports the math it used), into `field`.
void emitAlgoPick(bool tf32, const std::string &field, std::ostream &os) {
  os << "  int pick = -1;\n";
  os << "  for (int i = 0; i < found && pick < 0; ++i)\n"
        "    if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].memory <= kPikeMaxWorkspace"
     << (tf32 ? "" : " && perf[i].mathType != CUDNN_TENSOR_OP_MATH") << ") pick = i;\n";
  os << "  if (pick < 0) return bad(cudaErrorNotSupported);\n";
  os << "  " << field << " = perf[pick].algo;\n";
}

/// The backend (graph) API: one convolution node X * W -> Y (out0, raw), its
/// execution plan chosen at the first call (the heuristic's first
/// configuration that builds and fits the workspace cap, or with `bench` the
/// fastest of its first eight, timed on this call's buffers), then the epilogue
/// kernel. Without TF32, engines whose numerical notes say tensor cores are
/// skipped (fp32 data on tensor cores is TF32).
void emitGraphConv(const ConvGeom &g, bool nhwc, bool tf32, bool bench, pike::KernelOp kernel,
                   const std::string &X, const std::string &Wt, const std::string &epiName, int64_t total,
                   int nt, std::ostream &os) {
  const int64_t cg = (g.transposed ? g.Co : g.Ci) / g.groups;
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
  os << "namespace {\n";
  os << "// Workspace cap: a configuration asking for more is skipped.\n";
  os << "const int64_t kPikeMaxWorkspace = int64_t(1) << 30;\n";
  os << "struct PikeGraphConv {\n"
        "  cudnnHandle_t handle = nullptr;\n"
        "  cudnnBackendDescriptor_t plan = nullptr;\n"
        "  void* workspace = nullptr;\n"
        "  int status = 0; // a cudaError_t; non-zero: the slot cannot run\n"
        "};\n";
  os << "#define PIKE_OK(call) do { if ((call) != CUDNN_STATUS_SUCCESS) return false; } while (0)\n";
  os << "bool pike_tensor(cudnnBackendDescriptor_t* d, int64_t uid, const int64_t* dims, const int64_t* strides) {\n"
        "  cudnnDataType_t dt = CUDNN_DATA_FLOAT;\n"
        "  int64_t align = 4;\n"
        "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_TENSOR_DESCRIPTOR, d));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &dt));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, dims));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, 4, strides));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*d, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &align));\n"
        "  PIKE_OK(cudnnBackendFinalize(*d));\n"
        "  return true;\n"
        "}\n";
  os << "bool pike_variant_pack(cudnnBackendDescriptor_t* vp, void* x, void* w, void* y, void* ws) {\n"
        "  int64_t uids[3] = {'x', 'w', 'y'};\n"
        "  void* ptrs[3] = {x, w, y};\n"
        "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, vp));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*vp, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, 3, uids));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*vp, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 3, ptrs));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(*vp, CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, &ws));\n"
        "  PIKE_OK(cudnnBackendFinalize(*vp));\n"
        "  return true;\n"
        "}\n";
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
  os << "bool pike_graph_init(PikeGraphConv& s, void* x, void* w, void* y, cudaStream_t stream) {\n";
  os << "  PIKE_OK(cudnnCreate(&s.handle));\n";
  os << "  PIKE_OK(cudnnSetStream(s.handle, stream));\n";
  os << "  const int64_t xd[4] = {" << g.N << ", " << g.Ci << ", " << g.H << ", " << g.W << "}, xs[4] = {"
     << strides(g.Ci, g.H, g.W) << "};\n";
  os << "  const int64_t wd[4] = {" << g.Co << ", " << cg << ", " << g.KH << ", " << g.KW << "}, ws[4] = {"
     << strides(cg, g.KH, g.KW) << "};\n";
  os << "  const int64_t yd[4] = {" << g.N << ", " << g.Co << ", " << g.Ho << ", " << g.Wo << "}, ys[4] = {"
     << strides(g.Co, g.Ho, g.Wo) << "};\n";
  os << "  cudnnBackendDescriptor_t xt, wt, yt, conv, op, graph, heur;\n";
  os << "  if (!pike_tensor(&xt, 'x', xd, xs) || !pike_tensor(&wt, 'w', wd, ws) || !pike_tensor(&yt, 'y', yd, ys)) return false;\n";
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
  os << "  float alpha = 1.0f, beta = 0.0f;\n"
        "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR, &op));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &xt));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &wt));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &yt));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &conv));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, CUDNN_TYPE_FLOAT, 1, &alpha));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA, CUDNN_TYPE_FLOAT, 1, &beta));\n"
        "  PIKE_OK(cudnnBackendFinalize(op));\n";
  os << "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR, &graph));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(graph, CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &s.handle));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(graph, CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &op));\n"
        "  PIKE_OK(cudnnBackendFinalize(graph));\n";
  os << "  cudnnBackendHeurMode_t heurMode = CUDNN_HEUR_MODE_A;\n"
        "  PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR, &heur));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &graph));\n"
        "  PIKE_OK(cudnnBackendSetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &heurMode));\n"
        "  PIKE_OK(cudnnBackendFinalize(heur));\n"
        "  int64_t count = 0;\n"
        "  PIKE_OK(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &count, nullptr));\n"
        "  if (count <= 0) return false;\n"
        "  if (count > 64) count = 64;\n"
        "  cudnnBackendDescriptor_t cfgs[64];\n"
        "  for (int64_t i = 0; i < count; ++i) PIKE_OK(cudnnBackendCreateDescriptor(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, &cfgs[i]));\n"
        "  int64_t got = 0;\n"
        "  PIKE_OK(cudnnBackendGetAttribute(heur, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, count, &got, cfgs));\n";
  // Candidates: plans that build, fit the cap and respect the TF32 rule.
  os << "  const int kMaxTried = " << (bench ? 8 : 1) << ";\n";
  os << "  cudnnBackendDescriptor_t plans[8];\n"
        "  int64_t wsBytes[8];\n"
        "  int nplans = 0;\n"
        "  for (int64_t i = 0; i < got && nplans < kMaxTried; ++i) {\n";
  if (!tf32)
    os << "    if (pike_uses_tensor_cores(cfgs[i])) continue;\n";
  os << "    cudnnBackendDescriptor_t plan;\n"
        "    if (cudnnBackendCreateDescriptor(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR, &plan) != CUDNN_STATUS_SUCCESS) continue;\n"
        "    int64_t ws = 0, n = 0;\n"
        "    if (cudnnBackendSetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &s.handle) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendSetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cfgs[i]) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendFinalize(plan) != CUDNN_STATUS_SUCCESS ||\n"
        "        cudnnBackendGetAttribute(plan, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1, &n, &ws) != CUDNN_STATUS_SUCCESS ||\n"
        "        ws > kPikeMaxWorkspace) {\n"
        "      cudnnBackendDestroyDescriptor(plan);\n"
        "      continue;\n"
        "    }\n"
        "    plans[nplans] = plan;\n"
        "    wsBytes[nplans++] = ws;\n"
        "  }\n"
        "  if (nplans == 0) return false;\n";
  os << "  int64_t maxWs = 0;\n"
        "  for (int i = 0; i < nplans; ++i) maxWs = wsBytes[i] > maxWs ? wsBytes[i] : maxWs;\n"
        "  if (maxWs && cudaMalloc(&s.workspace, (size_t)maxWs) != cudaSuccess) return false;\n"
        "  int best = 0;\n";
  if (bench) {
    // Time each plan on this call's buffers (y is the slot's output, rewritten
    // by the real call afterwards).
    os << "  cudaEvent_t e0, e1;\n"
          "  cudaEventCreate(&e0); cudaEventCreate(&e1);\n"
          "  float bestMs = 1e30f;\n"
          "  for (int i = 0; i < nplans; ++i) {\n"
          "    cudnnBackendDescriptor_t vp;\n"
          "    if (!pike_variant_pack(&vp, x, w, y, s.workspace)) continue;\n"
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
          "  if (bestMs >= 1e30f) return false;\n";
  }
  os << "  s.plan = plans[best];\n"
        "  return true;\n"
        "}\n";
  os << "PikeGraphConv pike_graph_make(void* x, void* w, void* y, cudaStream_t stream) {\n"
        "  PikeGraphConv s;\n"
        "  if (!pike_graph_init(s, x, w, y, stream)) s.status = (int)cudaErrorNotSupported;\n"
        "  return s;\n"
        "}\n";
  os << "} // namespace\n";

  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  os << "extern \"C\" int pike_conv_entry(const PikeTensorRef* inputs, int32_t num_inputs, "
        "PikeTensorRef* outputs, int32_t num_outputs, cudaStream_t stream) {\n";
  emitEntryTensorPointers(os, ins, outs);
  std::string Xp = entryDevicePointer(g.x, X, os), Wp = entryDevicePointer(g.w, Wt, os);
  os << "  // Made at the first call (thread-safe static initialisation), on its buffers.\n"
        "  static const PikeGraphConv s = pike_graph_make((void*)" << Xp << ", (void*)" << Wp << ", (void*)out0, stream);\n"
        "  if (s.status) return s.status;\n"
        "  if (cudnnSetStream(s.handle, stream) != CUDNN_STATUS_SUCCESS) return (int)cudaErrorUnknown;\n"
        "  cudnnBackendDescriptor_t vp;\n"
        "  if (!pike_variant_pack(&vp, (void*)" << Xp << ", (void*)" << Wp << ", (void*)out0, s.workspace)) return (int)cudaErrorUnknown;\n"
        "  const bool ran = cudnnBackendExecute(s.handle, s.plan, vp) == CUDNN_STATUS_SUCCESS;\n"
        "  cudnnBackendDestroyDescriptor(vp);\n"
        "  if (!ran) return (int)cudaErrorLaunchFailure;\n";
  int64_t grid = std::max<int64_t>(1, std::min<int64_t>((total + nt - 1) / nt, 1 << 20));
  os << "  " << epiName << "<<<" << grid << ", " << nt << ", 0, stream>>>("
     << pointerArgList(ins.size(), outs.size()) << ");\n";
  os << "  return (int)cudaGetLastError();\n}\n";
}

} // namespace

bool isCudnnVariant(const Knobs &knobs) { return knobs.variant.rfind("cudnn", 0) == 0; }

std::vector<std::string> cudnnCandidateVariants(pike::KernelOp kernel) {
  ConvPlan p;
  Unsupported err;
  if (!planConvRegion(kernel, p, err))
    return {};
  if (p.g.transposed)
    return {"cudnn/find", "cudnn"}; // backward-data: no fused call, own algorithm list
  FusedEpilogue f;
  std::string why;
  bool fusable = matchFused(p, kernel, f, why);
  std::vector<std::string> v;
  // Channels-last slots: the graph API early. On the H100 the legacy calls
  // reached slower NHWC engines than PyTorch's own cuDNN path for 3x3
  // convolutions (63 vs 41 us at ResNet's 64-channel 56x56,
  // docs/results/h100-20261207d-nhwc-run; the graph API: 42 us, run e).
  // NCHW slots keep the order their H200 timings gave, the graph API last.
  const bool nhwc = isChannelsLastSlot(kernel);
  if (nhwc) {
    // Where the epilogue is bias (+ residual) (+ relu), the fused legacy call
    // first: it beat PyTorch's channels-last reference on ResNet-18's slots
    // (run h100-nhwc-20261207d: 6 of its 7 kernels), while the graph API's
    // convolution plus an epilogue kernel lost to it on every slot
    // (h100-nhwc-20261207e); with about one evaluation per slot in a whole
    // network, the first candidate decides.
    if (fusable)
      v.push_back(f.relu ? "cudnn-fused/find" : "cudnn-fused");
    v.push_back("cudnn-graph");
    v.push_back("cudnn-graph/bench");
  }
  // Find times every algorithm on the real shape once; the heuristic is the
  // cheap first-call fallback; the fused call saves the epilogue kernel's pass.
  v.push_back("cudnn/find");
  if (fusable && !nhwc)
    v.push_back(f.relu ? "cudnn-fused/find" : "cudnn-fused");
  v.push_back("cudnn");
  v.push_back("cudnn/precomp-gemm");
  if (p.g.KH == 3 && p.g.KW == 3 && p.g.SH == 1 && p.g.SW == 1 && p.g.groups == 1)
    v.push_back("cudnn/winograd-nonfused");
  v.push_back("cudnn/implicit-gemm");
  if (!nhwc) {
    v.push_back("cudnn-graph");
    v.push_back("cudnn-graph/bench");
  }
  return v;
}

bool emitCudnnConv(pike::KernelOp kernel, const Knobs &knobs, GeneratedKernel &out,
                   Unsupported &err) {
  ConvPlan p;
  if (!planConvRegion(kernel, p, err))
    return false;
  const ConvGeom &g = p.g;
  Variant var;
  std::string why;
  if (!parseVariant(knobs.variant.empty() ? "cudnn" : knobs.variant, var, why))
    return err.fail(g.op, why);
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  if (!elementTypeOf(outs[0]).isF32())
    return err.fail(g.op, "the first output of a cuDNN convolution region must be f32 (cuDNN writes "
                          "the convolution into it)");
  // Channels-last slot: cuDNN reads and writes NHWC (and KRSC weights, which
  // the package's channels-last weights and the worker's buffers are).
  const bool nhwc = isChannelsLastSlot(kernel);
  if (nhwc && g.transposed)
    return err.fail(g.op, "a transposed convolution in a channels-last slot");
  if (var.graph && g.transposed)
    return err.fail(g.op, "cudnn-graph covers forward convolutions only");
  if (g.transposed && (var.fused || var.algo->cudnn[0]))
    return err.fail(g.op, "a transposed convolution (cuDNN backward-data) takes only the "
                          "heuristic or find algorithm and no fused call");
  FusedEpilogue fe;
  if (var.fused && !matchFused(p, kernel, fe, why))
    return err.fail(g.op, "cudnn-fused cannot cover this region: " + why);
  if (var.fused && !fe.relu && var.algo->cudnn[0] &&
      std::string(var.algo->cudnn) != "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM")
    return err.fail(g.op, "cudnn-fused with the identity activation needs the precomp-gemm "
                          "algorithm (cuDNN implements no other)");
  std::optional<double> biasSplat = g.bias ? splatValue(g.bias) : std::optional<double>(0.0);
  if (var.fused && g.bias && biasSplat && *biasSplat != 0.0)
    return err.fail(g.op, "cudnn-fused needs the bias as a tensor (a non-zero splat bias is not one)");

  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, /*host=*/false, defs, tensors, err))
    return false;
  // __device__ (not __constant__) arrays: cuDNN reads them through global pointers.
  for (size_t pos; (pos = defs.find("__constant__ ")) != std::string::npos;)
    defs.replace(pos, 13, "__device__ ");
  std::string X, Wt;
  if (!operandPtr(g.x, tensors, X, err, g.op, "convolution input") ||
      !operandPtr(g.w, tensors, Wt, err, g.op, "convolution weight"))
    return false;

  const std::string slot = sanitize(kernel.getSymName());
  const std::string epiName = "pike_" + slot + "_epilogue";
  const int64_t total = numel(shapeOf(p.G));
  const bool needEpi = !var.fused;
  const bool tf32 = g.tf32 || knobs.allowTF32;
  // Identity activation: only IMPLICIT_PRECOMP_GEMM implements it in the fused call.
  std::string fixedAlgo = var.algo->cudnn;
  if (var.fused && !fe.relu)
    fixedAlgo = "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM";
  const std::string algoMode = !fixedAlgo.empty() ? "fixed" : var.algo->name;

  std::ostringstream os;
  os << "// pike: convolution slot via cuDNN (nvcc mode), "
     << (var.fused ? "cudnnConvolutionBiasActivationForward" : "cudnnConvolutionForward + epilogue kernel")
     << ".\n";
  os << "// Handle, descriptors, algorithm and workspace are made once per process at the first\n"
        "// call (function-local static); warm the slot up before CUDA-graph capture.\n";
  os << "#include <cuda_runtime.h>\n#include <stdint.h>\n#include <cudnn.h>\n";
  os << kAbiHeader << prelude(false) << defs;
  std::string idx = indexType(total);
  int nt = knobs.blockSize;
  if (needEpi) {
    // out0 holds the convolution without bias; the kernel adds the bias and runs the
    // epilogue (each thread reads out0[o] before any output store at o).
    os << "__global__ void __launch_bounds__(" << nt << ") " << epiName << "(" << paramList(kernel)
       << ") {\n";
    os << "  typedef " << idx << " pike_idx;\n";
    os << "  for (pike_idx o = (pike_idx)blockIdx.x * blockDim.x + threadIdx.x; o < (pike_idx)"
       << total << "; o += (pike_idx)gridDim.x * blockDim.x) {\n";
    if (nhwc)
      os << "    const pike_idx pike_ch = o % " << g.Co << ";\n";
    else
      os << "    const pike_idx pike_ch = (o / " << g.Ho * g.Wo << ") % " << g.Co << ";\n";
    os << "    const float acc = out0[o];\n";
    if (!emitConvEpilogue(p, kernel, tensors, "    ", os, err, nhwc))
      return false;
    os << "  }\n}\n";
  }

  if (var.graph) {
    emitGraphConv(g, nhwc, tf32, var.bench, kernel, X, Wt, epiName, total, nt, os);
    out.source = os.str();
    out.mode = "nvcc";
    out.entry = "pike_conv_entry";
    out.launches = nlohmann::json::array();
    out.linkFlags = {"-lcudnn"};
    out.summary = std::string(nhwc ? "channels-last " : "") +
                  (g.depthwise() ? "depthwise" : g.groups > 1 ? "grouped" : "dense") + " conv " +
                  std::to_string(g.KH) + "x" + std::to_string(g.KW) + " s" + std::to_string(g.SH) +
                  " cudnn graph API, " + (var.bench ? "fastest of the heuristic's first configurations" : "heuristic's first configuration") +
                  ", + generated epilogue kernel" + (tf32 ? ", TF32" : "");
    return true;
  }
  os << "namespace {\n";
  os << "struct PikeConvState {\n"
        "  cudnnHandle_t handle = nullptr;\n"
        "  cudnnTensorDescriptor_t x = nullptr, y = nullptr, bias = nullptr;\n"
        "  cudnnFilterDescriptor_t w = nullptr;\n"
        "  cudnnConvolutionDescriptor_t conv = nullptr;\n"
        "  cudnnActivationDescriptor_t act = nullptr;\n"
        "  cudnnConvolutionFwdAlgo_t algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;\n"
        "  cudnnConvolutionBwdDataAlgo_t bwdAlgo = CUDNN_CONVOLUTION_BWD_DATA_ALGO_0; // transposed\n"
        "  void* workspace = nullptr;\n"
        "  size_t workspaceBytes = 0;\n"
        "  float* zeros = nullptr; // bias of a convolution without one (fused call)\n"
        "  int status = 0;         // a cudaError_t; non-zero: the slot cannot run\n"
        "};\n";
  os << "// Workspace cap: an algorithm asking for more is skipped (heuristic, find).\n";
  os << "const size_t kPikeMaxWorkspace = size_t(1) << 30;\n";
  os << "PikeConvState pike_conv_init() {\n";
  os << "  PikeConvState s;\n";
  os << "  auto bad = [&](cudaError_t e) { s.status = (int)e; return s; };\n";
  os << "  if (cudnnCreate(&s.handle) != CUDNN_STATUS_SUCCESS) return bad(cudaErrorInitializationError);\n";
  os << "  if (cudnnCreateTensorDescriptor(&s.x) || cudnnCreateTensorDescriptor(&s.y) ||\n"
        "      cudnnCreateTensorDescriptor(&s.bias) || cudnnCreateFilterDescriptor(&s.w) ||\n"
        "      cudnnCreateConvolutionDescriptor(&s.conv) || cudnnCreateActivationDescriptor(&s.act))\n"
        "    return bad(cudaErrorInitializationError);\n";
  const char *fmt = nhwc ? "CUDNN_TENSOR_NHWC" : "CUDNN_TENSOR_NCHW";
  os << "  if (cudnnSetTensor4dDescriptor(s.x, " << fmt << ", CUDNN_DATA_FLOAT, " << g.N << ", "
     << g.Ci << ", " << g.H << ", " << g.W << ") ||\n"
     << "      cudnnSetTensor4dDescriptor(s.y, " << fmt << ", CUDNN_DATA_FLOAT, " << g.N << ", "
     << g.Co << ", " << g.Ho << ", " << g.Wo << ") ||\n"
     << "      cudnnSetTensor4dDescriptor(s.bias, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1, " << g.Co
     << ", 1, 1) ||\n"
     << "      cudnnSetFilter4dDescriptor(s.w, CUDNN_DATA_FLOAT, " << fmt << ", "
     << (g.transposed ? g.Ci : g.Co) << ", " << (g.transposed ? g.Co : g.Ci) / g.groups << ", "
     << g.KH << ", " << g.KW << ") ||\n"
     << "      cudnnSetConvolution2dDescriptor(s.conv, " << g.PH << ", " << g.PW << ", " << g.SH
     << ", " << g.SW << ", " << g.DH << ", " << g.DW
     << ", CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT) ||\n"
     << "      cudnnSetConvolutionGroupCount(s.conv, " << g.groups << ") ||\n"
     << "      cudnnSetConvolutionMathType(s.conv, "
     << (tf32 ? "CUDNN_TENSOR_OP_MATH" : "CUDNN_FMA_MATH") << ") ||\n"
     << "      cudnnSetActivationDescriptor(s.act, "
     << (fe.relu ? "CUDNN_ACTIVATION_RELU" : "CUDNN_ACTIVATION_IDENTITY")
     << ", CUDNN_NOT_PROPAGATE_NAN, 0.0))\n"
     << "    return bad(cudaErrorInvalidValue);\n";
  if (g.transposed) {
    // The transposed convolution is the data gradient of the forward one whose input
    // is our output (dx = y) and whose output is our input (dy = x).
    os << "  cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];\n";
    os << "  int found = 0;\n";
    if (algoMode == "find")
      os << "  if (cudnnFindConvolutionBackwardDataAlgorithm(s.handle, s.w, s.x, s.conv, s.y, "
            "CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &found, perf) != CUDNN_STATUS_SUCCESS)\n"
            "    return bad(cudaErrorNotSupported);\n";
    else
      os << "  if (cudnnGetConvolutionBackwardDataAlgorithm_v7(s.handle, s.w, s.x, s.conv, s.y, "
            "CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &found, perf) != CUDNN_STATUS_SUCCESS)\n"
            "    return bad(cudaErrorNotSupported);\n";
    emitAlgoPick(tf32, "s.bwdAlgo", os);
    os << "  if (cudnnGetConvolutionBackwardDataWorkspaceSize(s.handle, s.w, s.x, s.conv, s.y, "
          "s.bwdAlgo, &s.workspaceBytes) != CUDNN_STATUS_SUCCESS)\n"
          "    return bad(cudaErrorNotSupported);\n";
  } else if (algoMode == "fixed") {
    os << "  s.algo = " << fixedAlgo << ";\n";
    os << "  if (cudnnGetConvolutionForwardWorkspaceSize(s.handle, s.x, s.w, s.conv, s.y, s.algo, "
          "&s.workspaceBytes) != CUDNN_STATUS_SUCCESS || s.workspaceBytes > kPikeMaxWorkspace)\n"
          "    return bad(cudaErrorNotSupported);\n";
  } else {
    os << "  cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];\n";
    os << "  int found = 0;\n";
    if (algoMode == "find")
      os << "  // Times every algorithm on this shape (cuDNN allocates its own buffers).\n"
            "  if (cudnnFindConvolutionForwardAlgorithm(s.handle, s.x, s.w, s.conv, s.y, "
            "CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &found, perf) != CUDNN_STATUS_SUCCESS)\n"
            "    return bad(cudaErrorNotSupported);\n";
    else
      os << "  if (cudnnGetConvolutionForwardAlgorithm_v7(s.handle, s.x, s.w, s.conv, s.y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &found, perf) != CUDNN_STATUS_SUCCESS)\n"
            "    return bad(cudaErrorNotSupported);\n";
    emitAlgoPick(tf32, "s.algo", os);
    os << "  if (cudnnGetConvolutionForwardWorkspaceSize(s.handle, s.x, s.w, s.conv, s.y, s.algo, "
          "&s.workspaceBytes) != CUDNN_STATUS_SUCCESS)\n"
          "    return bad(cudaErrorNotSupported);\n";
  }
  os << "  if (s.workspaceBytes && cudaMalloc(&s.workspace, s.workspaceBytes) != cudaSuccess)\n"
        "    return bad(cudaErrorMemoryAllocation);\n";
  if (var.fused && (!g.bias || biasSplat)) {
    os << "  if (cudaMalloc((void**)&s.zeros, " << g.Co << " * sizeof(float)) != cudaSuccess ||\n"
       << "      cudaMemset(s.zeros, 0, " << g.Co << " * sizeof(float)) != cudaSuccess)\n"
       << "    return bad(cudaErrorMemoryAllocation);\n"
       << "  if (cudaDeviceSynchronize() != cudaSuccess) return bad(cudaErrorUnknown);\n";
  }
  os << "  return s;\n}\n} // namespace\n";

  os << "extern \"C\" int pike_conv_entry(const PikeTensorRef* inputs, int32_t num_inputs, "
        "PikeTensorRef* outputs, int32_t num_outputs, cudaStream_t stream) {\n";
  emitEntryTensorPointers(os, ins, outs);
  std::string Xp = entryDevicePointer(g.x, X, os), Wp = entryDevicePointer(g.w, Wt, os);
  os << "  static const PikeConvState s = pike_conv_init();\n";
  os << "  if (s.status) return s.status;\n";
  os << "  if (cudnnSetStream(s.handle, stream) != CUDNN_STATUS_SUCCESS) return (int)cudaErrorUnknown;\n";
  if (var.fused) {
    std::string biasP = "s.zeros";
    if (g.bias && !biasSplat) {
      std::string bn;
      if (!operandPtr(g.bias, tensors, bn, err, g.op, "convolution bias"))
        return false;
      biasP = entryDevicePointer(g.bias, bn, os);
    }
    std::string zP = "out0", alpha2 = "0.0f";
    if (fe.z) {
      if (!operandPtr(fe.z, tensors, zP, err, g.op, "residual"))
        return false;
      alpha2 = "1.0f";
    }
    os << "  const float alpha1 = 1.0f, alpha2 = " << alpha2 << ";\n";
    os << "  if (cudnnConvolutionBiasActivationForward(s.handle, &alpha1, s.x, " << Xp << ", s.w, "
       << Wp << ", s.conv, s.algo, s.workspace, s.workspaceBytes, &alpha2, s.y, " << zP
       << ", s.bias, " << biasP << ", s.act, s.y, out0) != CUDNN_STATUS_SUCCESS)\n"
       << "    return (int)cudaErrorLaunchFailure;\n";
  } else {
    os << "  const float one = 1.0f, zero = 0.0f;\n";
    if (g.transposed)
      os << "  if (cudnnConvolutionBackwardData(s.handle, &one, s.w, " << Wp << ", s.x, " << Xp
         << ", s.conv, s.bwdAlgo, s.workspace, s.workspaceBytes, &zero, s.y, out0) != "
            "CUDNN_STATUS_SUCCESS)\n"
         << "    return (int)cudaErrorLaunchFailure;\n";
    else
      os << "  if (cudnnConvolutionForward(s.handle, &one, s.x, " << Xp << ", s.w, " << Wp
         << ", s.conv, s.algo, s.workspace, s.workspaceBytes, &zero, s.y, out0) != CUDNN_STATUS_SUCCESS)\n"
         << "    return (int)cudaErrorLaunchFailure;\n";
    int64_t grid = std::max<int64_t>(1, std::min<int64_t>((total + nt - 1) / nt, 1 << 20));
    os << "  " << epiName << "<<<" << grid << ", " << nt << ", 0, stream>>>("
       << pointerArgList(ins.size(), outs.size()) << ");\n";
  }
  os << "  return (int)cudaGetLastError();\n}\n";

  out.source = os.str();
  out.mode = "nvcc";
  out.entry = "pike_conv_entry";
  out.launches = nlohmann::json::array();
  out.linkFlags = {"-lcudnn"};
  std::string kind = std::string(nhwc ? "channels-last " : "") +
                     (g.transposed ? "transposed" : g.depthwise() ? "depthwise" : g.groups > 1 ? "grouped" : "dense");
  out.summary = kind + " conv " + std::to_string(g.KH) + "x" + std::to_string(g.KW) + " s" +
                std::to_string(g.SH) + " cudnn" + (var.fused ? " fused bias" : "") +
                (fe.z ? "+residual" : "") + (fe.relu ? "+relu" : "") + ", algo " +
                (algoMode == "fixed" ? std::string(var.fused && !fe.relu ? "precomp-gemm" : var.algo->name)
                                     : algoMode) +
                (needEpi ? ", + generated epilogue kernel" : "") + (tf32 ? ", TF32" : "");
  return true;
}

} // namespace pike::codegen::detail
