// Names of the discardable `pike.*` attributes passes put on modules, functions
// and kernel slots, declared once. The printed IR spells them as here.
#ifndef PIKE_DIALECT_ATTRNAMES_H
#define PIKE_DIALECT_ATTRNAMES_H

#include "llvm/ADT/StringRef.h"

namespace pike {

/// Every name below starts with this (the package report lists them by it).
inline constexpr llvm::StringLiteral kAttrPrefix = "pike.";

// ---- module
/// The safetensors file that holds `pike.weight` data.
inline constexpr llvm::StringLiteral kWeightsFileAttr = "pike.weights_file";
/// The model file the module was imported from.
inline constexpr llvm::StringLiteral kSourceAttr = "pike.source";
/// The precision policy the search or the package used, described (describePrecision).
inline constexpr llvm::StringLiteral kPrecisionAttr = "pike.precision";
/// The architecture a search resolved (e.g. "sm_90"); pike-emit-package{cuda-arch=auto} builds for it.
inline constexpr llvm::StringLiteral kCudaArchAttr = "pike.cuda_arch";
/// Why the search stopped.
inline constexpr llvm::StringLiteral kSearchStopAttr = "pike.search_stop";
/// How the search's wall-clock budget (`search-time`) was spent.
inline constexpr llvm::StringLiteral kSearchTimeAttr = "pike.search_time";
/// LLM queries and dollars the search spent.
inline constexpr llvm::StringLiteral kLlmQueriesAttr = "pike.llm_queries";
inline constexpr llvm::StringLiteral kLlmUsdAttr = "pike.llm_usd";
/// How many slots pike-apply-tuning-db filled.
inline constexpr llvm::StringLiteral kTuningDbAppliedAttr = "pike.tuning_db_applied";

// ---- function
/// The model's input names, one per argument of @forward.
inline constexpr llvm::StringLiteral kInputNamesAttr = "pike.input_names";

// ---- kernel slot
/// The fusion pattern the slot was outlined from (pike.fusion_group's `pattern`).
inline constexpr llvm::StringLiteral kPatternAttr = "pike.pattern";
/// The memory layout of the slot's rank-4 tensors: "nhwc" means every rank-4
/// argument and result is stored channels-last (dims in N, H, W, C order; the
/// logical shape stays N, C, H, W); absent means every tensor is contiguous.
/// Generators, the worker (tensor spec "layout") and the package's op wrapper
/// all read and write those tensors in that order (pike-assign-layout sets it).
inline constexpr llvm::StringLiteral kLayoutAttr = "pike.layout";
inline constexpr llvm::StringLiteral kLayoutNhwc = "nhwc";
/// The entry symbol inside `source` when it differs from the slot's entry.
inline constexpr llvm::StringLiteral kSourceEntryAttr = "pike.source_entry";
/// The generator's knobs (JSON), its summary, and the candidates it offered.
inline constexpr llvm::StringLiteral kKnobsAttr = "pike.knobs";
inline constexpr llvm::StringLiteral kSummaryAttr = "pike.summary";
inline constexpr llvm::StringLiteral kCandidatesAttr = "pike.candidates";
/// Timings (milliseconds) and speed-up of the chosen code against the reference.
inline constexpr llvm::StringLiteral kReferenceMsAttr = "pike.reference_ms";
inline constexpr llvm::StringLiteral kKernelMsAttr = "pike.kernel_ms";
inline constexpr llvm::StringLiteral kSpeedupAttr = "pike.speedup";
/// The slot's share of the eager model's time (measured and estimated times
/// together), and why it could not be profiled.
inline constexpr llvm::StringLiteral kEagerShareAttr = "pike.eager_share";
inline constexpr llvm::StringLiteral kProfileErrorAttr = "pike.profile_error";
/// The eager time (ms) estimated for a slot the profile did not measure (its
/// budget, profile-share, was spent, or its timing failed): never a measurement.
inline constexpr llvm::StringLiteral kReferenceMsEstimatedAttr = "pike.reference_ms_estimated";
/// How many slots share this slot's code (identical slots are searched and built once).
inline constexpr llvm::StringLiteral kSharedByAttr = "pike.shared_by";
/// Seconds the search spent on the slot's function, and its allotment of `search-time`.
inline constexpr llvm::StringLiteral kSearchSecAttr = "pike.search_sec";
inline constexpr llvm::StringLiteral kSearchAllottedSecAttr = "pike.search_allotted_sec";
/// Why the slot kept its reference body.
inline constexpr llvm::StringLiteral kFallbackReasonAttr = "pike.fallback_reason";
/// Max |kernel - fp32 reference| per output over the verification seeds (an
/// array of floats), and the tolerance the worker checked it with ("atol A, rtol R").
inline constexpr llvm::StringLiteral kMaxAbsErrAttr = "pike.max_abs_err";
inline constexpr llvm::StringLiteral kToleranceAttr = "pike.tolerance";
/// How the chosen code was verified.
inline constexpr llvm::StringLiteral kVerifiedAttr = "pike.verified";
inline constexpr llvm::StringLiteral kVerificationAttr = "pike.verification";
/// Where the code came from, and the tuning record behind it.
inline constexpr llvm::StringLiteral kOriginAttr = "pike.origin";
inline constexpr llvm::StringLiteral kDbRecordAttr = "pike.db_record";
inline constexpr llvm::StringLiteral kDbSearchedOnAttr = "pike.db_searched_on";
inline constexpr llvm::StringLiteral kDbClaimAttr = "pike.db_claim";
inline constexpr llvm::StringLiteral kDbSourceCheckAttr = "pike.db_source_check";

} // namespace pike

#endif
