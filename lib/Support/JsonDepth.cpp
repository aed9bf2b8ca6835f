#include "pike/Support/JsonDepth.h"

#include <algorithm>
#include <climits>

namespace pike {

namespace {
/// The one scanner: tracks the depth outside string literals (a backslash
/// escapes the next character inside one), records the deepest level in
/// `deepest`, and stops at the first bracket deeper than `maxDepth`.
std::optional<size_t> scanNesting(std::string_view text, int maxDepth, int &deepest) {
  int depth = 0;
  deepest = 0;
  bool inString = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (depth > maxDepth)
        return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}
} // namespace

std::optional<size_t> findJsonNestingDeeperThan(std::string_view text, int maxDepth) {
  int deepest;
  return scanNesting(text, maxDepth, deepest);
}

int jsonNestingDepth(std::string_view text) {
  int deepest;
  scanNesting(text, INT_MAX, deepest);
  return deepest;
}

} // namespace pike
