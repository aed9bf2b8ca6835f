// Where pike's data files live: package templates, prompt templates, the LLM
// price table, shipped tuning databases. Installed under <prefix>/share/pike;
// in a build tree they are read from the source tree's data/.
#ifndef PIKE_SUPPORT_DATADIR_H
#define PIKE_SUPPORT_DATADIR_H

#include <string>

namespace pike {

/// The data directory: $PIKE_DATA_DIR if set (it must be one), else
/// <dir of this executable>/../share/pike (an install), else the source tree's
/// data/ (compiled in). A directory counts only if it holds package/ and
/// prompts/. Throws std::runtime_error naming the places tried when none does.
std::string dataDir();

/// dataDir() with its inputs given: `env` is $PIKE_DATA_DIR (nullptr or empty:
/// unset), `exePath` the running executable, `sourceDataDir` the compiled-in
/// fallback ("" for none).
std::string findDataDir(const char *env, const std::string &exePath, const std::string &sourceDataDir);

} // namespace pike

#endif
