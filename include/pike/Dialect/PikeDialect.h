#ifndef PIKE_DIALECT_PIKEDIALECT_H
#define PIKE_DIALECT_PIKEDIALECT_H

#include "mlir/IR/Dialect.h"

#include "pike/Dialect/PikeDialect.h.inc"

#endif
