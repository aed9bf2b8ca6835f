// What the two cuDNN convolution emitters share (private to lib/Codegen):
// the match of a convolution region's epilogue, and the graph (backend) API
// emitter ConvCudnn.cpp calls for its "cudnn-graph..." variants.
#ifndef PIKE_LIB_CODEGEN_CONVCUDNN_H
#define PIKE_LIB_CODEGEN_CONVCUDNN_H

#include "Internal.h"

#include <optional>
#include <string>

namespace pike::codegen::detail {

/// The activation ending a convolution region, as cuDNN can run it: the
/// legacy fused call takes relu only, the graph API's pointwise nodes all.
/// Identity: a bare convolution's fused graph (one pointwise copy node, so
/// cuDNN's runtime-fusion engines take it; never read from a region).
enum class ConvActivation { None, Relu, Clip, Silu, Sigmoid, Tanh, Gelu, GeluTanh, Identity };

/// "relu", "clipped relu", "silu", ... (summaries, comments).
const char *convActivationName(ConvActivation act);

/// A region that is conv (+ bias) -> [+ a slot input of the output's shape,
/// alpha 1] -> [one activation] -> its only output.
struct ConvTail {
  mlir::Value z; // residual slot input, or null
  ConvActivation act = ConvActivation::None;
  double upper = 0.0; // Clip: hardtanh(0, upper) / relu6, relu's upper clip
};

/// The reason matchConvTail gives for a region with several outputs.
extern const char *const kSeveralOutputs;

/// Matches the region's ops after the convolution; fails with the reason.
bool matchConvTail(const ConvPlan &p, pike::KernelOp kernel, ConvTail &t, std::string &why);

/// Splat value of a constant operand (bias = 0 spelled as a constant).
std::optional<double> splatValue(mlir::Value v);

/// The pointwise nodes a fused graph gives the region, in order: bias (a
/// tensor; none or a zero splat: no node), residual, activation.
struct GraphEpilogue {
  bool bias = false, z = false, act = false;
  int nodes() const { return int(bias) + int(z) + int(act); }
};
/// Matches the region for "cudnn-graph-fused"; fails with the reason where its
/// tail is not one, the bias is a non-zero splat or nothing follows the
/// convolution (no node: the plain graph covers it).
bool matchGraphEpilogue(const ConvPlan &p, pike::KernelOp kernel, ConvTail &t, GraphEpilogue &e,
                        std::string &why);

/// How the graph API variant runs.
struct GraphConvMode {
  bool bench = false; // time the heuristic's first eight plans at the first call
  /// "cudnn-graph-fused": the epilogue (`tail`, the bias) as pointwise nodes of
  /// the same operation graph, no epilogue kernel.
  bool fused = false;
  /// Fused: when no engine configuration runs the fused graph, run the plain
  /// convolution graph and the epilogue kernel instead (false: "/only", the
  /// first call then fails with cudaErrorNotSupported).
  bool fallback = true;
  /// "cudnn-graph-fused/half" (the bf16/fp16 policies): the convolution reads x
  /// and w rounded to this 16-bit type ("bf16" or "fp16"; empty: fp32), which
  /// the slot converts into a scratch buffer before the plan runs; accumulation,
  /// the pointwise nodes and y stay fp32. No fallback.
  std::string half;
};

/// Emits the graph API state, its first-call set-up and the C ABI entry after
/// the epilogue kernel `epiName` (already in `os`). `X` and `Wt` name the
/// convolution's input and weight among the slot's tensors; fused, the nodes
/// `epi` of `tail` (matchGraphEpilogue), the bias and `tail.z` read from
/// `tensors` too.
bool emitGraphConv(const ConvGeom &g, bool nhwc, bool tf32, const GraphConvMode &mode,
                   const ConvTail &tail, const GraphEpilogue &epi, pike::KernelOp kernel,
                   const llvm::DenseMap<mlir::Value, TensorRef> &tensors, const std::string &X,
                   const std::string &Wt, const std::string &epiName, int64_t total, int nt,
                   std::ostream &os, Unsupported &err);

} // namespace pike::codegen::detail

#endif
