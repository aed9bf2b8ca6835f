// pike-emit-package: the ahead-of-time package of the optimised model.
#include "pike/Package/PackageWriter.h"
#include "pike/Passes/KernelSource.h"
#include "pike/Passes/Passes.h"

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
    options.allowTF32 = allowTF32;
    options.channelsLast = channelsLast;
    options.kernelSource = [](KernelOp k, const std::string &entry) {
      return kernelLauncherSource(k, entry);
    };
    if (failed(writePackage(getOperation(), options)))
      signalPassFailure();
  }
};
} // namespace
