// Convolution regions through cuDNN (nvcc mode): dense, strided, dilated and
// grouped 2-d convolutions (depthwise too, as an alternative to Conv.cpp's
// kernel) with the region's epilogue.
//
// Two APIs: the descriptor (legacy) calls here, and the backend (graph) API
// in ConvCudnnGraph.cpp. The descriptor calls expose heuristics, cudnnFind and
// per-algorithm workspace sizes in a few calls (the knobs the search times),
// and cudnnConvolutionBiasActivationForward fuses the common conv + bias
// (+ residual) (+ relu) epilogue; everything else after the convolution runs
// in one generated epilogue kernel, so a region is at most one cuDNN call and
// one kernel. The graph API reaches the engines PyTorch's cuDNN path runs and
// can carry the epilogue as pointwise nodes of the convolution's graph
// ("cudnn-graph-fused"); channels-last slots start with it (see
// cudnnCandidateVariants).
//
// Variant knob: "cudnn[-fused][/ALGO]". ALGO picks the forward algorithm:
// heuristic (cudnnGetConvolutionForwardAlgorithm_v7's first that fits, the
// default), find (cudnnFindConvolutionForwardAlgorithm: times them at the first
// call), or one by name (implicit-gemm, precomp-gemm, gemm, fft, fft-tiling,
// winograd, winograd-nonfused). "-fused" uses
// cudnnConvolutionBiasActivationForward where the epilogue is bias, an optional
// residual add of a slot input and an optional relu; the identity activation
// is only implemented by IMPLICIT_PRECOMP_GEMM, so that algorithm is forced.
// "cudnn-graph[/bench]" and "cudnn-graph-fused[/bench|/only|/half]": the graph
// API (ConvCudnnGraph.cpp; "/half": 16-bit operands under the bf16/fp16 policies).
//
// State (as for the cuBLAS variants): the handle, descriptors, algorithm and
// workspace are created once per process at the first call (a function-local
// static, thread-safe initialisation); the workspace is one cudaMalloc of the
// chosen algorithm's size, never freed. The first call must happen outside
// CUDA-graph capture. TF32: CUDNN_TENSOR_OP_MATH only where the reference
// convolution itself allows TF32 (`allow_tf32`, as eager cuDNN does) or the
// precision policy does (allowTF32); otherwise CUDNN_FMA_MATH, as PyTorch sets.
#include "ConvCudnn.h"

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
  /// How the graph API runs ("cudnn-graph-fused...": fused, "/bench", "/only").
  GraphConvMode graphMode;
  /// "cudnn-graph/fma": no tensor-core engine even where the reference allows
  /// TF32 (a shape whose reference runs exact fp32 refuses TF32 candidates under
  /// the strict policy's tf32_bound).
  bool fma = false;
};

