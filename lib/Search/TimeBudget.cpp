#include "pike/Search/TimeBudget.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace pike::search {

std::optional<double> parseDuration(const std::string &text, std::string *error) {
  auto fail = [&](const std::string &why) -> std::optional<double> {
    if (error)
      *error = "bad duration '" + text + "': " + why +
               " (expected seconds or a sum of <number>h, <number>m, <number>s, e.g. 10m, 1h30m, 90s)";
    return std::nullopt;
  };
  if (text.empty())
    return fail("empty");
  double total = 0;
  size_t pos = 0;
  bool sawUnit = false;
  while (pos < text.size()) {
    const char *begin = text.c_str() + pos;
    char *end = nullptr;
    if (!(std::isdigit(static_cast<unsigned char>(*begin)) || *begin == '.'))
      return fail("expected a number at '" + text.substr(pos) + "'");
    double v = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(v))
      return fail("expected a number at '" + text.substr(pos) + "'");
    pos += static_cast<size_t>(end - begin);
    if (pos == text.size()) {
      if (sawUnit)
        return fail("the last number has no unit");
      total += v;
      break;
    }
    char unit = text[pos++];
    double scale = unit == 'h' ? 3600 : unit == 'm' ? 60 : unit == 's' ? 1 : 0;
    if (scale == 0)
      return fail(std::string("unknown unit '") + unit + "'");
    sawUnit = true;
    total += v * scale;
  }
  if (!(total > 0) || !std::isfinite(total))
    return fail("must be more than 0");
  return total;
}

std::string formatDuration(double seconds) {
  if (seconds < 60) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3gs", seconds);
    return buf;
  }
  long s = std::lround(seconds);
  long h = s / 3600, m = (s % 3600) / 60, r = s % 60;
  std::string out;
  if (h)
    out += std::to_string(h) + "h";
  if (m)
    out += std::to_string(m) + "m";
  if (r)
    out += std::to_string(r) + "s";
  return out;
}

std::vector<double> splitTimeBudget(const std::vector<double> &weights, double capacitySec,
                                    double floorSec) {
  const size_t n = weights.size();
  std::vector<double> out(n, 0.0);
  if (n == 0 || !(capacitySec > 0))
    return out;
  double floor = std::clamp(floorSec, 0.0, capacitySec / (2.0 * static_cast<double>(n)));
  double rest = capacitySec - floor * static_cast<double>(n);
  double sum = 0;
  for (double w : weights)
    sum += std::max(0.0, w);
  for (size_t i = 0; i < n; ++i) {
    double part = sum > 0 ? std::max(0.0, weights[i]) / sum : 1.0 / static_cast<double>(n);
    out[i] = floor + rest * part;
  }
  return out;
}

} // namespace pike::search
