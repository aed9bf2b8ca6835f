// Options of one evolutionary search run. Parsed from "key=value,key=value" so
// the MLIR passes can forward a single string pass option unchanged.
#ifndef PIKE_SEARCH_OPTIONS_H
#define PIKE_SEARCH_OPTIONS_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pike::search {

struct SearchOptions {
  int64_t budget = 100;          // proposer+fixer queries per task (region); >= 1
  double budgetUsd = 0;          // dollars for the whole run; 0 = no dollar cap
  int islands = 4;
  int eliteK = 4;                // parents are drawn from the top-k of an island
  int parentsPerProposal = 2;    // how many elites a proposer sees (<= eliteK)
  int generationSize = 8;        // proposals per task drawn from one population snapshot
  int64_t migrationInterval = 16; // proposals per task between ring migrations; 0 = never
  int migrants = 1;              // best candidates each island sends to the next
  int fixAttempts = 5;           // fixer calls per broken proposal chain
  int parallel = 1;              // jobs (query + evaluation) in flight
  uint64_t seed = 0;
  double wallClockSec = 0;       // 0 = no limit
  std::string checkpointPath;    // JSONL log; resumed when it exists
  std::string dbPath;            // tuning database (used by the caller, see TuningDb.h)
  std::string tracePath;         // trace JSON written at the end of each generation
  std::string objective2 = "none"; // "none" | "compile_ms" | "code_size"

  /// Every key accepted by parse(), in documentation order.
  static const std::vector<std::string> &keys();

  /// Parses "key=value,..." on top of the current values. Values may be quoted
  /// with "..." to contain commas. Returns "" on success, else an error naming the
  /// offending key; *this is left unchanged on error.
  std::string parse(const std::string &text);

  /// Returns "" when the options are consistent, else an error naming the key.
  std::string validate() const;

  /// Canonical "key=value,..." (parse(toString()) reproduces the options).
  std::string toString() const;
  nlohmann::json toJson() const;
};

} // namespace pike::search

#endif
