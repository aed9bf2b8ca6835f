// pike-apply-tuning-db: replay the tuning database onto the slots.
#include "pike/Passes/Passes.h"
#include "pike/Passes/SlotSupport.h"
#include "pike/Search/TuningDb.h"

#include "mlir/IR/Builders.h"
#include <sstream>
#include "llvm/Support/FileSystem.h"

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
    ModuleOp module = getOperation();
    if (db.empty() || !llvm::sys::fs::exists(db)) {
      module.emitError() << "tuning database '" << db << "' does not exist";
      return signalPassFailure();
    }
    search::TuningDb database(db);
    for (const std::string &w : database.warnings())
      module.emitWarning() << w;
    search::TuningEnv env = tuningEnv(arch);
    if (!toolkit.empty())
      env.toolkit = toolkit;
    if (!torchVersion.empty())
      env.torch = torchVersion;
    Builder b(module.getContext());
    unsigned applied = 0, missing = 0;
    for (KernelOp kernel : module.getOps<KernelOp>()) {
      if (kernel.getImpl() != "reference")
        continue;
      search::TuningKey key{slotFingerprint(kernel), env.arch, env.toolkit, env.torch};
      std::optional<search::TuningRecord> record = database.lookup(key);
      if (!record) {
        ++missing;
        kernel->setAttr("pike.fallback_reason",
                        b.getStringAttr("no tuning record for " + key.toString()));
        if (require) {
          kernel.emitError() << "no tuning record for " << key.toString();
          return signalPassFailure();
        }
        continue;
      }
      if (record->speedup < minSpeedup) {
        std::ostringstream why;
        why.precision(3);
        why << "tuning record ran at " << record->speedup << "x of the reference (needs "
            << minSpeedup << "x)";
        kernel->setAttr("pike.fallback_reason", b.getStringAttr(why.str()));
        continue;
      }
      applyCandidate(kernel, record->code);
      kernel->setAttr("pike.speedup", b.getF64FloatAttr(record->speedup));
      kernel->setAttr("pike.kernel_ms", b.getF64FloatAttr(record->candidateMs));
      kernel->setAttr("pike.reference_ms", b.getF64FloatAttr(record->referenceMs));
      kernel->setAttr("pike.verified", b.getStringAttr("tuning database (" + db + ")"));
      ++applied;
    }
    module->setAttr("pike.tuning_db_applied", b.getI64IntegerAttr(applied));
    (void)missing;
  }
};
} // namespace
