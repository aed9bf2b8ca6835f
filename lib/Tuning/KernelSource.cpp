#include "pike/Tuning/KernelSource.h"
#if __has_include("pike/Codegen/Codegen.h")
#include "pike/Codegen/Codegen.h"
#define PIKE_HAVE_CODEGEN 1
// Weak until every build has the generator's launcher; a null address means absent.
namespace pike::codegen {
std::string hostLauncher(const GeneratedKernel &k, llvm::ArrayRef<mlir::Type> inputs,
                         llvm::ArrayRef<mlir::Type> outputs, const std::string &entrySymbol)
    __attribute__((weak));
}
#endif
#include "pike/Tuning/SlotSupport.h"
#include <nlohmann/json.hpp>

using namespace mlir;

FailureOr<std::string> pike::kernelLauncherSource(KernelOp k, const std::string &entrySymbol) {
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
  if (!&codegen::hostLauncher)
    return k.emitError() << "pike was built without the kernel generator's launcher";
  return codegen::hostLauncher(gen, k.getFunctionType().getInputs(),
                               k.getFunctionType().getResults(), entrySymbol);
#endif
}
