#include "pike/Search/EagerEstimate.h"

#include <algorithm>
#include <cmath>

namespace pike::search {

namespace {
double sizeOf(const SlotProfile &f) { return std::max<double>(1.0, static_cast<double>(f.sizeEstimate)); }
bool measured(const SlotProfile &f) { return f.referenceMs && *f.referenceMs > 0; }
} // namespace

double medianOf(std::vector<double> values) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::vector<std::optional<double>> estimateEagerMs(const std::vector<SlotProfile> &functions) {
  std::vector<std::optional<double>> out(functions.size());
  std::vector<size_t> known;
  for (size_t i = 0; i < functions.size(); ++i)
    if (measured(functions[i]))
      known.push_back(i);
  if (known.empty())
    return out;
  for (size_t i = 0; i < functions.size(); ++i) {
    if (measured(functions[i]))
      continue;
    const double logSize = std::log(sizeOf(functions[i]));
    std::vector<size_t> nearest = known;
    // stable: equal distances keep the earlier function first.
    std::stable_sort(nearest.begin(), nearest.end(), [&](size_t a, size_t b) {
      return std::abs(std::log(sizeOf(functions[a])) - logSize) <
             std::abs(std::log(sizeOf(functions[b])) - logSize);
    });
    nearest.resize(std::min(nearest.size(), kEstimateNeighbours));
    std::vector<double> rates;
    for (size_t k : nearest)
      rates.push_back(*functions[k].referenceMs / sizeOf(functions[k]));
    out[i] = medianOf(std::move(rates)) * sizeOf(functions[i]);
  }
  return out;
}

} // namespace pike::search
