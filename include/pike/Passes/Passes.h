#ifndef PIKE_PASSES_PASSES_H
#define PIKE_PASSES_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "pike/Dialect/PikeDialect.h"
#include "pike/Dialect/PikeOps.h"

namespace pike {

#define GEN_PASS_DECL
#include "pike/Passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "pike/Passes/Passes.h.inc"

} // namespace pike

#endif