/// `halfOperands`: the policy's 16-bit type, which "/half" takes.
bool parseVariant(const std::string &v, const std::string &halfOperands, Variant &out, std::string &why) {
  std::string base = v, algo;
  if (size_t slash = v.find('/'); slash != std::string::npos) {
    base = v.substr(0, slash);
    algo = v.substr(slash + 1);
  }
  if (base == "cudnn-graph" || base == "cudnn-graph-fused") {
    out.graph = true;
    out.graphMode.fused = base == "cudnn-graph-fused";
    if (algo.empty() || algo == "heuristic")
      return true;
    if (algo == "bench") {
      out.graphMode.bench = true;
      return true;
    }
    if (algo == "only" && out.graphMode.fused) {
      out.graphMode.fallback = false;
      return true;
    }
    if (algo == "half" && out.graphMode.fused) {
      if (halfOperands.empty()) {
        why = "cudnn-graph-fused/half needs 16-bit operands (the bf16 or fp16 precision policy)";
        return false;
      }
      out.graphMode.fallback = false;
      out.graphMode.half = halfOperands;
      return true;
    }
    if (algo == "fma" && !out.graphMode.fused) {
      out.fma = true;
      return true;
    }
    why = "unknown cuDNN graph mode '" + algo + "' (heuristic or bench" +
          (out.graphMode.fused ? ", only or half" : ", or fma") + ")";
    return false;
  }
  if (base == "cudnn-fused")
    out.fused = true;
  else if (base != "cudnn") {
    why = "unknown convolution variant '" + v + "' (expected cudnn[-fused][/ALGO], cudnn-graph[/bench|/fma] or cudnn-graph-fused[/bench|/only|/half])";
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
  ConvTail t;
  if (!matchConvTail(p, kernel, t, why) ||
      (t.act != ConvActivation::None && t.act != ConvActivation::Relu)) {
    if (why != kSeveralOutputs)
      why = "the epilogue is more than bias, a residual add and relu";
    return false;
  }
  f.z = t.z;
  f.relu = t.act == ConvActivation::Relu;
  return true;
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

/// What the descriptor API's state is made for.
struct DescriptorPlan {
  const ConvGeom &g;
  bool nhwc, tf32;
  bool relu;  // the fused call's activation: relu (else identity)
  bool zeros; // the fused call without a bias tensor: a zeroed bias buffer
  std::string algoMode, fixedAlgo; // "fixed" (fixedAlgo), "find" or "heuristic"
};

/// The descriptor API's state and its first-call set-up (namespace-scope
/// code): PikeConvState, kPikeMaxWorkspace, pike_conv_init().
void emitDescriptorState(const DescriptorPlan &d, std::ostream &os) {
  const ConvGeom &g = d.g;
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
  const char *fmt = d.nhwc ? "CUDNN_TENSOR_NHWC" : "CUDNN_TENSOR_NCHW";
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
     << (d.tf32 ? "CUDNN_TENSOR_OP_MATH" : "CUDNN_FMA_MATH") << ") ||\n"
     << "      cudnnSetActivationDescriptor(s.act, "
     << (d.relu ? "CUDNN_ACTIVATION_RELU" : "CUDNN_ACTIVATION_IDENTITY")
     << ", CUDNN_NOT_PROPAGATE_NAN, 0.0))\n"
     << "    return bad(cudaErrorInvalidValue);\n";
  if (g.transposed) {
    // The transposed convolution is the data gradient of the forward one whose input
    // is our output (dx = y) and whose output is our input (dy = x).
    os << "  cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];\n";
    os << "  int found = 0;\n";
    if (d.algoMode == "find")
      os << "  if (cudnnFindConvolutionBackwardDataAlgorithm(s.handle, s.w, s.x, s.conv, s.y, "
            "CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &found, perf) != CUDNN_STATUS_SUCCESS)\n"
            "    return bad(cudaErrorNotSupported);\n";
    else
      os << "  if (cudnnGetConvolutionBackwardDataAlgorithm_v7(s.handle, s.w, s.x, s.conv, s.y, "
            "CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &found, perf) != CUDNN_STATUS_SUCCESS)\n"
            "    return bad(cudaErrorNotSupported);\n";
    emitAlgoPick(d.tf32, "s.bwdAlgo", os);
    os << "  if (cudnnGetConvolutionBackwardDataWorkspaceSize(s.handle, s.w, s.x, s.conv, s.y, "
          "s.bwdAlgo, &s.workspaceBytes) != CUDNN_STATUS_SUCCESS)\n"
          "    return bad(cudaErrorNotSupported);\n";
  } else if (d.algoMode == "fixed") {
    os << "  s.algo = " << d.fixedAlgo << ";\n";
    os << "  if (cudnnGetConvolutionForwardWorkspaceSize(s.handle, s.x, s.w, s.conv, s.y, s.algo, "
          "&s.workspaceBytes) != CUDNN_STATUS_SUCCESS || s.workspaceBytes > kPikeMaxWorkspace)\n"
          "    return bad(cudaErrorNotSupported);\n";
  } else {
    os << "  cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];\n";
    os << "  int found = 0;\n";
    if (d.algoMode == "find")
      os << "  // Times every algorithm on this shape (cuDNN allocates its own buffers).\n"
            "  if (cudnnFindConvolutionForwardAlgorithm(s.handle, s.x, s.w, s.conv, s.y, "
            "CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &found, perf) != CUDNN_STATUS_SUCCESS)\n"
            "    return bad(cudaErrorNotSupported);\n";
    else
      os << "  if (cudnnGetConvolutionForwardAlgorithm_v7(s.handle, s.x, s.w, s.conv, s.y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &found, perf) != CUDNN_STATUS_SUCCESS)\n"
            "    return bad(cudaErrorNotSupported);\n";
    emitAlgoPick(d.tf32, "s.algo", os);
    os << "  if (cudnnGetConvolutionForwardWorkspaceSize(s.handle, s.x, s.w, s.conv, s.y, s.algo, "
          "&s.workspaceBytes) != CUDNN_STATUS_SUCCESS)\n"
          "    return bad(cudaErrorNotSupported);\n";
  }
  os << "  if (s.workspaceBytes && cudaMalloc(&s.workspace, s.workspaceBytes) != cudaSuccess)\n"
        "    return bad(cudaErrorMemoryAllocation);\n";
  if (d.zeros) {
    os << "  if (cudaMalloc((void**)&s.zeros, " << g.Co << " * sizeof(float)) != cudaSuccess ||\n"
       << "      cudaMemset(s.zeros, 0, " << g.Co << " * sizeof(float)) != cudaSuccess)\n"
       << "    return bad(cudaErrorMemoryAllocation);\n"
       << "  if (cudaDeviceSynchronize() != cudaSuccess) return bad(cudaErrorUnknown);\n";
  }
  os << "  return s;\n}\n";
}

/// The fused call on the state `s` of emitDescriptorState, writing `yP`.
void emitFusedCall(const std::string &Xp, const std::string &Wp, const std::string &zP,
                   const std::string &alpha2, const std::string &biasP, const std::string &yP,
                   std::ostream &os) {
  os << "  const float alpha1 = 1.0f, alpha2 = " << alpha2 << ";\n";
  os << "  if (cudnnConvolutionBiasActivationForward(s.handle, &alpha1, s.x, " << Xp << ", s.w, "
     << Wp << ", s.conv, s.algo, s.workspace, s.workspaceBytes, &alpha2, s.y, " << zP
     << ", s.bias, " << biasP << ", s.act, s.y, " << yP << ") != CUDNN_STATUS_SUCCESS)\n"
     << "    return (int)cudaErrorLaunchFailure;\n";
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
  ConvTail tail;
  GraphEpilogue epi;
  const bool graphFused = nhwc && matchGraphEpilogue(p, kernel, tail, epi, why);
  // The plain graph: its first plan, its bench mode, and where the reference
  // allows TF32 but runs exact fp32 on this shape (its cuDNN picked no
  // tensor-core engine: measured TF32 noise 0), the strict policy's tf32_bound
  // refuses every TF32 candidate (EfficientNet-B0's stem, run
  // full-20261207j): "/fma", on engines without tensor cores, can pass there.
  auto plainGraph = [&] {
    v.push_back("cudnn-graph");
    v.push_back("cudnn-graph/bench");
    if (p.g.tf32)
      v.push_back("cudnn-graph/fma");
  };
  if (nhwc) {
    // With about one evaluation per slot in a whole network, the first
    // candidate decides. First the fused graph (conv + bias, residual and
    // activation as pointwise nodes of one cuDNN plan, no epilogue kernel; a
    // bare convolution gets one identity node), which cuDNN's runtime-fusion
    // engines run: on the H100 12-25 us where PyTorch's engines took 35-56 us
    // on ResNet's 3x3 slots (run h100-20261207g). Its first plan leads, its
    // bench mode second: bench beat the first plan on 9 of 12 network shapes
    // (MobileNetV2's relu6 stem: 33 vs 148 us; ResNet's 512-channel 3x3: 26
    // vs 47 us) but builds eight runtime-fusion plans at the first call, which
    // took ~5 s of the machine-wide GPU phase per evaluation and starved whole
    // networks' searches (ResNet-18: 8 evaluations in 90 s, run
    // h200-nhwc-20261207h, which ran on an H100). Where no
    // engine runs the fused graph (as can happen without TF32) it falls back to
    // the convolution graph + epilogue kernel. The legacy fused call next
    // (0.53x on ResNet's 3x3, 1.07-1.10x on the 7x7 stem and GoogLeNet's
    // 5x5, run h100-20261207f; 0.52x on DenseNet's bare 3x3 growth
    // convolutions, run h100-nhwc-20261207e), then the plain graph.
    if (graphFused) {
      v.push_back("cudnn-graph-fused");
      v.push_back("cudnn-graph-fused/bench");
    }
    if (fusable)
      v.push_back(f.relu ? "cudnn-fused/find" : "cudnn-fused");
    plainGraph();
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
  if (!nhwc)
    plainGraph();
  // Last in the list, first under the bf16/fp16 policies (candidateKnobs gives
  // it halfOperands: the builtin proposer puts the policy's candidates first,
  // and filters them out under fp32): the fused graph on 16-bit x and w, which
  // the slot converts at each call.
  if (graphFused && !p.g.depthwise())
    v.push_back("cudnn-graph-fused/half");
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
  if (!parseVariant(knobs.variant.empty() ? "cudnn" : knobs.variant, knobs.halfOperands, var, why))
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
  ConvTail tail;
  GraphEpilogue graphEpi;
  if (var.graphMode.fused && !matchGraphEpilogue(p, kernel, tail, graphEpi, why))
    return err.fail(g.op, "cudnn-graph-fused cannot cover this region: " + why);
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
  // The epilogue kernel: every variant but the legacy fused call and the
  // fused graph without fallback ("/only").
  const bool needEpi = !var.fused && !(var.graphMode.fused && !var.graphMode.fallback);
  const bool tf32 = (g.tf32 || knobs.allowTF32) && !var.fma;
  // Identity activation: only IMPLICIT_PRECOMP_GEMM implements it in the fused call.
  std::string fixedAlgo = var.algo->cudnn;
  if (var.fused && !fe.relu)
    fixedAlgo = "CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM";
  const std::string algoMode = !fixedAlgo.empty() ? "fixed" : var.algo->name;

  std::ostringstream os;
  os << "// pike: convolution slot via cuDNN (nvcc mode), "
     << (var.fused                ? "cudnnConvolutionBiasActivationForward"
         : var.graphMode.fused    ? "the graph API, the epilogue fused into the convolution's graph"
         : var.graph              ? "the graph API + epilogue kernel"
                                  : "cudnnConvolutionForward + epilogue kernel")
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
    if (!emitGraphConv(g, nhwc, tf32, var.graphMode, tail, graphEpi, kernel, tensors, X, Wt, epiName,
                       total, nt, os, err))
      return false;
    out.source = os.str();
    out.mode = "nvcc";
    out.entry = "pike_conv_entry";
    out.launches = nlohmann::json::array();
    out.linkFlags = {"-lcudnn"};
    const char *plans = var.graphMode.bench ? "fastest of the heuristic's first configurations"
                                            : "heuristic's first configuration";
    out.summary = std::string(nhwc ? "channels-last " : "") +
                  (g.depthwise() ? "depthwise" : g.groups > 1 ? "grouped" : "dense") + " conv " +
                  std::to_string(g.KH) + "x" + std::to_string(g.KW) + " s" + std::to_string(g.SH) +
                  " cudnn graph API, ";
    if (var.graphMode.fused) {
      std::string nodes = std::string(graphEpi.bias ? " + bias" : "") + (graphEpi.z ? " + residual" : "");
      if (graphEpi.act)
        nodes += std::string(" + ") + convActivationName(tail.act);
      out.summary += "fused conv" + nodes + " in one plan (" + plans + ")" +
                     (!var.graphMode.fallback                 ? ", no fallback"
                      : tail.act == ConvActivation::Identity ? ", else the conv graph alone"
                                                             : ", else the conv graph + generated epilogue kernel");
    } else {
      out.summary += std::string(plans) + ", + generated epilogue kernel";
    }
    if (!var.graphMode.half.empty())
      out.summary += ", " + var.graphMode.half + " x and w (converted each call), fp32 accumulation";
    else
      out.summary += tf32 ? ", TF32" : var.fma ? ", no tensor cores" : "";
    return true;
  }
  os << "namespace {\n";
  emitDescriptorState(DescriptorPlan{g, nhwc, tf32, fe.relu,
                                     var.fused && (!g.bias || biasSplat), algoMode, fixedAlgo},
                      os);
  os << "} // namespace\n";

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
    emitFusedCall(Xp, Wp, zP, alpha2, biasP, "out0", os);
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
