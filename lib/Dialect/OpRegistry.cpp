#include "pike/Dialect/OpRegistry.h"

#include "llvm/ADT/StringMap.h"

using namespace pike;

namespace {
// Ordered by category; in-place variants (`relu_`) are canonicalised away by
// the importer (functionalisation of frozen inference graphs), so only the
// functional names appear here.
const OpInfo kOps[] = {
#define EW(n) {"aten::" n, OpCategory::Elementwise},
    EW("add") EW("sub") EW("mul") EW("div") EW("rsub") EW("neg") EW("abs") EW("pow")
    EW("exp") EW("log") EW("log1p") EW("expm1") EW("sqrt") EW("rsqrt") EW("reciprocal") EW("trunc")
    EW("sin") EW("cos") EW("tanh") EW("sigmoid") EW("relu") EW("relu6") EW("leaky_relu")
    EW("gelu") EW("silu") EW("mish") EW("elu") EW("selu") EW("softplus") EW("hardtanh")
    EW("hardswish") EW("hardsigmoid") EW("clamp") EW("clamp_min") EW("clamp_max")
    EW("where") EW("maximum") EW("minimum") EW("erf") EW("sign") EW("floor") EW("ceil")
    EW("round") EW("eq") EW("ne") EW("lt") EW("le") EW("gt") EW("ge") EW("logical_not")
    EW("logical_and") EW("logical_or") EW("masked_fill") EW("to") EW("type_as")
    EW("square") EW("addcmul") EW("lerp") EW("dropout") EW("contiguous") EW("clone")
    EW("softsign") EW("tanhshrink") EW("logsigmoid") EW("bitwise_not") EW("fmod")
    EW("remainder") EW("floor_divide") EW("triu") EW("tril") EW("alias")
#undef EW
#define RED(n) {"aten::" n, OpCategory::Reduction},
    RED("sum") RED("mean") RED("amax") RED("amin") RED("max") RED("min") RED("prod")
    RED("var") RED("std") RED("norm") RED("linalg_vector_norm") RED("logsumexp")
    RED("argmax") RED("argmin") RED("cumsum") RED("cumprod") RED("all") RED("any")
    RED("topk") RED("sort")
#undef RED
#define CON(n) {"aten::" n, OpCategory::Contraction},
    CON("linear") CON("matmul") CON("mm") CON("bmm") CON("addmm") CON("baddbmm")
    CON("conv1d") CON("conv2d") CON("conv3d") CON("conv_transpose1d")
    CON("conv_transpose2d") CON("conv_transpose3d") CON("_convolution") CON("einsum")
    CON("scaled_dot_product_attention") CON("addmv") CON("mv") CON("dot") CON("outer")
#undef CON
#define NORM(n) {"aten::" n, OpCategory::Normalization},
    NORM("batch_norm") NORM("layer_norm") NORM("group_norm") NORM("instance_norm")
    NORM("rms_norm") NORM("native_layer_norm")
#undef NORM
    {"aten::softmax", OpCategory::Softmax},
    {"aten::log_softmax", OpCategory::Softmax},
#define VIEW(n) {"aten::" n, OpCategory::View},
    VIEW("view") VIEW("reshape") VIEW("flatten") VIEW("unflatten") VIEW("permute")
    VIEW("transpose") VIEW("t") VIEW("squeeze") VIEW("unsqueeze") VIEW("expand")
    VIEW("expand_as") VIEW("slice") VIEW("select") VIEW("narrow") VIEW("chunk")
    VIEW("split") VIEW("split_with_sizes") VIEW("unbind") VIEW("view_as")
    VIEW("movedim") VIEW("unsafe_chunk") VIEW("unsafe_split") VIEW("diagonal")
    VIEW("pixel_shuffle") VIEW("channel_shuffle") VIEW("repeat") VIEW("tile")
    VIEW("repeat_interleave") VIEW("roll") VIEW("flip")
#undef VIEW
#define DATA(n) {"aten::" n, OpCategory::Data},
    DATA("cat") DATA("stack") DATA("index_select") DATA("gather") DATA("embedding")
    DATA("index") DATA("scatter") DATA("scatter_add") DATA("zeros") DATA("ones")
    DATA("zeros_like") DATA("ones_like") DATA("full") DATA("full_like") DATA("arange")
    DATA("empty_like") DATA("new_zeros") DATA("new_ones") DATA("constant_pad_nd")
    DATA("pad") DATA("one_hot") DATA("masked_select") DATA("index_put") DATA("fill")
    DATA("detach") DATA("copy") DATA("eye")
#undef DATA
#define OTHER(n) {"aten::" n, OpCategory::Other},
    OTHER("max_pool1d") OTHER("max_pool2d") OTHER("max_pool3d") OTHER("avg_pool1d")
    OTHER("avg_pool2d") OTHER("avg_pool3d") OTHER("adaptive_avg_pool1d")
    OTHER("adaptive_avg_pool2d") OTHER("adaptive_avg_pool3d") OTHER("adaptive_max_pool2d")
    OTHER("lstm_cell") OTHER("gru_cell") OTHER("rnn_tanh_cell") OTHER("lstm") OTHER("gru")
    OTHER("rnn_tanh") OTHER("upsample_nearest2d") OTHER("upsample_bilinear2d")
    OTHER("interpolate") OTHER("max_pool2d_with_indices") OTHER("glu")
    OTHER("frobenius_norm") OTHER("unfold") OTHER("im2col") OTHER("col2im")
    OTHER("fft_rfft") OTHER("fft_irfft") OTHER("fft_fft") OTHER("fft_ifft") OTHER("fft_rfftn")
    OTHER("fft_irfftn") OTHER("view_as_real") OTHER("view_as_complex") OTHER("complex")
    OTHER("real") OTHER("imag") OTHER("conj") OTHER("angle") OTHER("polar")
#undef OTHER
};
} // namespace

std::optional<OpInfo> pike::lookupAtenOp(llvm::StringRef name) {
  static const llvm::StringMap<OpInfo> table = [] {
    llvm::StringMap<OpInfo> m;
    for (const OpInfo &info : kOps)
      m.try_emplace(info.name, info);
    return m;
  }();
  auto it = table.find(name);
  if (it == table.end())
    return std::nullopt;
  return it->second;
}

llvm::ArrayRef<OpInfo> pike::allAtenOps() { return kOps; }

llvm::StringRef pike::toString(OpCategory c) {
  switch (c) {
  case OpCategory::Elementwise: return "elementwise";
  case OpCategory::Reduction: return "reduction";
  case OpCategory::Contraction: return "contraction";
  case OpCategory::Normalization: return "normalization";
  case OpCategory::Softmax: return "softmax";
  case OpCategory::View: return "view";
  case OpCategory::Data: return "data";
  case OpCategory::Other: return "other";
  }
  return "other";
}
