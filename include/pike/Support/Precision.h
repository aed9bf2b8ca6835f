// The precision policy of a search, a tuning record and a package: which
// numerics generated kernels (and the ops left to PyTorch) may use instead of
// strict fp32. The model's inputs, outputs and the slot ABI stay fp32 under
// every policy; a relaxed policy only changes how kernels compute inside.
//
//   fp32  strict fp32 (default). Convolutions may use TF32 where the exported
//         op itself allows it, as eager cuDNN does.
//   tf32  TF32 tensor-core math (10-bit mantissa) in GEMMs, attention and
//         convolutions, and in the cuBLAS/cuDNN calls left to PyTorch.
//   bf16  as tf32, and GEMM/attention operands rounded to bfloat16 (8-bit
//         mantissa, fp32 range), accumulated in fp32.
//   fp16  as tf32, and GEMM/attention operands rounded to float16 (11-bit
//         mantissa, range +-65504), accumulated in fp32.
//
// Every policy's candidates are checked by the worker against the fp32
// reference with an atol/rtol the user can set; defaultTolerance() gives the
// documented default per policy.
#ifndef PIKE_SUPPORT_PRECISION_H
#define PIKE_SUPPORT_PRECISION_H

#include <optional>
#include <string>

namespace pike {

enum class Precision { FP32, TF32, BF16, FP16 };

/// "fp32", "tf32", "bf16", "fp16".
const char *precisionName(Precision p);
/// The inverse of precisionName; nullopt for anything else.
std::optional<Precision> parsePrecision(const std::string &text);
/// "fp32, tf32, bf16 or fp16", for error messages.
const char *precisionChoices();

/// Whether a kernel made for policy `kernel` may run under policy `run`: every
/// policy allows stricter ones (fp32 < tf32 < bf16, fp32 < tf32 < fp16); bf16 and
/// fp16 do not allow each other (fp16 rounds less but overflows past 65504).
bool precisionAllows(Precision run, Precision kernel);

/// TF32 tensor-core math is allowed (tf32, bf16, fp16).
inline bool allowsTF32(Precision p) { return p != Precision::FP32; }
/// The 16-bit operand type of the policy: "bf16", "fp16", or "" (fp32/tf32).
const char *halfOperandType(Precision p);

/// The worker's comparison against the fp32 reference: |got - want| <= atol + rtol * |want|.
struct Tolerance {
  double atol = 1e-2;
  double rtol = 1e-2;
};
/// One line for reports: what generated kernels and the ops left to PyTorch do
/// under the policy.
std::string describePrecision(Precision p);

/// The default per policy: 1e-2/1e-2 for fp32 and tf32 (the worker's long-standing
/// default), 1e-2/1e-2 for fp16 (the same 11-bit significand as TF32) and
/// 5e-2/5e-2 for bf16 (8-bit significand; the harness's relaxed check uses the same).
Tolerance defaultTolerance(Precision p);
/// "ATOL,RTOL" (two non-negative finite numbers) -> Tolerance; nullopt and `why`
/// set otherwise.
std::optional<Tolerance> parseTolerance(const std::string &text, std::string *why = nullptr);

} // namespace pike

#endif
