#include "pike/Passes/KernelSource.h"
#if __has_include("pike/Codegen/Codegen.h")
#include "pike/Codegen/Codegen.h"
#define PIKE_HAVE_CODEGEN 1
#endif
#include "pike/Passes/SlotSupport.h"
#include <nlohmann/json.hpp>

using namespace mlir;

FailureOr<std::string> pike::kernelLauncherSource(KernelOp k) {
  if (k.getImpl() == "reference" || !k.getSource())
    return k.emitError() << "slot has no CUDA source to package";
#ifndef PIKE_HAVE_CODEGEN
  return k.emitError() << "pike was built without the kernel generator";
#else
  codegen::GeneratedKernel gen;
  gen.source = k.getSource()->str();
  gen.mode = k.getImpl().str();
  gen.entry = k.getEntry().str();
  if (auto e = k->getAttrOfType<StringAttr>("pike.source_entry"))
    gen.entry = e.str();
  gen.launches = launchesFromAttr(k.getLaunchesAttr());
  return codegen::hostLauncher(gen, k.getFunctionType().getInputs(),
                               k.getFunctionType().getResults(), k.getEntry().str());
#endif
}
