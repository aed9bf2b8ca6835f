// Installing each reference slot's best known kernel from a tuning database:
// no search, no GPU. The database is untrusted input; what a record must pass
// before it reaches a slot is in ApplyTuningDb.cpp and docs/search.md.
#ifndef PIKE_TUNING_APPLYTUNINGDB_H
#define PIKE_TUNING_APPLYTUNINGDB_H

#include "pike/Support/Precision.h"

#include "mlir/IR/BuiltinOps.h"

#include <set>
#include <string>

namespace pike {

struct ApplyTuningDbOptions {
  std::string db;            // the database file
  std::string arch = "sm_90"; // GPU architecture of the records
  std::string toolkit;       // CUDA toolkit of the records ("" = pike's build)
  std::string torchVersion;  // torch of the records ("" = pike's build)
  bool require = false;      // a slot without a usable record is an error
  double minSpeedup = 1.02;  // install only records measured at least this much faster
  bool check = true;         // a record pike's generator does not reproduce must pass the checker
  std::string references;    // write <fingerprint>.pt/.task.json here ("" = none)
  /// The run's precision policy: records of this policy or a stricter one
  /// (TuningDb::lookupAllowed), and none whose knobs ask for more than it allows.
  Precision precision = Precision::FP32;
  /// The run's tolerance: a record the worker checked with a looser one is not
  /// used (records without one were checked with the worker's default, 1e-2/1e-2).
  Tolerance tolerance = defaultTolerance(Precision::FP32);
  /// Only these slots (kernel names); empty: every reference slot. The searches
  /// give the slots they did not reach their records this way.
  std::set<std::string> onlySlots;
};

/// Installs the records on the module's reference slots; a refused record is a
/// warning (an error with `require`) and leaves the slot on its reference.
mlir::LogicalResult applyTuningDb(mlir::ModuleOp module, const ApplyTuningDbOptions &options);

} // namespace pike

#endif
