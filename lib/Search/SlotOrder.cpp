#include "pike/Search/SlotOrder.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <numeric>
#include <thread>

namespace pike::search {

std::optional<SlotOrder> parseSlotOrder(const std::string &s) {
  if (s == "size")
    return SlotOrder::Size;
  if (s == "profile")
    return SlotOrder::Profile;
  return std::nullopt;
}

const char *toString(SlotOrder o) { return o == SlotOrder::Size ? "size" : "profile"; }

SlotOrder autoSlotOrder(size_t distinctFunctions, bool timeBudget) {
  return timeBudget || distinctFunctions >= kAutoProfileFunctions ? SlotOrder::Profile : SlotOrder::Size;
}

namespace {
bool timed(const SlotProfile &s) { return s.referenceMs.has_value(); }
} // namespace

std::vector<size_t> orderSlots(const std::vector<SlotProfile> &slots, SlotOrder order,
                               size_t maxSlots) {
  std::vector<size_t> bySize(slots.size());
  std::iota(bySize.begin(), bySize.end(), size_t(0));
  std::stable_sort(bySize.begin(), bySize.end(), [&](size_t a, size_t b) {
    return slots[a].sizeEstimate > slots[b].sizeEstimate;
  });
  std::vector<size_t> result = bySize;
  if (order == SlotOrder::Profile) {
    std::vector<size_t> measured;
    for (size_t i : bySize)
      if (timed(slots[i]))
        measured.push_back(i);
    // bySize is already ordered by size then index, so a stable sort on the time
    // alone gives the tie-breaks.
    std::stable_sort(measured.begin(), measured.end(), [&](size_t a, size_t b) {
      return *slots[a].referenceMs > *slots[b].referenceMs;
    });
    size_t next = 0;
    for (size_t pos = 0; pos < bySize.size(); ++pos)
      if (timed(slots[bySize[pos]]))
        result[pos] = measured[next++];
  }
  if (maxSlots > 0 && result.size() > maxSlots)
    result.resize(maxSlots);
  return result;
}

std::vector<std::optional<double>> eagerShares(const std::vector<SlotProfile> &slots) {
  double total = 0;
  for (const auto &s : slots)
    if (timed(s) && *s.referenceMs > 0)
      total += *s.referenceMs;
  std::vector<std::optional<double>> shares(slots.size());
  if (total <= 0)
    return shares;
  for (size_t i = 0; i < slots.size(); ++i)
    if (timed(slots[i]))
      shares[i] = std::max(0.0, *slots[i].referenceMs) / total;
  return shares;
}

std::vector<std::vector<size_t>> groupByFingerprint(const std::vector<std::string> &fingerprints) {
  std::vector<std::vector<size_t>> groups;
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < fingerprints.size(); ++i) {
    auto [it, fresh] = index.emplace(fingerprints[i], groups.size());
    if (fresh)
      groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

std::vector<SlotProfile> groupProfiles(const std::vector<SlotProfile> &slots,
                                       const std::vector<std::vector<size_t>> &groups) {
  std::vector<SlotProfile> out;
  out.reserve(groups.size());
  for (const std::vector<size_t> &members : groups) {
    SlotProfile g;
    bool allTimed = !members.empty();
    double ms = 0;
    for (size_t i : members) {
      g.sizeEstimate += slots[i].sizeEstimate;
      if (timed(slots[i]))
        ms += *slots[i].referenceMs;
      else if (allTimed) {
        allTimed = false;
        g.failure = slots[i].failure;
      }
    }
    if (allTimed)
      g.referenceMs = ms;
    out.push_back(std::move(g));
  }
  return out;
}

CandidateCode referenceOnlyCandidate() {
  CandidateCode c;
  c.mode = "reference";
  c.entry.clear();
  return c;
}

ReferenceTiming timeReference(Evaluator &evaluator, const TaskSpec &task) {
  ReferenceTiming t;
  EvalResult r;
  try {
    r = evaluator.evaluate(task, referenceOnlyCandidate());
  } catch (const std::exception &e) {
    t.failure = std::string("evaluator error: ") + e.what();
    return t;
  }
  if (!r.ok()) {
    std::string log = r.log.size() > 200 ? r.log.substr(0, 200) + "..." : r.log;
    t.failure = std::string(toString(r.status)) + (log.empty() ? "" : ": " + log);
  } else if (!(r.referenceMs > 0)) {
    t.failure = "the evaluator returned no reference time";
  } else {
    t.ms = r.referenceMs;
  }
  return t;
}

std::vector<ReferenceTiming> timeReferences(Evaluator &evaluator, const std::vector<TaskSpec> &tasks,
                                            unsigned parallel) {
  std::vector<ReferenceTiming> out(tasks.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < tasks.size(); i = next++)
      out[i] = timeReference(evaluator, tasks[i]);
  };
  size_t threads = std::min<size_t>(std::max(1u, parallel), tasks.size());
  if (threads <= 1) {
    work();
    return out;
  }
  std::vector<std::thread> pool;
  for (size_t k = 0; k < threads; ++k)
    pool.emplace_back(work);
  for (auto &th : pool)
    th.join();
  return out;
}

} // namespace pike::search
