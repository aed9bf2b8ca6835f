#include "pike/Tuning/KernelSource.h"
#include "pike/Codegen/Codegen.h"
#include "pike/Dialect/AttrNames.h"
#include "pike/Tuning/SlotSupport.h"

using namespace mlir;

FailureOr<std::string> pike::kernelLauncherSource(KernelOp k, const std::string &entrySymbol) {
  if (k.getImplKind() == KernelImpl::Reference || !k.getSource())
    return k.emitError() << "slot has no CUDA source to package";
  codegen::GeneratedKernel gen;
  gen.source = k.getSource()->str();
  gen.mode = k.getImpl().str();
  gen.entry = k.getEntry().str();
  if (auto e = k->getAttrOfType<StringAttr>(pike::kSourceEntryAttr))
    gen.entry = e.str();
  gen.launches = launchesFromAttr(k.getLaunchesAttr());
  return codegen::hostLauncher(gen, k.getFunctionType().getInputs(),
                               k.getFunctionType().getResults(), entrySymbol);
}

FailureOr<pike::PackageKernelSources> pike::packageKernelSources(ModuleOp module) {
  PackageKernelSources sources;
  for (KernelOp k : module.getOps<KernelOp>()) {
    if (!packagesAsCustomOp(k))
      continue;
    FailureOr<std::string> source = kernelLauncherSource(k, kPackageEntryPlaceholder);
    if (failed(source))
      return failure();
    sources[k.getSymName().str()] = std::move(*source);
  }
  return sources;
}
