// pike-emit-torchscript: @forward and the kernel slots' references as TorchScript.
#include "pike/TorchScript/TorchScriptEmitter.h"
#include "pike/Passes/Passes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace pike {
#define GEN_PASS_DEF_PIKEEMITTORCHSCRIPT
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {
struct EmitTorchScriptPass : public pike::impl::PikeEmitTorchScriptBase<EmitTorchScriptPass> {
  using PikeEmitTorchScriptBase::PikeEmitTorchScriptBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!output.empty()) {
      auto forward = module.lookupSymbol<func::FuncOp>("forward");
      if (!forward) {
        module.emitError() << "no func.func @forward to emit";
        return signalPassFailure();
      }
      if (failed(emitTorchScriptModule(module, forward, EmitTorchScriptOptions(), output)))
        return signalPassFailure();
    }
    if (!referenceDir.empty()) {
      if (std::error_code ec = llvm::sys::fs::create_directories(referenceDir)) {
        module.emitError() << "cannot create '" << referenceDir << "': " << ec.message();
        return signalPassFailure();
      }
      for (KernelOp kernel : module.getOps<KernelOp>()) {
        llvm::SmallString<256> path(referenceDir);
        llvm::sys::path::append(path, kernel.getSymName() + ".pt");
        if (failed(emitKernelReference(module, kernel, std::string(path))))
          return signalPassFailure();
      }
    }
  }
};
} // namespace
