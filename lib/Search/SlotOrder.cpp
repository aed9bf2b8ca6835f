#include "pike/Search/SlotOrder.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <numeric>
#include <stdexcept>
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

std::optional<double> eagerMs(const SlotProfile &slot) {
  return slot.referenceMs ? slot.referenceMs : slot.estimatedMs;
}

std::vector<std::optional<double>> eagerShares(const std::vector<SlotProfile> &slots) {
  double total = 0;
  for (const auto &s : slots)
    if (auto ms = eagerMs(s); ms && *ms > 0)
      total += *ms;
  std::vector<std::optional<double>> shares(slots.size());
  if (total <= 0)
    return shares;
  for (size_t i = 0; i < slots.size(); ++i)
    if (auto ms = eagerMs(slots[i]))
      shares[i] = std::max(0.0, *ms) / total;
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
    bool allTimed = !members.empty(), allKnown = allTimed;
    double ms = 0;
    for (size_t i : members) {
      g.sizeEstimate += slots[i].sizeEstimate;
      if (auto t = eagerMs(slots[i]))
        ms += *t;
      else
        allKnown = false;
      if (!timed(slots[i]) && allTimed) {
        allTimed = false;
        g.failure = slots[i].failure;
      }
    }
    if (allTimed)
      g.referenceMs = ms;
    else if (allKnown)
      g.estimatedMs = ms;
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
  t.asked = true;
  EvalResult r;
  const auto start = std::chrono::steady_clock::now();
  try {
    r = evaluator.evaluate(task, referenceOnlyCandidate());
  } catch (const std::exception &e) {
    t.failure = std::string("evaluator error: ") + e.what();
    return t;
  }
  t.wallSec = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (r.details.is_object() && r.details.contains("gpu_ms") && r.details["gpu_ms"].is_number())
    t.gpuMs = r.details["gpu_ms"].get<double>();
  if (r.details.is_object() && r.details.contains("phases") && r.details["phases"].is_object())
    for (auto it = r.details["phases"].begin(); it != r.details["phases"].end(); ++it)
      if (it.value().is_number())
        t.phasesMs[it.key()] = it.value().get<double>();
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
                                            unsigned parallel, const std::vector<size_t> &order,
                                            std::optional<double> budgetSec) {
  std::vector<ReferenceTiming> out(tasks.size());
  std::vector<size_t> queue = order;
  for (size_t i : queue)
    if (i >= tasks.size())
      throw std::invalid_argument("timeReferences: order names task " + std::to_string(i) + " of " +
                                  std::to_string(tasks.size()));
  if (queue.empty()) {
    queue.resize(tasks.size());
    std::iota(queue.begin(), queue.end(), size_t(0));
  }
  const auto start = std::chrono::steady_clock::now();
  // Taking the next task and checking the budget under one lock keeps the tasks
  // asked a prefix of the order.
  std::mutex mu;
  size_t next = 0;
  bool spent = false;
  auto take = [&]() -> std::optional<size_t> {
    std::lock_guard<std::mutex> lk(mu);
    if (spent || next >= queue.size())
      return std::nullopt;
    if (budgetSec && next > 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= *budgetSec) {
      spent = true;
      return std::nullopt;
    }
    return queue[next++];
  };
  auto work = [&] {
    while (std::optional<size_t> i = take())
      out[*i] = timeReference(evaluator, tasks[*i]);
  };
  size_t threads = std::min<size_t>(std::max(1u, parallel), queue.size());
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
