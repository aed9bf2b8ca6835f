// pike-emit-package: the ahead-of-time package of the optimised model.
#include "pike/Package/PackageWriter.h"
#include "pike/Passes/KernelSource.h"
#include "pike/Passes/Passes.h"
#include "pike/Passes/WorkerArch.h"

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
      if (!searched) {
        getOperation().emitError() << "cuda-arch=auto needs the architecture a search resolved "
                                      "(module attribute " << kCudaArchAttr << "); none ran";
        return signalPassFailure();
      }
      StringRef arch = searched.getValue();
      arch.consume_front("sm_");
      options.cudaArch = arch.str();
    }
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
