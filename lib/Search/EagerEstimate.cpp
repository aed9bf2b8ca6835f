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
  auto logSize = [&](size_t i) { return std::log(sizeOf(functions[i])); };
  auto logMs = [&](size_t i) { return std::log(*functions[i].referenceMs); };
  for (size_t i = 0; i < functions.size(); ++i) {
    if (measured(functions[i]))
      continue;
    std::vector<size_t> nearest = known;
    // stable: equal distances keep the earlier function first.
    std::stable_sort(nearest.begin(), nearest.end(), [&](size_t a, size_t b) {
      return std::abs(logSize(a) - logSize(i)) < std::abs(logSize(b) - logSize(i));
    });
    nearest.resize(std::min(nearest.size(), kEstimateNeighbours));
    // Theil-Sen in log-log: the median of the pairwise slopes, clamped to
    // [0, 1] (constant to proportional); 1 when no two sizes differ.
    std::vector<double> slopes;
    for (size_t a = 0; a < nearest.size(); ++a)
      for (size_t b = a + 1; b < nearest.size(); ++b)
        if (double dx = logSize(nearest[b]) - logSize(nearest[a]); std::abs(dx) > 1e-12)
          slopes.push_back((logMs(nearest[b]) - logMs(nearest[a])) / dx);
    const double slope = slopes.empty() ? 1.0 : std::clamp(medianOf(std::move(slopes)), 0.0, 1.0);
    std::vector<double> intercepts;
    for (size_t k : nearest)
      intercepts.push_back(logMs(k) - slope * logSize(k));
    out[i] = std::exp(medianOf(std::move(intercepts)) + slope * logSize(i));
  }
  return out;
}

} // namespace pike::search
