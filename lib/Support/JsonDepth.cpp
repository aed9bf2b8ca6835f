#include "pike/Support/JsonDepth.h"
#include "pike/Support/StringLiteral.h"

namespace pike {

std::optional<size_t> findJsonNestingDeeperThan(std::string_view text, int maxDepth) {
  int depth = 0;
  StringLiteralTracker literals;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (literals.inLiteral(c))
      continue;
    if (c == '[' || c == '{') {
      if (++depth > maxDepth)
        return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

} // namespace pike
