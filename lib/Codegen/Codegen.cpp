// Entry points of the kernel generator: dispatch by region kind, knob spaces,
// host launchers and host references.
#include "Internal.h"

#include "pike/Dialect/SlotLayout.h"

#include "pike/Dialect/DType.h"
#include "pike/Dialect/OpRegistry.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

#include <regex>

using namespace mlir;

namespace pike::codegen {

nlohmann::json Knobs::toJson() const {
  nlohmann::json j = {{"blockSize", blockSize},
                      {"vectorWidth", vectorWidth},
                      {"itemsPerThread", itemsPerThread},
                      {"allowTF32", allowTF32}};
  if (!variant.empty())
    j["variant"] = variant;
  if (!halfOperands.empty())
    j["halfOperands"] = halfOperands;
  return j;
}

Knobs Knobs::fromJson(const nlohmann::json &j) {
  Knobs k;
  if (!j.is_object())
    return k;
  auto geti = [&](const char *n, int &dst) {
    if (j.contains(n) && j[n].is_number_integer())
      dst = j[n].get<int>();
  };
  geti("blockSize", k.blockSize);
  geti("vectorWidth", k.vectorWidth);
  geti("itemsPerThread", k.itemsPerThread);
  if (j.contains("allowTF32") && j["allowTF32"].is_boolean())
    k.allowTF32 = j["allowTF32"].get<bool>();
  if (j.contains("variant") && j["variant"].is_string())
    k.variant = j["variant"].get<std::string>();
  // Only the two 16-bit operand types; anything else means fp32 operands.
  if (j.contains("halfOperands") && j["halfOperands"].is_string() &&
      (j["halfOperands"] == "bf16" || j["halfOperands"] == "fp16"))
    k.halfOperands = j["halfOperands"].get<std::string>();
  // Sanitise: the generators rely on these ranges.
  if (k.blockSize < 32 || k.blockSize > 1024 || k.blockSize % 32)
    k.blockSize = 256;
  if (k.vectorWidth != 1 && k.vectorWidth != 2 && k.vectorWidth != 4)
    k.vectorWidth = 4;
  if (k.itemsPerThread < 1 || k.itemsPerThread > 64)
    k.itemsPerThread = 1;
  return k;
}

bool Knobs::operator==(const Knobs &o) const {
  return blockSize == o.blockSize && vectorWidth == o.vectorWidth &&
         itemsPerThread == o.itemsPerThread && allowTF32 == o.allowTF32 && variant == o.variant &&
         halfOperands == o.halfOperands;
}

namespace detail {

static Kind classifyOps(pike::KernelOp kernel, std::string *why);

Kind classify(pike::KernelOp kernel, std::string *why) {
  // aten::cat is read in place by the elementwise DAG only (ElementwiseCat.cpp);
  // the other generators index their inputs directly.
  Kind kind = classifyOps(kernel, why);
  if (kind == Kind::Unknown || kind == Kind::Elementwise)
    return kind;
  for (Operation &op : kernel.getBody().front())
    if (isCatOp(&op)) {
      if (why)
        *why = "'aten::cat' is read in place only by elementwise regions, not in a region with "
               "a contraction, reduction, normalization other than inference batch_norm, "
               "pooling or scan";
      return Kind::Unknown;
    }
  return kind;
}

static Kind classifyOps(pike::KernelOp kernel, std::string *why) {
  bool contraction = false, conv = false;
  int row = 0, softmaxes = 0, pools = 0;
  int matmuls = 0, sdpa = 0, einsum = 0, scans = 0, views = 0;
  const bool channelsLast = isChannelsLastSlot(kernel);
  for (Operation &op : kernel.getBody().front()) {
    if (isa<pike::YieldOp, pike::ConstantOp>(op))
      continue;
    auto a = dyn_cast<pike::AtenOp>(op);
    if (!a) {
      if (why) *why = "'" + op.getName().getStringRef().str() + "' is not an ATen op";
      return Kind::Unknown;
    }
    auto info = lookupAtenOp(a.getName());
    if (!info) {
      if (why) *why = "'" + a.getName().str() + "' is unknown";
      return Kind::Unknown;
    }
    // Channels-last slots pool global averages in N, H, W, C order (Pool.cpp);
    // the row kernel reads NCHW rows.
    if (channelsLast && isChannelsLastPooling(a)) {
      ++pools;
      continue;
    }
    if (isGlobalAvgPool(a)) {
      ++row;
      continue;
    }
    if (a.getName() == "aten::cumsum") {
      ++scans;
      continue;
    }
    if (isCatOp(a))
      continue; // data movement the elementwise DAG reads in place (checked in classify)
    if (isPooling(a)) {
      ++pools;
      continue;
    }
    if (isViewRead(a)) {
      ++views;
      continue;
    }
    switch (info->category) {
    case OpCategory::Elementwise:
      break;
    case OpCategory::Contraction:
      contraction = true;
      ++matmuls;
      if (a.getName() == "aten::scaled_dot_product_attention")
        ++sdpa;
      if (a.getName() == "aten::einsum")
        ++einsum;
      if (isConvolution(a)) {
        // Pointwise convolutions are GEMMs; depthwise ones have their own
        // generator; the rest stay on cuDNN.
        ConvGeom g;
        Unsupported cerr;
        if (!convGeometry(a, g, cerr)) {
          if (why) *why = cerr.reason;
          return Kind::Unknown;
        }
        // Pointwise: a GEMM; depthwise: Conv.cpp's kernel (or cuDNN); any
        // other: cuDNN with the epilogue fused (ConvCudnn.cpp).
        // Channels-last slots run every convolution through cuDNN (NHWC),
        // pointwise ones included.
        if (!g.pointwise() || channelsLast)
          conv = true;
      }
      break;
    case OpCategory::Normalization:
      if (a.getName() == "aten::batch_norm")
        break; // inference batch norm is elementwise
      ++row;
      break;
    case OpCategory::Softmax:
      ++softmaxes;
      ++row;
      break;
    case OpCategory::Reduction:
      ++row;
      break;
    default:
      if (why) *why = "'" + a.getName().str() + "' (" + toString(info->category).str() + ") has no code generator";
      return Kind::Unknown;
    }
  }
  // Only the elementwise generator reads through views (ViewRead.cpp).
  if (views && (pools || conv || scans || einsum || sdpa || contraction || row)) {
    if (why) *why = "views are read through in elementwise regions only";
    return Kind::Unknown;
  }
  if (pools) {
    if (pools > 1 || contraction || row || scans) {
      if (why) *why = "a pooling region with other pooling, contractions or reductions";
      return Kind::Unknown;
    }
    return Kind::Pool;
  }
  if (conv) {
    if (matmuls > 1 || row) {
      if (why) *why = "a convolution region with other contractions or reductions";
      return Kind::Unknown;
    }
    return Kind::Conv;
  }
  if (scans) {
    if (scans > 1 || row || contraction) {
      if (why)
        *why = "a cumsum region with other scans, reductions or contractions";
      return Kind::Unknown;
    }
    return Kind::Scan;
  }
  if (einsum) {
    if (matmuls > 1 || row || conv) {
      if (why)
        *why = "einsum with other contractions or reductions in one region";
      return Kind::Unknown;
    }
    // Plain (batched) GEMM layouts go to the GEMM planner; the rest are strided.
    return isEinsumGemm(kernel) ? Kind::Gemm : Kind::Einsum;
  }
  if (sdpa) {
    if (matmuls > 1 || row || conv) {
      if (why)
        *why = "scaled_dot_product_attention with other contractions or reductions in one region";
      return Kind::Unknown;
    }
    return Kind::Attention;
  }
  if (contraction) {
    if (matmuls == 2 && softmaxes == 1 && row == 1)
      return Kind::Attention;
    if (matmuls > 1 || row) {
      if (why) *why = "multi-contraction regions other than attention have no code generator";
      return Kind::Unknown;
    }
    return Kind::Gemm;
  }
  if (row)
    return row == 1 && isAxisReduction(kernel) ? Kind::Reduce : Kind::RowOp;
  return Kind::Elementwise;
}

int pikeDType(Type et) {
  const DTypeInfo *d = dtypeOf(et);
  return d ? d->abiCode : -1;
}

void emitSignatureChecks(std::ostream &os, ArrayRef<Type> inputs, ArrayRef<Type> outputs) {
  os << "  if (num_inputs != " << inputs.size() << " || num_outputs != " << outputs.size()
     << ") return -1;\n";
  auto check = [&](const char *arr, size_t i, Type t) {
    auto shape = shapeOf(t);
    os << "  if (" << arr << "[" << i << "].ndim != " << shape.size() << " || " << arr << "[" << i
       << "].dtype != " << pikeDType(elementTypeOf(t));
    for (size_t d = 0; d < shape.size(); ++d)
      os << " || " << arr << "[" << i << "].sizes[" << d << "] != " << shape[d];
    os << ") return -1;\n";
  };
  for (auto [i, t] : llvm::enumerate(inputs))
    check("inputs", i, t);
  for (auto [i, t] : llvm::enumerate(outputs))
    check("outputs", i, t);
}

std::string indexType(int64_t extent) {
  return extent >= (int64_t(1) << 31) - 1 ? "long long" : "int";
}

void emitEntryTensorPointers(std::ostream &os, ArrayRef<Type> inputs, ArrayRef<Type> outputs) {
  emitSignatureChecks(os, inputs, outputs);
  for (auto [i, t] : llvm::enumerate(inputs))
    os << "  const " << cType(elementTypeOf(t)) << "* in" << i << " = (const "
       << cType(elementTypeOf(t)) << "*)inputs[" << i << "].data;\n";
  for (auto [i, t] : llvm::enumerate(outputs))
    os << "  " << cType(elementTypeOf(t)) << "* out" << i << " = (" << cType(elementTypeOf(t))
       << "*)outputs[" << i << "].data;\n";
}

std::string entryDevicePointer(Value v, const std::string &name, std::ostream &os) {
  if (!v.getDefiningOp<pike::ConstantOp>())
    return name;
  os << "  const float* " << name << "_p = nullptr;\n"
     << "  { void* q = nullptr; cudaError_t e = cudaGetSymbolAddress(&q, " << name
     << "); if (e != cudaSuccess) return (int)e; " << name << "_p = (const float*)q; }\n";
  return name + "_p";
}

nlohmann::json pointerArgs(size_t numInputs, size_t numOutputs) {
  nlohmann::json args = nlohmann::json::array();
  for (size_t i = 0; i < numInputs; ++i)
    args.push_back("in" + std::to_string(i));
  for (size_t i = 0; i < numOutputs; ++i)
    args.push_back("out" + std::to_string(i));
  return args;
}

const HalfCudaType &halfCudaType(const std::string &halfOperands) {
  static const HalfCudaType bf16 = {"#include <cuda_bf16.h>\n", "__nv_bfloat16", "__nv_bfloat162",
                                    "__float2bfloat16_rn", "__floats2bfloat162_rn"};
  static const HalfCudaType fp16 = {"#include <cuda_fp16.h>\n", "__half", "__half2", "__float2half_rn",
                                    "__floats2half2_rn"};
  return halfOperands == "fp16" ? fp16 : bf16;
}

std::string pointerArgList(size_t numInputs, size_t numOutputs) {
  std::string list;
  for (const auto &arg : pointerArgs(numInputs, numOutputs))
    list += (list.empty() ? "" : ", ") + arg.get<std::string>();
  return list;
}

nlohmann::json singleLaunch(const std::string &kernel, std::array<int64_t, 3> grid, int64_t block,
                            int64_t smem, nlohmann::json args) {
  return nlohmann::json::array({{{"kernel", kernel},
                                 {"grid", {grid[0], grid[1], grid[2]}},
                                 {"block", {block, 1, 1}},
                                 {"smem", smem},
                                 {"args", std::move(args)}}});
}

} // namespace detail

using namespace detail;

static FailureOr<GeneratedKernel> generateImpl(pike::KernelOp kernel, const Knobs &knobs,
                                               bool host, bool remarkOnly) {
  GeneratedKernel out;
  out.knobs = knobs;
  Unsupported err;
  std::string why;
  bool ok = false;
  Kind kind = classify(kernel, &why);
  // Channels-last slots (pike.layout = "nhwc"): only the generators that know
  // the layout may run; any other would read NCHW indices from NHWC memory.
  if (isChannelsLastSlot(kernel) && kind != Kind::Unknown && kind != Kind::Elementwise &&
      kind != Kind::Pool && (kind != Kind::Conv || (host && !isChannelsLastExcite(kernel)))) {
    why = std::string(host ? "no host reference" : "no generated code") + " for this pattern in a channels-last slot";
    kind = Kind::Unknown;
  }
  switch (kind) {
  case Kind::Elementwise:
    ok = emitElementwise(kernel, knobs, host, out, err);
    break;
  case Kind::RowOp:
    ok = emitRowOp(kernel, knobs, host, out, err);
    break;
  case Kind::Reduce:
    ok = emitReduce(kernel, knobs, host, out, err);
    break;
  case Kind::Gemm:
    ok = host ? emitGemmHost(kernel, out, err) : emitGemm(kernel, knobs, out, err);
    break;
  case Kind::Attention:
    ok = emitAttention(kernel, knobs, host, out, err);
    break;
  case Kind::Conv: {
    if (isChannelsLastSlot(kernel) && isChannelsLastExcite(kernel)) {
      ok = emitExciteGate(kernel, knobs, host, out, err);
      break;
    }
    ConvPlan p;
    ok = planConvRegion(kernel, p, err);
    if (!ok)
      break;
    if (host)
      ok = p.g.depthwise() ? emitDepthwiseConv(kernel, knobs, true, out, err)
                           : emitConvHost(kernel, out, err);
    else if (p.g.pointwise() && isChannelsLastSlot(kernel) && !isCudnnVariant(knobs))
      ok = emitGemm(kernel, knobs, out, err); // one GEMM over [N*H*W, C]
    else if (p.g.depthwise() && !isCudnnVariant(knobs))
      ok = emitDepthwiseConv(kernel, knobs, false, out, err); // NCHW or NHWC kernel
    else
      ok = emitCudnnConv(kernel, knobs, out, err);
    break;
  }
  case Kind::Pool:
    ok = emitPool(kernel, knobs, host, out, err);
    break;
  case Kind::Einsum:
    ok = emitEinsum(kernel, knobs, host, out, err);
    break;
  case Kind::Scan:
    ok = emitScan(kernel, knobs, host, out, err);
    break;
  case Kind::Unknown:
    err.op = kernel;
    err.reason = why;
    break;
  }
  if (ok) {
    out.knobs = knobs;
    return out;
  }
  Operation *at = err.op ? err.op : kernel.getOperation();
  std::string msg = "cannot generate a kernel for slot '" + kernel.getSymName().str() + "': " +
                    (err.reason.empty() ? "unsupported region" : err.reason);
  if (remarkOnly)
    at->emitRemark() << msg;
  else
    at->emitError() << msg;
  return failure();
}

FailureOr<GeneratedKernel> generate(pike::KernelOp kernel, const Knobs &knobs) {
  return generateImpl(kernel, knobs, /*host=*/false, /*remarkOnly=*/false);
}

FailureOr<GeneratedKernel> tryGenerate(pike::KernelOp kernel, const Knobs &knobs) {
  return generateImpl(kernel, knobs, /*host=*/false, /*remarkOnly=*/true);
}

Knobs mergeKnobs(const Knobs &base, const nlohmann::json &overrides) {
  nlohmann::json j = base.toJson();
  if (overrides.is_object())
    for (auto it = overrides.begin(); it != overrides.end(); ++it)
      j[it.key()] = it.value();
  return Knobs::fromJson(j);
}

FailureOr<std::string> generateHostReference(pike::KernelOp kernel,
                                             const std::string &entrySymbol,
                                             bool errorsAsRemarks) {
  auto g = generateImpl(kernel, Knobs(), /*host=*/true, /*remarkOnly=*/errorsAsRemarks);
  if (failed(g))
    return failure();
  std::string src = g->source;
  std::regex re("\\b" + g->entry + "\\b");
  return std::regex_replace(src, re, entrySymbol);
}

std::vector<Knobs> candidateKnobs(pike::KernelOp kernel) {
  std::vector<Knobs> out;
  auto add = [&](Knobs k) {
    for (const Knobs &o : out)
      if (o == k)
        return;
    out.push_back(k);
  };
  auto mk = [](int b, int v, int ipt, const std::string &var = "") {
    Knobs k;
    k.blockSize = b;
    k.vectorWidth = v;
    k.itemsPerThread = ipt;
    k.variant = var;
    return k;
  };
  switch (classify(kernel)) {
  case Kind::Elementwise: {
    add(mk(256, 4, 1));
    add(mk(128, 4, 1));
    add(mk(256, 4, 4));
    add(mk(512, 4, 1));
    add(mk(256, 2, 1));
    add(mk(256, 1, 1));
    add(mk(1024, 4, 2));
    break;
  }
  case Kind::RowOp: {
    int64_t L = rowLength(kernel);
    bool small = L > 0 && L <= 1024;
    std::string first = small ? "warp-per-row" : "block-per-row";
    std::string second = small ? "block-per-row" : "warp-per-row";
    add(mk(small ? 128 : (L >= 4096 ? 512 : 256), 4, 1, first));
    // The scalar-load twin of the first guess (vector path off).
    add(mk(small ? 128 : (L >= 4096 ? 512 : 256), 1, 1, first));
    add(mk(256, 4, 1, first));
    add(mk(small ? 256 : 1024, 4, 1, first));
    add(mk(128, 4, 1, second));
    add(mk(512, 4, 1, second));
    break;
  }
  case Kind::Reduce: {
    // The rule's layout first (Reduce.cpp), then the others at two block sizes.
    const std::string first = axisReductionVariant(kernel);
    add(mk(256, 4, 1, first));
    add(mk(128, 4, 1, first));
    for (const char *v : {"thread-per-output", "split-reduce", "block-per-output"}) {
      add(mk(256, 4, 1, v));
      add(mk(512, 4, 1, v));
    }
    break;
  }
  case Kind::Attention: {
    // Tensor-core flash kernel (mma): blockSize / 32 warps of 16 query rows,
    // itemsPerThread 2 = 64-key tiles (1: 32). mma-tf32 carries allowTF32 and
    // mma-half halfOperands: what they need from the precision policy (the
    // proposer drops them where the policy does not allow it, and moves the
    // policy's own variant first; without it the generator refuses them).
    // With fewer than 64 keys (window attention) the measured warp-per-row
    // kernel goes first.
    const bool mma = attentionMmaFits(kernel);
    const bool mmaEarly = mma && attentionKeyLength(kernel) >= 64;
    Knobs tf32 = mk(128, 4, 2, "mma-tf32");
    tf32.allowTF32 = true;
    const bool mmaHalf = mma && attentionMmaHalfFits(kernel);
    Knobs half = mk(128, 4, 2, "mma-half");
    half.allowTF32 = true;
    half.halfOperands = "bf16";
    if (attentionTiledFirst(kernel))
      add(mk(256, 4, 1, "tiled"));
    if (mmaEarly) {
      add(mk(128, 4, 2, "mma-3xtf32"));
      add(tf32);
      if (mmaHalf)
        add(half);
    }
    add(mk(128, 4, 1));
    add(mk(256, 4, 1));
    add(mk(64, 4, 1));
    if (attentionTiledFits(kernel))
      add(mk(256, 4, 1, "tiled"));
    if (mma) {
      add(mk(128, 4, 2, "mma-3xtf32"));
      add(tf32);
      add(mk(256, 4, 2, "mma-3xtf32")); // 128 query rows per block
      if (mmaHalf) {
        add(half);
        Knobs wide = half;
        wide.blockSize = 256;
        add(wide);
      }
    }
    break;
  }
  case Kind::Scan: {
    // Scans of the last dim: a warp per line; strided scans: a thread per line
    // (coalesced across adjacent lines).
    bool lastDim = scanInner(kernel) == 1;
    std::string first = lastDim ? "warp-scan" : "thread-scan";
    std::string second = lastDim ? "thread-scan" : "warp-scan";
    add(mk(128, 4, 1, first));
    add(mk(256, 4, 1, first));
    add(mk(128, 4, 1, second));
    add(mk(512, 4, 1, first));
    break;
  }
  case Kind::Einsum:
    // Strided SIMT: 64x64 tiles (256 threads), 32x32 (64 threads).
    add(mk(256, 4, 1));
    add(mk(64, 4, 1));
    break;
  case Kind::Conv: {
    if (isChannelsLastSlot(kernel) && isChannelsLastExcite(kernel)) {
      // Squeeze-excite gate: one kernel, a thread per channel and run of positions.
      add(mk(256, 4, 1));
      add(mk(128, 4, 1));
      break;
    }
    ConvPlan p;
    Unsupported perr;
    bool depthwise = planConvRegion(kernel, p, perr) && p.g.depthwise();
    if (depthwise && isChannelsLastSlot(kernel)) {
      // Channels-last depthwise: the register-blocked strip kernel (Conv.cpp)
      // first where it applies (one output channel per input channel). H100, level-3 shapes
      // (docs/results/h100-20261207l-networks-run/depthwise-check): 5x5 windows
      // liked strips of 8 (EfficientNet's 256 x 56 x 56: 200 us, strips of 4 225,
      // the thread-per-output kernel 600, PyTorch 331), 3x3 ones strips of 2
      // (MobileNetV2's 192 x 56 x 56: 84 us, strips of 4 98, PyTorch 184).
      const bool strip = p.g.Co == p.g.Ci;
      const bool wide = p.g.KW >= 5;
      if (strip) {
        add(mk(256, 4, wide ? 8 : 2, "strip"));
        add(mk(256, 4, 4, "strip"));
      }
      // Then the thread-per-output kernel; four channels per thread (vector
      // width 4) was slower on the H100 at MobileNetV2's 144 x 56 x 56 (43 vs
      // 32 us, docs/results/h100-20261207e-nhwc-run).
      add(mk(256, 1, 1));
      add(mk(128, 1, 1));
      add(mk(256, 4, 1));
      add(mk(512, 1, 1));
    } else if (depthwise) {
      // Depthwise: threads per block x rows per block (1: the whole plane if it fits).
      add(mk(256, 4, 1));
      add(mk(128, 4, 1));
      add(mk(512, 4, 1));
      add(mk(256, 4, 8));
      add(mk(128, 4, 4));
    }
    if (isChannelsLastSlot(kernel) && planConvRegion(kernel, p, perr) && p.g.pointwise()) {
      // Channels-last pointwise: a plain GEMM (x [N*H*W, C] times W^T, the bias
      // per column), cuBLASLt with its bias/relu epilogue first. H100 timings of
      // ResNet-50's 1x1 shapes: cuDNN's NHWC call plus epilogue was 4x slower
      // than the NCHW GEMM (docs/results/h100-20261207c-nhwc).
      add(mk(256, 4, 1, "cublaslt"));
      add(mk(256, 4, 1, "cublas+epilogue"));
      if (gemmWork(kernel) <= (int64_t(1) << 21))
        add(mk(256, 4, 1, "simt"));
      add(mk(128, 4, 2, "wmma"));
    }
    // cuDNN: algorithm choice and fused call; blockSize = the epilogue kernel's.
    for (const std::string &v : cudnnCandidateVariants(kernel))
      if (!depthwise || v == "cudnn/find") {
        Knobs k = mk(256, 4, 1, v);
        if (llvm::StringRef(v).ends_with("/half"))
          k.halfOperands = "bf16"; // a relaxed policy's: the policy sets the type
        add(k);
      }
    break;
  }
  case Kind::Pool:
    // One thread per output element: threads per block, outputs per thread.
    add(mk(256, 4, 1));
    add(mk(128, 4, 1));
    add(mk(512, 4, 1));
    add(mk(256, 4, 4));
    break;
  case Kind::Gemm: {
    if (gemmExpands(kernel)) {
      add(mk(256, 4, 1, "simt"));
      add(mk(64, 4, 1, "simt"));
      break;
    }
    if (int64_t K = tf32ConvInputChannels(kernel)) {
      // A pointwise convolution whose reference runs on TF32 tensor cores. Order
      // from H200 timings of level-3 shapes (docs/results/pike-h200.md, run 7):
      // with 32 input channels the fused wmma kernel (64x64, k-step 32) wins;
      // with more, cuBLAS + one epilogue kernel does.
      if (K <= 32) {
        add(mk(128, 4, 2, "wmma"));
        add(mk(128, 4, 1, "wmma"));
        add(mk(256, 4, 1, "cublas+epilogue"));
        add(mk(64, 4, 1, "wmma"));
      } else {
        add(mk(256, 4, 1, "cublas+epilogue"));
        add(mk(128, 4, 2, "wmma"));
        add(mk(128, 4, 1, "wmma"));
        add(mk(256, 4, 1, "simt"));
      }
      add(mk(256, 4, 1, "wmma"));
      break;
    }
    // Small problems: the SIMT kernel (one launch, epilogue fused) first.
    if (gemmWork(kernel) <= (int64_t(1) << 21)) {
      add(mk(256, 4, 1, "simt"));
      add(mk(64, 4, 1, "simt"));
    }
    add(mk(256, 4, 1, "cublaslt"));
    add(mk(256, 4, 1, "cublas+epilogue"));
    add(mk(256, 4, 1, "simt"));
    add(mk(64, 4, 1, "simt"));
    break;
  }
  default:
    add(Knobs());
    break;
  }
  return out;
}

bool policyAllows(Precision p, const Knobs &k) {
  if (!k.halfOperands.empty())
    return *halfOperandType(p) != '\0';
  return !k.allowTF32 || allowsTF32(p);
}

bool usesPolicy(Precision p, const Knobs &k) {
  if (*halfOperandType(p))
    return !k.halfOperands.empty();
  return p == Precision::TF32 && k.allowTF32;
}

Knobs withPolicy(Knobs k, Precision p) {
  k.allowTF32 = allowsTF32(p);
  k.halfOperands = halfOperandType(p);
  return k;
}

Knobs mutate(pike::KernelOp kernel, const Knobs &k, uint64_t seed) {
  // SplitMix64: a deterministic stream from the seed.
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
  auto next = [&]() {
    z += 0x9e3779b97f4a7c15ULL;
    uint64_t x = z;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  static const int blocks[] = {64, 128, 256, 512, 1024};
  auto stepBlock = [&](int b, bool up) {
    int i = 0;
    while (i < 4 && blocks[i] < b)
      ++i;
    i = up ? std::min(i + 1, 4) : std::max(i - 1, 0);
    return blocks[i];
  };
  Kind kind = classify(kernel);
  // wmma is a neighbour only where TF32 is allowed (policy or the reference conv).
  const bool tensorCores = kind == Kind::Gemm && (k.allowTF32 || tf32ConvInputChannels(kernel) > 0);
  for (int attempt = 0; attempt < 8; ++attempt) {
    Knobs m = k;
    uint64_t r = next();
    bool up = (r >> 8) & 1;
    switch (kind) {
    case Kind::Elementwise:
      switch (r % 3) {
      case 0: m.blockSize = stepBlock(m.blockSize, up); break;
      case 1: m.vectorWidth = m.vectorWidth == 4 ? (up ? 2 : 1) : (m.vectorWidth == 2 ? (up ? 4 : 1) : (up ? 2 : 4)); break;
      default: m.itemsPerThread = up ? std::min(m.itemsPerThread * 2, 16) : std::max(m.itemsPerThread / 2, 1); break;
      }
      break;
    case Kind::RowOp:
      switch (r % 3) {
      case 0: m.blockSize = stepBlock(m.blockSize, up); break;
      case 1: m.variant = m.variant == "warp-per-row" ? "block-per-row" : "warp-per-row"; break;
      default: m.vectorWidth = m.vectorWidth == 1 ? 4 : 1; break;
      }
      break;
    case Kind::Reduce: {
      static const char *vars[] = {"thread-per-output", "split-reduce", "block-per-output"};
      if (r % 2 == 0)
        m.variant = vars[(r >> 4) % 3];
      else
        m.blockSize = stepBlock(m.blockSize, up);
      break;
    }
    case Kind::Gemm: {
      static const char *vars[] = {"cublaslt", "cublas+epilogue", "simt", "wmma"};
      if (r % 2 == 0)
        m.variant = vars[(r >> 4) % (tensorCores ? 4 : 3)];
      else if (m.variant == "wmma" && (r >> 4) % 2)
        m.itemsPerThread = m.itemsPerThread >= 2 ? 1 : 2; // BK 16 <-> 32
      else
        m.blockSize = m.variant == "wmma" ? (m.blockSize >= 256 ? 64 : m.blockSize * 2)
                                          : (m.blockSize == 256) ? 64 : 256;
      break;
    }
    case Kind::Attention: {
      // mma-tf32 is a neighbour only where the parent already had TF32, mma-half
      // only where it had 16-bit operands.
      static const char *vars[] = {"", "tiled", "mma-3xtf32", "mma-tf32", "mma-half"};
      const bool mma = llvm::StringRef(m.variant).starts_with("mma");
      if (r % 3 == 0)
        m.variant = vars[(r >> 4) % (!k.halfOperands.empty() ? 5 : k.allowTF32 ? 4 : 3)];
      else if (r % 3 == 1 && mma)
        m.itemsPerThread = m.itemsPerThread >= 2 ? 1 : 2; // 64 <-> 32-key tiles
      else
        m.blockSize = mma ? (m.blockSize >= 256 ? 64 : m.blockSize * 2) : stepBlock(m.blockSize, up);
      break;
    }
    case Kind::Scan:
      if (r % 2 == 0)
        m.variant = m.variant == "warp-scan" ? "thread-scan" : "warp-scan";
      else
        m.blockSize = stepBlock(m.blockSize, up);
      break;
    case Kind::Conv:
      if (isCudnnVariant(m)) {
        // Another cuDNN variant of this slot, or the epilogue kernel's block size.
        auto vars = cudnnCandidateVariants(kernel);
        if (r % 2 == 0 && !vars.empty())
          m.variant = vars[(r >> 4) % vars.size()];
        else
          m.blockSize = stepBlock(m.blockSize, up);
      } else if (r % 2 == 0)
        m.blockSize = stepBlock(m.blockSize, up);
      else
        m.itemsPerThread = up ? std::min(std::max(m.itemsPerThread, 2) * 2, 64) : std::max(m.itemsPerThread / 2, 1);
      break;
    default:
      m.blockSize = stepBlock(m.blockSize, up);
      break;
    }
    if (!(m == k))
      return m;
  }
  Knobs m = k;
  m.blockSize = stepBlock(k.blockSize, k.blockSize < 1024);
  return m;
}


static const char *kAbiFallback =
    "#if defined(__has_include)\n"
    "#if __has_include(\"pike/Runtime/KernelABI.h\")\n"
    "#include \"pike/Runtime/KernelABI.h\"\n"
    "#endif\n"
    "#endif\n"
    "#ifndef PIKE_RUNTIME_KERNELABI_H\n"
    "#define PIKE_RUNTIME_KERNELABI_H\n"
    "#define PIKE_MAX_DIMS 8\n"
    "typedef struct PikeTensorRef { void *data; int32_t dtype; int32_t ndim; int64_t sizes[PIKE_MAX_DIMS]; } PikeTensorRef;\n"
    "#endif\n";

std::string hostLauncher(const GeneratedKernel &k, llvm::ArrayRef<Type> inputs,
                         llvm::ArrayRef<Type> outputs, const std::string &entrySymbol) {
  if (k.mode == "nvcc") {
    std::regex re("\\b" + k.entry + "\\b");
    return std::regex_replace(k.source, re, entrySymbol);
  }
  std::ostringstream os;
  os << "// pike: nvcc host launcher around device-only (nvrtc-mode) kernels.\n";
  os << "#include <cuda_runtime.h>\n#include <stdint.h>\n" << kAbiFallback << "\n";
  os << k.source << "\n";
  os << "extern \"C\" int " << entrySymbol
     << "(const PikeTensorRef* inputs, int32_t num_inputs, PikeTensorRef* outputs, "
        "int32_t num_outputs, cudaStream_t stream) {\n";
  emitSignatureChecks(os, inputs, outputs);
  auto argExpr = [&](const std::string &a) -> std::string {
    bool in = a.rfind("in", 0) == 0;
    size_t idx = std::stoul(a.substr(in ? 2 : 3));
    Type t = in ? (idx < inputs.size() ? inputs[idx] : Type())
                : (idx < outputs.size() ? outputs[idx] : Type());
    std::string ct = t ? cType(elementTypeOf(t)) : "void";
    if (ct.empty())
      ct = "void";
    return in ? "(const " + ct + "*)inputs[" + std::to_string(idx) + "].data"
              : "(" + ct + "*)outputs[" + std::to_string(idx) + "].data";
  };
  os << "  cudaError_t err;\n";
  for (const auto &l : k.launches) {
    std::string name = l.value("kernel", k.entry);
    auto dim = [&](const char *key) {
      std::vector<int64_t> d = {1, 1, 1};
      if (l.contains(key))
        for (size_t i = 0; i < l[key].size() && i < 3; ++i)
          d[i] = l[key][i].get<int64_t>();
      return "dim3(" + std::to_string(d[0]) + ", " + std::to_string(d[1]) + ", " +
             std::to_string(d[2]) + ")";
    };
    int64_t smem = l.value("smem", (int64_t)0);
    if (smem > 48 * 1024)
      os << "  err = cudaFuncSetAttribute(" << name
         << ", cudaFuncAttributeMaxDynamicSharedMemorySize, " << smem
         << ");\n  if (err != cudaSuccess) return (int)err;\n";
    os << "  " << name << "<<<" << dim("grid") << ", " << dim("block") << ", " << smem
       << ", stream>>>(";
    bool first = true;
    if (l.contains("args"))
      for (const auto &a : l["args"]) {
        os << (first ? "" : ", ") << argExpr(a.get<std::string>());
        first = false;
      }
    os << ");\n";
    os << "  err = cudaGetLastError();\n  if (err != cudaSuccess) return (int)err;\n";
  }
  os << "  return 0;\n}\n";
  return os.str();
}

} // namespace pike::codegen
