// Tuning database: the best kernel found so far per (region fingerprint, GPU
// arch, CUDA toolkit version, torch version, precision policy). Stored as a JSON-lines file that
// is rewritten whole (temp + fsync + rename) under an flock on every change, so
// it is never torn by a crash and concurrent pike-opt runs merge instead of
// overwriting each other. A torn or hand-damaged file still loads: bad lines are
// skipped with a file:line warning.
//
// A database is untrusted input (it travels between machines and people):
// every record is checked for self-consistency when it is loaded or merged
// (checkTuningRecord) and for fit with the slot it is applied to
// (checkRecordSignature); records that fail are never returned by lookup().
#ifndef PIKE_SEARCH_TUNINGDB_H
#define PIKE_SEARCH_TUNINGDB_H

#include "pike/Search/Driver.h"
#include "pike/Search/Interfaces.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace pike::search {

struct TuningKey {
  std::string fingerprint; // TaskSpec::fingerprint
  std::string arch;        // e.g. "sm_90"
  std::string toolkit;     // CUDA toolkit version, e.g. "13.0"
  std::string torch;       // torch version, e.g. "2.11.0"
  /// The precision policy the kernel was searched and verified under ("fp32",
  /// "tf32", "bf16", "fp16"; pike/Support/Precision.h). Records without it
  /// (written before policies were keyed) are fp32; the JSON names it only
  /// when it is not fp32, so those files keep their text.
  std::string precision = "fp32";
  auto tie() const { return std::tie(fingerprint, arch, toolkit, torch, precision); }
  bool operator<(const TuningKey &o) const { return tie() < o.tie(); }
  bool operator==(const TuningKey &o) const { return tie() == o.tie(); }
  std::string toString() const; // "fingerprint/arch/toolkit/torch" and "/precision" unless fp32
};

struct TuningRecord {
  TuningKey key;
  CandidateCode code;
  double speedup = 0;
  double candidateMs = 0;
  double referenceMs = 0;
  double compileMs = 0;
  nlohmann::json provenance = nlohmann::json::object(); // origin, candidate id, run, time...
  // {"inputs":[{shape,dtype}],"outputs":[...]} of the slot it was measured on;
  // null in records written before signatures were kept.
  nlohmann::json signature;
  // Set by `pike-db verify`: {"gpu","arch","date","host"} of the re-run that
  // found the kernel correct; null when never re-verified.
  nlohmann::json verifiedOn;
};

/// Bounds on what a record may hold (a database is untrusted input).
inline constexpr size_t kMaxRecordSourceBytes = 1u << 20;   // 1 MiB of CUDA
inline constexpr size_t kMaxRecordLineBytes = 8u << 20;     // one JSON line
inline constexpr int kMaxRecordJsonDepth = 32;              // records nest about 5 deep
inline constexpr size_t kMaxRecordLaunches = 64;
inline constexpr uint64_t kMaxDatabaseBytes = uint64_t(1) << 30; // a whole file

/// Why `r` is not self-consistent, or "" when it is: key fields present and
/// printable, times finite and positive, `speedup` equal to referenceMs /
/// candidateMs (0.1% tolerance), mode nvrtc/nvcc with a well-formed entry or
/// launch list, source present and at most kMaxRecordSourceBytes.
std::string checkTuningRecord(const TuningRecord &r);

/// Why `r` cannot run in a slot of this signature ({"inputs":[{shape,dtype}],
/// "outputs":[...]}), or "": the record's own signature, when it has one, must
/// be equal, and every launch argument must name an input or output the slot has.
std::string checkRecordSignature(const TuningRecord &r, const nlohmann::json &signature);

nlohmann::json toJson(const TuningRecord &r);
TuningRecord tuningRecordFromJson(const nlohmann::json &j); // throws std::runtime_error

/// Builds a record from a correct search candidate; provenance gets the
/// candidate's id, origin, parents and fix depth added to `provenance`.
TuningRecord makeTuningRecord(const TuningKey &key, const Candidate &c,
                              nlohmann::json provenance = nlohmann::json::object());

class TuningDb {
public:
  /// An empty path keeps the database in memory only. Loads the file if present.
  explicit TuningDb(std::string path = "");

  const std::string &path() const { return path_; }
  /// Warnings from loading (file:line of skipped lines and rejected records).
  const std::vector<std::string> &warnings() const { return warnings_; }
  /// The subset of warnings() about lines that are not a record at all
  /// (malformed JSON, too long, nested too deep): file:line: why.
  const std::vector<std::string> &damagedLines() const { return damaged_; }
  /// Why the record stored under `key` was rejected (checkTuningRecord), if it was
  /// and no acceptable record has that key.
  std::optional<std::string> rejection(const TuningKey &key) const;

  std::optional<TuningRecord> lookup(const TuningKey &key) const;
  /// The records a run under `key.precision` may use for `key`'s slot: its own
  /// policy's record first, then those of stricter policies (precisionAllows:
  /// an fp32 record serves a bf16 run, never the other way round), each group
  /// fastest first. A key whose precision is unknown gets nothing.
  std::vector<TuningRecord> lookupAllowed(const TuningKey &key) const;
  /// Keeps the record if its key is new or it is strictly faster than the stored
  /// one; returns whether it was kept. Persists immediately. Throws on I/O error
  /// and (std::invalid_argument) on a record failing checkTuningRecord.
  bool insert(const TuningRecord &record);

  /// {"version":1,"records":[...]} in key order.
  nlohmann::json exportJson() const;
  /// Merges another export (best per key wins); returns how many records were
  /// kept. Records failing checkTuningRecord are skipped with a warning.
  /// Throws std::runtime_error on a malformed document.
  size_t importJson(const nlohmann::json &doc);

  /// All records in key order.
  std::vector<TuningRecord> records() const;
  size_t size() const { return best_.size(); }

  /// Re-reads the file (records other processes added).
  void reload();

  /// Rewrites the file with exactly `records` (pike-db verify: marks and drops),
  /// under the same lock and atomic replacement as insert().
  void replaceAll(const std::vector<TuningRecord> &records);

private:
  bool mergeOne(const TuningRecord &r);
  size_t persist(const std::vector<TuningRecord> &incoming);
  void loadFile();

  std::string path_;
  std::map<TuningKey, TuningRecord> best_;
  std::map<TuningKey, std::string> rejected_;
  std::vector<std::string> warnings_;
  std::vector<std::string> damaged_;
};

/// What, besides the region, a tuned kernel depends on.
struct TuningEnv {
  std::string arch;    // "sm_90"
  std::string toolkit; // "13.0"
  std::string torch;   // "2.11.0"
  std::string precision = "fp32"; // the search's policy: its records' key, its seeds' limit
  TuningKey keyFor(const TaskSpec &t) const { return {t.fingerprint, arch, toolkit, torch, precision}; }
};

/// Seeds for SearchDriver::run: each task's database records the policy allows
/// (lookupAllowed; origin "tuning-db") and `keep` (when given) keeps, asked with
/// the task's index. The kernels are re-evaluated under the search's tolerance,
/// so a stale record cannot win.
std::vector<std::vector<SeedCode>>
seedsFromTuningDb(const TuningDb &db, const std::vector<TaskSpec> &tasks, const TuningEnv &env,
                  const std::function<bool(size_t, const TuningRecord &)> &keep = nullptr);

/// Inserts every task's best candidate (kept only where it beats the stored
/// one); `provenance` is added to each record. Returns how many were kept.
size_t recordInTuningDb(TuningDb &db, const SearchReport &report, const TuningEnv &env,
                        const nlohmann::json &provenance = nlohmann::json::object());

} // namespace pike::search

#endif
