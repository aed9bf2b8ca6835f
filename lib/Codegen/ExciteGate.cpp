// Channels-last squeeze-excite gates (pike.layout = "nhwc"): a pointwise
// convolution of a squeezed [N, Ci, 1, 1] tensor whose epilogue broadcasts the
// [N, Co, 1, 1] result over a [N, Co, H, W] feature map (EfficientNet's excite:
// conv -> sigmoid -> times the features). The GEMM is tiny (K = Ci, 4 to 48 in
// EfficientNet-B0) and the epilogue is a full pass over the feature map, so one
// kernel does both: a thread owns channel c of image n over a run of spatial
// positions, computes its gate once (Ci FMAs, the bias) and applies the epilogue
// along the run; consecutive threads take consecutive channels, so every load
// and store of the feature map is coalesced in N, H, W, C order. The NCHW twin
// is the SIMT GEMM's expanding epilogue (Gemm.cpp); a channels-last slot could
// not use it, since NHWC puts the broadcast dims between N and C.
#include "Internal.h"

#include "pike/Dialect/SlotLayout.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>

using namespace mlir;

namespace pike::codegen::detail {

namespace {

struct GatePlan {
  ConvGeom g;
  Value G;                    // the convolution's result [N, Co, 1, 1]
  std::vector<int64_t> out;   // the outputs' logical shape [N, Co, H, W]
  int64_t HW = 0;
};

bool planGate(pike::KernelOp kernel, GatePlan &p, Unsupported &err) {
  if (!isChannelsLastSlot(kernel))
    return err.fail(kernel, "an excite gate is generated for channels-last slots only");
  pike::AtenOp conv = singleAnchor(kernel, isConvolution, "convolution", err);
  if (!conv || !convGeometry(conv, p.g, err))
    return false;
  if (!p.g.pointwise() || p.g.H != 1 || p.g.W != 1)
    return err.fail(conv, "not a pointwise convolution of a [N, C, 1, 1] tensor");
  p.G = conv->getResult(0);
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  if (yield.getValues().empty())
    return err.fail(kernel, "a slot without outputs");
  p.out = shapeOf(yield.getValues()[0]);
  if (p.out.size() != 4 || p.out[0] != p.g.N || p.out[1] != p.g.Co || p.out[2] * p.out[3] < 2)
    return err.fail(kernel, "the outputs do not broadcast the gate over a [N, C, H, W] feature map");
  for (Value v : yield.getValues())
    if (shapeOf(v) != p.out)
      return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                      "the outputs of an excite gate differ in shape");
  p.HW = p.out[2] * p.out[3];
  return true;
}

} // namespace

bool isChannelsLastExcite(pike::KernelOp kernel) {
  GatePlan p;
  Unsupported err;
  return planGate(kernel, p, err);
}

bool emitExciteGate(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                    Unsupported &err) {
  GatePlan p;
  if (!planGate(kernel, p, err))
    return false;
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, host, defs, tensors, err))
    return false;
  std::vector<int64_t> iter = p.out, logical;
  if (!toChannelsLastSpace(kernel, iter, logical, tensors, err))
    return false;
  auto argName = [&](Value v) -> std::optional<std::string> {
    auto it = tensors.find(v);
    if (it == tensors.end() || !llvm::StringRef(it->second.name).starts_with("in"))
      return std::nullopt;
    return it->second.name;
  };
  auto X = argName(p.g.x), Wt = argName(p.g.w);
  if (!X || !Wt)
    return err.fail(p.g.op, "the convolution's input and weight must be slot arguments");

  const int64_t N = p.g.N, C = p.g.Co, K = p.g.Ci;
  // Runs of spatial positions per (n, c): enough threads to fill the GPU
  // (~256K), at least 8 positions per run so the gate is amortised.
  int64_t S = host ? 1 : std::clamp<int64_t>((262144 + N * C - 1) / (N * C), 1, std::max<int64_t>(1, p.HW / 8));
  const int64_t chunk = (p.HW + S - 1) / S;
  S = (p.HW + chunk - 1) / chunk;
  const int64_t threads = N * S * C;
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_excite";
  std::string idx = indexType(std::max(threads, numel(p.out)));
  std::ostringstream os;
  os << prelude(host) << defs;
  emitKernelHead(kernel, host, name, knobs.blockSize, idx, os);
  if (host)
    os << "  for (pike_idx t = 0; t < " << threads << "; ++t) {\n";
  else
    os << "  for (pike_idx t = (pike_idx)blockIdx.x * blockDim.x + threadIdx.x; t < (pike_idx)" << threads
       << "; t += (pike_idx)gridDim.x * blockDim.x) {\n";
  os << "    const pike_idx pike_ch = t % " << C << ", pike_run = (t / " << C << ") % " << S << ", n = t / "
     << C * S << ";\n";
  os << "    float acc = 0.0f;\n";
  os << "    for (int k = 0; k < " << K << "; ++k)\n";
  os << "      acc += " << *X << "[n * " << K << " + k] * " << *Wt << "[pike_ch * " << K << " + k];\n";
  std::ostringstream b;
  std::string gv = "acc";
  const std::string ind = "      ";
  if (p.g.bias) {
    if (!emitChannelValue(p.g.bias, C, "pike_ch", tensors, "    ", "pike_bias", os, err))
      return false;
    gv = "acc + pike_bias";
  }
  os << "    const float pike_g = " << gv << ";\n";
  os << "    const pike_idx pike_hw1 = (pike_run + 1) * " << chunk << " < " << p.HW << " ? (pike_run + 1) * "
     << chunk << " : " << p.HW << ";\n";
  os << "    for (pike_idx pike_hw = pike_run * " << chunk << "; pike_hw < pike_hw1; ++pike_hw) {\n";
  os << ind << "const pike_idx o = (n * " << p.HW << " + pike_hw) * " << C << " + pike_ch;\n";
  ElemEmitter e(iter, "o", "c", ind);
  e.logical = logical;
  e.host = host;
  e.tensors = tensors;
  e.scalars[p.G] = {"pike_g", "float"};
  if (!emitStores(e, kernel, "o", b, os, err))
    return false;
  os << "    }\n  }\n}\n";
  out.source = os.str();
  out.entry = name;
  out.summary = "channels-last excite gate: 1x1 conv " + std::to_string(K) + " -> " + std::to_string(C) +
                " channels broadcast over " + std::to_string(p.out[2]) + "x" + std::to_string(p.out[3]) +
                ", " + std::to_string(S) + " runs of " + std::to_string(chunk) + " positions";
  if (host) {
    out.mode = "host";
    return true;
  }
  int64_t grid = std::max<int64_t>(1, std::min<int64_t>((threads + knobs.blockSize - 1) / knobs.blockSize, 1 << 20));
  out.mode = "nvrtc";
  out.launches = singleLaunch(name, {grid, 1, 1}, knobs.blockSize, 0,
                              pointerArgs(kernel.getFunctionType().getInputs().size(),
                                          kernel.getFunctionType().getResults().size()));
  out.summary += ", " + std::to_string(knobs.blockSize) + " threads";
  return true;
}

} // namespace pike::codegen::detail
