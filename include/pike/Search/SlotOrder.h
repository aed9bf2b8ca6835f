// The order in which a search visits kernel slots, and the eager profile it can
// be based on. MLIR-free: the passes (lib/Tuning/SlotSearch.cpp) map slots to
// SlotProfile rows, this decides.
//
// order=size    largest signature first (elements moved): a proxy for time.
// order=profile each slot's reference (its eager PyTorch ops) is timed by the
//               evaluator first; slots are visited by measured time, largest
//               first (PIKE ranks regions by their share of eager time). A slot
//               whose reference could not be timed keeps its size-order position.
//               Under a search-time the profile gets a share of it (profile-share):
//               functions are timed largest size first until the share is spent,
//               and the rest get an estimated time (EagerEstimate.h) that weighs
//               their part of the budget but does not move them in the order.
#ifndef PIKE_SEARCH_SLOTORDER_H
#define PIKE_SEARCH_SLOTORDER_H

#include "pike/Search/Interfaces.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pike::search {

enum class SlotOrder { Size, Profile };
/// "size" or "profile"; nullopt otherwise.
std::optional<SlotOrder> parseSlotOrder(const std::string &s);
const char *toString(SlotOrder o);

struct SlotProfile {
  int64_t sizeEstimate = 0;          // elements the signature moves
  std::optional<double> referenceMs; // measured eager time (median); nullopt: not timed
  std::string failure;               // why it was not timed (empty: not asked, or timed)
  std::optional<double> estimatedMs; // not timed: its time estimated from the timed ones
};

/// order=auto (the search passes' default): profile a whole network, where
/// sizes are a poor guide to where the time goes and a per-slot share of a time
/// budget needs measured times; size order for a few slot functions.
constexpr size_t kAutoProfileFunctions = 8;
/// Profile when the search has a time budget to split or at least
/// kAutoProfileFunctions distinct slot functions; size otherwise.
SlotOrder autoSlotOrder(size_t distinctFunctions, bool timeBudget);

/// profile-share's default: under a search-time the profile may use a fifth of
/// it. A network's eager time sits mostly in its largest functions, which the
/// profile times first, so a fifth measures what decides the split (on the
/// contended H100 run of issue #14, ~1.2 s a request with parallel=2: ~20 of
/// Swin-T's 53 functions in 12 s of 60 s) and leaves four fifths to the search;
/// at 10m it covers ~200 such functions, a whole network in practice.
constexpr double kDefaultProfileShare = 0.2;

/// Indices into `slots` in search order, cut to `maxSlots` (0: no cut).
/// Size order: sizeEstimate descending, ties by index. Profile order: the slots
/// without a time keep their size-order positions; the timed slots fill the other
/// positions by referenceMs descending, ties by sizeEstimate descending, then index.
std::vector<size_t> orderSlots(const std::vector<SlotProfile> &slots, SlotOrder order,
                               size_t maxSlots);

/// Each slot's share of the total eager time, measured or estimated (0..1);
/// nullopt for a slot with neither (or when no slot has a positive time).
std::vector<std::optional<double>> eagerShares(const std::vector<SlotProfile> &slots);

/// A slot's measured time, else its estimate; nullopt with neither.
std::optional<double> eagerMs(const SlotProfile &slot);

/// Slots computing the same function (equal fingerprints) share one search and
/// one kernel. Returns the groups in order of first appearance; each lists its
/// members' indices ascending, the first being the group's representative.
std::vector<std::vector<size_t>> groupByFingerprint(const std::vector<std::string> &fingerprints);

/// One profile per group, to order groups with orderSlots: sizes and times are
/// summed over the members (each member costs its time in the eager model, so a
/// kernel for the function saves it that many times). A group is timed when its
/// members are (they run the same reference); its failure is its first untimed
/// member's. An untimed group whose members all have a time, measured or
/// estimated, gets their sum as its estimate.
std::vector<SlotProfile> groupProfiles(const std::vector<SlotProfile> &slots,
                                       const std::vector<std::vector<size_t>> &groups);

/// The candidate that asks the evaluator to time the task's reference alone
/// (pike-worker `evaluate` with `candidate.mode = "reference"`).
CandidateCode referenceOnlyCandidate();

struct ReferenceTiming {
  std::optional<double> ms;
  std::string failure;
  bool asked = false;          // false: not asked, the profile's budget was spent first
  double wallSec = 0;          // the request, as the caller waited for it
  std::optional<double> gpuMs; // the worker's time holding the GPU (its reply's gpu_ms)
  std::map<std::string, double> phasesMs; // the worker's phases (its reply's phases), when it says
};

/// Times one task's reference through `evaluator`. A failed evaluation, or an
/// answer without a positive reference time, is a failure naming the reason.
ReferenceTiming timeReference(Evaluator &evaluator, const TaskSpec &task);

/// timeReference for the tasks, `parallel` at a time (the evaluator is
/// thread-safe), in `order` (indices into tasks; empty: task order; tasks it
/// leaves out are not asked). With `budgetSec`, no request is started once that
/// much wall time has passed since the call began; requests in flight finish,
/// and the first request is always made. The tasks asked are a prefix of the order.
std::vector<ReferenceTiming> timeReferences(Evaluator &evaluator, const std::vector<TaskSpec> &tasks,
                                            unsigned parallel, const std::vector<size_t> &order = {},
                                            std::optional<double> budgetSec = std::nullopt);

} // namespace pike::search

#endif
