// Where pike's data files (prompt templates, price table) live.
#ifndef PIKE_LLM_DATADIR_H
#define PIKE_LLM_DATADIR_H

#include <string>

namespace pike {

/// The data directory: $PIKE_DATA_DIR if set (must exist), else <exe>/../share/pike (an
/// install), <exe>/../share/pike/data,
/// <exe>/../data, <exe>/../../data, else the source tree's data/ (compiled in).
/// A candidate counts only if it holds prompts/. Throws std::runtime_error listing
/// the places tried when none does.
std::string dataDir();

} // namespace pike

#endif
