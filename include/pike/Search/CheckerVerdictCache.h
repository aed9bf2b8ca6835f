// Cache of candidate-checker verdicts for tuning-database records.
//
// Checking a record's source with the Clang checker costs 0.15-0.6 s of CPU
// (docs/search.md); a package rebuilt from a database of LLM-made kernels would
// pay that per slot on every rebuild. Verdicts are kept in a file beside the
// database, keyed by a digest of the code the checker saw. The file travels
// with the database, so it is untrusted too: every entry carries an HMAC-SHA256
// under a per-user secret key (created 0600 on first use), and an entry whose
// MAC does not verify is ignored. Only verdicts this user's pike computed are
// believed; a cache handed over with a database cannot whitelist a record.
#ifndef PIKE_SEARCH_CHECKERVERDICTCACHE_H
#define PIKE_SEARCH_CHECKERVERDICTCACHE_H

#include "pike/Search/Interfaces.h"

#include <map>
#include <optional>
#include <string>

namespace pike::search {

struct CheckerVerdict {
  bool accepted = false;
  std::string why; // first diagnostic when rejected
};

class CheckerVerdictCache {
public:
  /// `path`: the cache file (e.g. tune.db.checker-verdicts); `keyPath`: the
  /// secret key file, created when missing. When the key cannot be read or
  /// created the cache is unusable and every lookup misses.
  CheckerVerdictCache(std::string path, std::string keyPath = defaultKeyPath());

  /// $PIKE_VERDICT_KEY, else $XDG_CACHE_HOME/pike/checker-verdict.key, else
  /// ~/.cache/pike/checker-verdict.key.
  static std::string defaultKeyPath();
  /// What the checker's verdict depends on: mode, entry, kernel names, source,
  /// and kVerdictVersion (bump it when the checker's rules change).
  static std::string codeDigest(const CandidateCode &code);

  bool usable() const { return !key_.empty(); }
  std::optional<CheckerVerdict> lookup(const std::string &digest) const;
  /// Appends an authenticated entry (best effort: an unwritable cache is skipped).
  void store(const std::string &digest, const CheckerVerdict &verdict);

private:
  std::string mac(const std::string &digest, const CheckerVerdict &v) const;

  std::string path_;
  std::string key_; // raw secret bytes; empty: unusable
  std::map<std::string, CheckerVerdict> entries_;
};

inline constexpr const char *kVerdictVersion = "pike-checker-verdict-v1";

} // namespace pike::search

#endif
