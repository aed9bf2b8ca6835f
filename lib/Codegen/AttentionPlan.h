// What the attention generators (Attention.cpp: SIMT kernels and host
// reference; AttentionMma.cpp: tensor-core flash kernel) know about a slot.
// Two region forms: matmul -> score ops -> softmax -> matmul (K given
// transposed, [D][Lk]) and aten::scaled_dot_product_attention (K as [Lk][D],
// scale / causal mask / attn_mask as arguments). Both may end in an
// elementwise epilogue.
#ifndef PIKE_LIB_CODEGEN_ATTENTIONPLAN_H
#define PIKE_LIB_CODEGEN_ATTENTIONPLAN_H

#include "Internal.h"

#include "pike/Dialect/PikeOps.h"

namespace pike::codegen::detail {

struct AttnPlan {
  pike::AtenOp mm1, softmax, mm2; // matmul form
  pike::AtenOp sdpa;              // scaled_dot_product_attention form
  mlir::Value Q, Kt, V, S, Sp, P, O;
  // sdpa form: K is [Lk][D]; scores are acc * scale, then the causal mask
  // (key > query: -inf, top-left aligned like torch), then attn_mask (bool:
  // false -> -inf; float: added).
  bool keyRows = false, causal = false, maskBool = false;
  double scale = 1.0;
  mlir::Value mask;
  std::vector<int64_t> sshape, oshape;
  int64_t batch = 1, Lq = 0, Lk = 0, D = 0, Dv = 0;
  int64_t sQ = 0, sK = 0, sV = 0; // batch strides (0: broadcast)
  /// The op diagnostics point at.
  mlir::Operation *anchor() const {
    return sdpa ? pike::AtenOp(sdpa).getOperation() : pike::AtenOp(mm1).getOperation();
  }
};

bool planAttention(pike::KernelOp kernel, AttnPlan &p, Unsupported &err);

/// Offset of K element (d, k) in one batch's K (`Kb[...]`), for either layout,
/// in terms of the generated kernels' constants `D` and `Lk`.
std::string keyOffset(const AttnPlan &p, const std::string &d, const std::string &k);

/// Emits the statements that turn the raw dot product `acc` of query row `q`
/// and key `k` (linear score index `lin` over p.sshape) into the softmax input;
/// `result` names it. Masked scores are -PIKE_INF.
bool emitScore(const AttnPlan &p, const llvm::DenseMap<mlir::Value, TensorRef> &tensors,
               bool host, const std::string &acc, const std::string &lin, const std::string &q,
               const std::string &k, const std::string &ind, std::ostringstream &os,
               std::string &result, Unsupported &err);

/// Flash attention on tensor cores (mma.sync m16n8k8 TF32, or 3xTF32 split
/// products for fp32 accuracy, or m16n8k16 bf16/fp16 under those policies):
/// variants "mma-tf32" / "mma-3xtf32" / "mma-half".
bool emitAttentionMma(const AttnPlan &p, pike::KernelOp kernel, const Knobs &knobs,
                      GeneratedKernel &out, Unsupported &err);
/// Whether the mma kernel takes this plan (head dims multiples of 8 up to 128).
bool attentionMmaFits(const AttnPlan &p, std::string *why = nullptr);

} // namespace pike::codegen::detail

#endif
