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

/// What every attention kernel (device or host reference) is printed from: the
/// slot's tensors bound by bindSlotTensors and the names of Q, K and V in them.
struct AttnKernelTensors {
  std::string defs; // inlined constants
  llvm::DenseMap<mlir::Value, TensorRef> tensors;
  std::string Q, K, V;
  size_t numInputs = 0, numOutputs = 0;
  /// C type of score indices: "long long" once the scores reach 2^31 - 1 elements.
  std::string indexType;
};
bool bindAttentionTensors(const AttnPlan &p, pike::KernelOp kernel, bool host,
                          AttnKernelTensors &t, Unsupported &err);

// Pieces the two flash kernels (tiled SIMT, tensor-core mma) share. Both run a
// block per BQ query rows (`q0`) of one batch entry (`bz`) and walk key tiles
// of BK keys (`k0`) with a running max `m[r]` and sum `l[r]` per query row.

/// `Qb`, `Kb`, `Vb`: the block's batch entry of Q, K and V.
void emitFlashBatchBases(const AttnPlan &p, const AttnKernelTensors &t, std::ostringstream &os);
/// Opens the loop over key tiles (causal: only up to the block's last query
/// row) with the barrier that guards the shared tiles.
void emitFlashKeyTileLoop(const AttnPlan &p, std::ostringstream &os);
/// Merges the tile's row max `mt` over the lanes of the row group (the
/// `shuffleLoop` header runs over their lane offsets) into the running max
/// `m[r]`: declares `mn` (the new max), `rescale` (the factor of the old sum
/// and outputs) and `ls` (the tile's sum, zero).
void emitFlashMaxMerge(const std::string &shuffleLoop, const std::string &r,
                       const std::string &rescale, std::ostringstream &os);
/// Opens `if (q < Lq && k < Lk) {` (a score inside the matrix) and assigns the
/// score of query `q`, key `k` from their dot product `acc` to `dest`, with the
/// block's lines indented by `ind` plus two; the caller closes the block.
bool emitFlashScore(const AttnPlan &p, const AttnKernelTensors &t, const std::string &acc,
                    const std::string &dest, const std::string &ind, std::ostringstream &os,
                    Unsupported &err);
/// Sums `ls` over the row group and updates the running sum `l[r]` and max.
void emitFlashSumMerge(const std::string &shuffleLoop, const std::string &r,
                       const std::string &rescale, std::ostringstream &os);

/// The epilogue of output element `lin` (over p.oshape): the attention value
/// `pike_o` (declared by `bodyPrefix`, else already in scope) through the
/// region's elementwise ops into every output.
bool emitAttentionStores(const AttnPlan &p, pike::KernelOp kernel, const AttnKernelTensors &t,
                         bool host, const std::string &lin, const std::string &ind,
                         const std::string &bodyPrefix, std::ostringstream &os,
                         Unsupported &err);

/// Flash attention on tensor cores (mma.sync m16n8k8 TF32, or 3xTF32 split
/// products for fp32 accuracy, or m16n8k16 bf16/fp16 under those policies):
/// variants "mma-tf32" / "mma-3xtf32" / "mma-half".
bool emitAttentionMma(const AttnPlan &p, pike::KernelOp kernel, const Knobs &knobs,
                      GeneratedKernel &out, Unsupported &err);
/// Whether the mma kernel takes this plan (head dims multiples of 8 up to 128).
bool attentionMmaFits(const AttnPlan &p, std::string *why = nullptr);

} // namespace pike::codegen::detail

#endif
