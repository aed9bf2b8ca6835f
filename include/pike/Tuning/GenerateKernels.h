// The built-in generator applied to every reference slot of a module: each gets
// a candidate's CUDA (impl, source, launches, entry); what the generator cannot
// handle keeps its reference body with a remark (an error with `strict`).
#ifndef PIKE_TUNING_GENERATEKERNELS_H
#define PIKE_TUNING_GENERATEKERNELS_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>

namespace pike {

struct GenerateKernelsOptions {
  std::string knobs;       // JSON object overriding the chosen candidate's knobs
  std::string dumpDir;     // write each slot's nvcc host-launcher source <slot>.cu here
  std::string hostRefDir;  // write each slot's C++ host reference <slot>.cpp/.json here
  bool strict = false;     // a slot the generator cannot handle is an error
  unsigned candidate = 0;  // the N-th candidate knobs (clamped to the knob space)
  int64_t mutateSeed = -1; // codegen::mutate the chosen knobs with this seed (-1: none)
  bool listKnobs = false;  // record the knob space as pike.candidates
};

mlir::LogicalResult generateKernels(mlir::ModuleOp module, const GenerateKernelsOptions &options);

} // namespace pike

#endif
