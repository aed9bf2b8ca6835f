// What the search passes share about kernel slots: their fingerprint, the
// TaskSpec a proposer and the worker see, and how a chosen candidate is
// written back onto the slot.
#ifndef PIKE_TUNING_SLOTSUPPORT_H
#define PIKE_TUNING_SLOTSUPPORT_H

#include "pike/Dialect/PikeOps.h"
#include "pike/Search/Interfaces.h"
#include "pike/Search/TuningDb.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>

namespace pike {

/// Structural hash of a slot: its ops, attributes, shapes and dtypes; not its
/// name, weights' names or locations. Equal fingerprints compute the same function.
std::string slotFingerprint(KernelOp kernel);

/// Launch lists travel as JSON in CandidateCode and as attributes on slots.
mlir::ArrayAttr launchesToAttr(mlir::MLIRContext *ctx, const nlohmann::json &launches);
nlohmann::json launchesFromAttr(mlir::ArrayAttr attr);

/// {"inputs":[{shape,dtype,init}],"outputs":[{shape,dtype}]} of a slot (TaskSpec::signature);
/// an element type the kernel ABI lacks is an error on the slot.
mlir::FailureOr<nlohmann::json> slotSignature(KernelOp kernel);

/// How the worker fills slot input `argIndex` (the signature's "init"):
/// "randint:LO:HI" for indices and booleans, "positive" for variances and the
/// mean squares an earlier slot computed, "normal" otherwise.
std::string slotInputInit(KernelOp kernel, unsigned argIndex);

/// Why a slot cannot be searched: an input or result whose element type the
/// kernel ABI has no dtype for (a complex FFT result, say); nullopt when every
/// type fits. The worker allocates the slot's buffers, so such a slot stays
/// with its reference instead of failing the whole search.
std::optional<std::string> abiUnsupportedReason(KernelOp kernel);

/// Whether the slot computes a matrix product: a contraction of the op registry
/// that is not a convolution (GEMM, batched GEMM, einsum, attention,
/// matrix-vector), the ops a relaxed policy's package runs in TF32 in PyTorch.
/// An fp32 record of such a slot was measured against a reference without TF32
/// and says nothing under a relaxed policy (apply-db refuses it; the search
/// does not seed from it).
bool computesMatrixProduct(KernelOp kernel);

/// TaskSpec of a slot; writes its reference module to `referenceDir/<slot>.pt`.
mlir::FailureOr<search::TaskSpec> makeTaskSpec(mlir::ModuleOp module, KernelOp kernel,
                                              const std::string &referenceDir);

/// Installs `code` as the slot's implementation.
void applyCandidate(KernelOp kernel, const search::CandidateCode &code);

/// Tuning key environment of this build (arch from the option, CUDA and torch
/// versions pike was built against).
search::TuningEnv tuningEnv(const std::string &arch);

} // namespace pike

#endif
