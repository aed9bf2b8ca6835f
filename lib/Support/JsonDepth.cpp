#include "pike/Support/JsonDepth.h"

namespace pike {

std::optional<size_t> findJsonNestingDeeperThan(std::string_view text, int maxDepth) {
  int depth = 0;
  bool inString = false, escaped = false; // a backslash escapes the next character in a string
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
      if (++depth > maxDepth)
        return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

} // namespace pike
