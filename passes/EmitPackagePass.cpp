// pike-emit-package: the ahead-of-time package of the optimised model.
#include "pike/Package/PackageWriter.h"
#include "pike/Passes/Passes.h"
#include "pike/Tuning/KernelSource.h"
#include "pike/Tuning/WorkerArch.h"

namespace pike {
#define GEN_PASS_DEF_PIKEEMITPACKAGE
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {
struct EmitPackagePass : public pike::impl::PikeEmitPackageBase<EmitPackagePass> {
  using PikeEmitPackageBase::PikeEmitPackageBase;

  void runOnOperation() override {
    PackageOptions options;
    options.outputDir = outputDir;
    options.cudaGraphs = cudaGraphs;
    options.build = build;
    options.cudaArch = cudaArch;
    if (options.cudaArch == "auto") {
      // The architecture the search resolved from its workers' GPU.
      auto searched = getOperation()->getAttrOfType<StringAttr>(kCudaArchAttr);
      // No slot was left to search, so no worker was asked: the default.
      if (!searched)
        getOperation().emitWarning() << "cuda-arch=auto: no search asked a worker for its GPU "
                                        "(no slot to search); building for sm_90";
      StringRef arch = searched ? searched.getValue() : StringRef("sm_90");
      arch.consume_front("sm_");
      options.cudaArch = arch.str();
    }
    std::optional<Precision> policy = parsePrecision(precision);
    if (!policy) {
      getOperation().emitError() << "unknown precision='" << precision << "' (expected "
                                 << precisionChoices() << ")";
      return signalPassFailure();
    }
    options.precision = *policy;
    options.channelsLast = channelsLast;
    FailureOr<PackageKernelSources> sources = packageKernelSources(getOperation());
    if (failed(sources) || failed(writePackage(getOperation(), options, *sources)))
      signalPassFailure();
  }
};
} // namespace
