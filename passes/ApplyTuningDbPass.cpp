// pike-apply-tuning-db: replay the tuning database onto the slots
// (lib/Tuning/ApplyTuningDb.cpp).
#include "pike/Passes/Passes.h"
#include "pike/Tuning/ApplyTuningDb.h"

namespace pike {
#define GEN_PASS_DEF_PIKEAPPLYTUNINGDB
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {
struct ApplyTuningDbPass : public pike::impl::PikeApplyTuningDbBase<ApplyTuningDbPass> {
  using PikeApplyTuningDbBase::PikeApplyTuningDbBase;

  void runOnOperation() override {
    ApplyTuningDbOptions options;
    options.db = db;
    options.arch = arch;
    options.toolkit = toolkit;
    options.torchVersion = torchVersion;
    options.require = require;
    options.minSpeedup = minSpeedup;
    options.check = check;
    options.references = references;
    std::optional<Precision> policy = parsePrecision(precision);
    if (!policy) {
      getOperation().emitError() << "unknown precision='" << precision << "' (expected "
                                 << precisionChoices() << ")";
      return signalPassFailure();
    }
    options.precision = *policy;
    options.tolerance = defaultTolerance(*policy);
    if (atol >= 0)
      options.tolerance.atol = atol;
    if (rtol >= 0)
      options.tolerance.rtol = rtol;
    if (failed(applyTuningDb(getOperation(), options)))
      signalPassFailure();
  }
};
} // namespace
