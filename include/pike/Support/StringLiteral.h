// Scanners of raw text that count brackets before a parser sees it (the JSON
// depth pre-scan, pike-opt's .mlir input bounds) skip string literals: "..."
// with backslash escapes, as JSON and MLIR write them.
#ifndef PIKE_SUPPORT_STRINGLITERAL_H
#define PIKE_SUPPORT_STRINGLITERAL_H

namespace pike {

/// Fed the text one character at a time, says which characters belong to a
/// string literal.
class StringLiteralTracker {
public:
  /// True when `c` is part of a string literal, its quotes included.
  bool inLiteral(char c) {
    if (inString_) {
      if (escaped_)
        escaped_ = false;
      else if (c == '\\')
        escaped_ = true;
      else if (c == '"')
        inString_ = false;
      return true;
    }
    inString_ = c == '"';
    return inString_;
  }

private:
  bool inString_ = false, escaped_ = false;
};

} // namespace pike

#endif
