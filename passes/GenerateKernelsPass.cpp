// pike-generate-kernels: the built-in kernel generator on every reference slot
// (lib/Tuning/GenerateKernels.cpp).
#include "pike/Passes/Passes.h"
#include "pike/Tuning/GenerateKernels.h"

namespace pike {
#define GEN_PASS_DEF_PIKEGENERATEKERNELS
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {
struct GenerateKernelsPass : public pike::impl::PikeGenerateKernelsBase<GenerateKernelsPass> {
  using PikeGenerateKernelsBase::PikeGenerateKernelsBase;

  void runOnOperation() override {
    GenerateKernelsOptions options;
    options.knobs = knobs;
    options.dumpDir = dumpDir;
    options.hostRefDir = hostRefDir;
    options.strict = strict;
    options.candidate = candidate;
    options.mutateSeed = mutateSeed;
    options.listKnobs = listKnobs;
    if (failed(generateKernels(getOperation(), options)))
      signalPassFailure();
  }
};
} // namespace
