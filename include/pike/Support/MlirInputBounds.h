// Bounds a textual .mlir input must respect before MLIR's parser sees it.
//
// The parser (and the verifier and printer after it) recurse once per level of
// nested attributes, types and regions, so a few thousand levels of `[[[[...`
// overflow the stack (SIGSEGV). pike-opt refuses such input up front with a
// diagnostic instead. Header-only: pike-opt is its only user.
#ifndef PIKE_SUPPORT_MLIRINPUTBOUNDS_H
#define PIKE_SUPPORT_MLIRINPUTBOUNDS_H

#include "pike/Support/StringLiteral.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <string>

namespace pike {

// 512 levels is far above any IR pike writes (rank-8 dense attributes, a few
// nested regions) and far below where the parser overflows an 8 MiB stack
// (measured: about 5000 levels of nested arrays).
inline constexpr unsigned kDefaultMaxMlirNesting = 512;
inline constexpr uint64_t kDefaultMaxMlirInputBytes = uint64_t(1) << 30; // 1 GiB

/// Checks size and nesting of `buffer`; on a violation returns false with
/// `error` set to "FILE:LINE:COL: error: ..." at the first offending place.
/// Nesting counts ( [ { < outside string literals and // comments; `->` is an
/// arrow, not a closing bracket.
inline bool checkMlirInputBounds(const llvm::MemoryBuffer &buffer, uint64_t maxBytes,
                                 unsigned maxNesting, std::string &error) {
  llvm::StringRef name = buffer.getBufferIdentifier();
  llvm::StringRef text = buffer.getBuffer();
  if (text.size() > maxBytes) {
    error = name.str() + ": error: input is " + std::to_string(text.size()) +
            " bytes, more than the limit of " + std::to_string(maxBytes) + " (--max-input-bytes)";
    return false;
  }
  if (text.starts_with("ML\xefR"))
    return true; // MLIR bytecode: not text, nesting is not visible here
  unsigned depth = 0, line = 1, col = 0;
  bool inComment = false;
  StringLiteralTracker literals;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    ++col;
    if (c == '\n') {
      ++line;
      col = 0;
      inComment = false;
      continue;
    }
    if (inComment || literals.inLiteral(c))
      continue;
    switch (c) {
    case '/':
      if (i + 1 < text.size() && text[i + 1] == '/')
        inComment = true;
      break;
    case '(':
    case '[':
    case '{':
    case '<':
      if (++depth > maxNesting) {
        error = name.str() + ":" + std::to_string(line) + ":" + std::to_string(col) +
                ": error: input nested deeper than " + std::to_string(maxNesting) +
                " levels (attributes, types or regions); refusing to parse it (--max-nesting)";
        return false;
      }
      break;
    case '>':
      if (i > 0 && text[i - 1] == '-')
        break; // `->`
      [[fallthrough]];
    case ')':
    case ']':
    case '}':
      if (depth > 0)
        --depth;
      break;
    default:
      break;
    }
  }
  return true;
}

} // namespace pike

#endif
