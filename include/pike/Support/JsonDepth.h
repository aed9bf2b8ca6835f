// Nesting depth of raw JSON text, measured before parsing: nlohmann::json parses
// and destroys values recursively, so a deep enough line from a file or a pipe
// would overflow the stack. Used by the worker protocol, the tuning database and
// the other JSON readers of untrusted text.
#ifndef PIKE_SUPPORT_JSONDEPTH_H
#define PIKE_SUPPORT_JSONDEPTH_H

#include <cstddef>
#include <optional>
#include <string_view>

namespace pike {

/// Byte offset of the first '[' or '{' (outside string literals) that opens a
/// level deeper than `maxDepth`, or nullopt when the text stays within it.
/// Stops there: linear, no allocation. Unbalanced text is the parser's to report.
std::optional<size_t> findJsonNestingDeeperThan(std::string_view text, int maxDepth);

} // namespace pike

#endif
