// pike's built-in kernel generator (the LLM-free proposer's code generation).
//
// Given an outlined pike.kernel slot whose body is the reference semantics of one
// fusion region (static shapes), emits CUDA source for it: device-only kernels
// with static launches ("nvrtc" mode) for elementwise / softmax / reduction /
// normalisation / small GEMM regions, or a host C ABI translation unit ("nvcc"
// mode, cuBLASLt) for GEMM regions. See docs/codegen.md.
#ifndef PIKE_CODEGEN_CODEGEN_H
#define PIKE_CODEGEN_CODEGEN_H

#include "pike/Dialect/PikeOps.h"
#include "pike/Support/Precision.h"

#include "mlir/IR/Types.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pike::codegen {

/// Tuning parameters of a generated kernel. Unused knobs are ignored by a pattern.
struct Knobs {
  int blockSize = 256;      // threads per block
  int vectorWidth = 4;      // elementwise: float4/float2/scalar loads (1, 2, 4)
  int itemsPerThread = 1;   // elementwise: elements (vectors) per thread per grid step
  bool allowTF32 = false;   // GEMM: TF32 tensor-core math (changes numerics)
  /// "bf16" / "fp16": GEMM and attention operands rounded to that 16-bit type,
  /// fp32 accumulation (the bf16/fp16 precision policies); "" = fp32 operands.
  /// In the JSON only when set, so fp32 records and knob lists keep their text.
  std::string halfOperands;
  std::string variant;      // pattern-specific: "warp-per-row", "block-per-row",
                            // "cublaslt", "cublas+epilogue", "simt"
  nlohmann::json toJson() const;
  static Knobs fromJson(const nlohmann::json &j);
  bool operator==(const Knobs &o) const;
};

struct GeneratedKernel {
  std::string source;
  std::string mode;          // "nvrtc" or "nvcc"
  std::string entry;         // nvcc: C ABI entry symbol; nvrtc: first kernel name
  nlohmann::json launches = nlohmann::json::array();
  // nvrtc: [{"kernel","grid":[x,y,z],"block":[x,y,z],"smem":n,"args":["in0",..,"out0",..]}]
  Knobs knobs;
  std::string summary;       // one line: pattern, strategy, knobs
  /// nvcc: libraries the source calls beyond the CUDA runtime, as worker flags
  /// ("-lcudnn": the worker links the cuDNN it resolved; docs/worker.md).
  std::vector<std::string> linkFlags;
};

/// Generates CUDA for one kernel slot. On failure emits a diagnostic on the
/// slot (naming the op it cannot handle) and returns failure; never crashes.
mlir::FailureOr<GeneratedKernel> generate(pike::KernelOp kernel, const Knobs &knobs);
/// Same, but the diagnostic is a remark (for drivers that leave unsupported
/// slots on their reference implementation).
mlir::FailureOr<GeneratedKernel> tryGenerate(pike::KernelOp kernel, const Knobs &knobs);

/// `base` with the fields present in `overrides` (a Knobs JSON object) replaced.
Knobs mergeKnobs(const Knobs &base, const nlohmann::json &overrides);

/// A small ordered knob space worth timing for this slot; the first is the best guess.
std::vector<Knobs> candidateKnobs(pike::KernelOp kernel);

/// A deterministic neighbour of `k` in the slot's knob space.
Knobs mutate(pike::KernelOp kernel, const Knobs &k, uint64_t seed);

/// Whether precision policy `p` can run a knob-space entry: an entry with
/// allowTF32 needs TF32 (tf32, bf16, fp16), one with halfOperands a 16-bit
/// policy (bf16 or fp16, whichever: withPolicy gives it the policy's type).
bool policyAllows(pike::Precision p, const Knobs &k);
/// Whether `k` is the policy's own kind of entry (16-bit operands under bf16/fp16,
/// TF32 under tf32): the proposer tries those first.
bool usesPolicy(pike::Precision p, const Knobs &k);
/// `k` as the policy gives it: allowTF32 = allowsTF32(p), halfOperands =
/// halfOperandType(p). Generators that cannot use a relaxation ignore it.
Knobs withPolicy(Knobs k, pike::Precision p);

/// An nvcc-compilable translation unit with the C ABI entry `entrySymbol` (see
/// pike/Runtime/KernelABI.h). nvrtc-mode kernels get a launcher that checks the
/// tensors against the static signature (returns -1 on mismatch) and launches the
/// static launch list on `stream`; nvcc-mode sources get their entry renamed.
std::string hostLauncher(const GeneratedKernel &k, llvm::ArrayRef<mlir::Type> inputs,
                         llvm::ArrayRef<mlir::Type> outputs, const std::string &entrySymbol);

/// Plain C++ (host) version of an elementwise / softmax / reduction / norm slot,
/// using the same expression printer as the device code: defines
/// `extern "C" void <entrySymbol>(const void *const *inputs, void *const *outputs)`
/// over contiguous host buffers. Used by the tests to check index math against torch.
mlir::FailureOr<std::string> generateHostReference(pike::KernelOp kernel,
                                                   const std::string &entrySymbol,
                                                   bool errorsAsRemarks = false);

} // namespace pike::codegen

#endif
