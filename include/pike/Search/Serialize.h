// JSON forms of the interface types, used by the checkpoint log, the tuning
// database and the trace. Round trips are exact (doubles are written with full
// precision by nlohmann::json).
#ifndef PIKE_SEARCH_SERIALIZE_H
#define PIKE_SEARCH_SERIALIZE_H

#include "pike/Search/Interfaces.h"

#include <string>

namespace pike::search {

nlohmann::json toJson(const CandidateCode &c);
nlohmann::json toJson(const EvalResult &r);
nlohmann::json toJson(const Candidate &c);
nlohmann::json toJson(const Spend &s);

// The from* functions throw std::runtime_error naming the missing/bad field.
CandidateCode codeFromJson(const nlohmann::json &j);
EvalResult resultFromJson(const nlohmann::json &j);
Candidate candidateFromJson(const nlohmann::json &j);
Spend spendFromJson(const nlohmann::json &j);

/// Stable 64-bit FNV-1a hash, hex encoded (16 chars); same on every platform.
std::string stableHash(const std::string &data);

/// Candidate id: hash of the task fingerprint and everything that defines the
/// kernel (source, mode, entry, launches), not of knobs or provenance.
std::string candidateId(const std::string &taskFingerprint, const CandidateCode &code);

} // namespace pike::search

#endif
