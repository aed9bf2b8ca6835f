// The keys of the nested option strings of -pike-search / -pike-llm-search
// (search=... and llm=...), documented for pike-opt --help. The key lists come
// from SearchOptions::keys() and LLMOptions::keys(), so a key added there
// without a description here shows up as such in --help (and fails
// test/Tools/pike-opt-help.test).
#ifndef PIKE_TOOLS_PIKE_OPT_SEARCHKEYSHELP_H
#define PIKE_TOOLS_PIKE_OPT_SEARCHKEYSHELP_H

#include <string>

namespace pike::tools {

/// Marker printed for a key that has no description (tests look for it).
inline constexpr const char *kUndocumentedKey = "UNDOCUMENTED";

/// "budget=N  meaning" lines for every search= key.
std::string searchKeysHelp();
/// The same for every llm= key (empty when pike was built without the LLM clients).
std::string llmKeysHelp();

} // namespace pike::tools

#endif
