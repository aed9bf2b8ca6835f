// pike's dtype table (pike/Support/DType.h) on MLIR element types.
#ifndef PIKE_DIALECT_DTYPE_H
#define PIKE_DIALECT_DTYPE_H

#include "pike/Support/DType.h"

#include "mlir/IR/Types.h"

namespace pike {

/// The MLIR element type of `t`.
mlir::Type mlirTypeOf(DType t, mlir::MLIRContext *ctx);

/// The table row of an MLIR element type, or nullptr when pike has none for it.
const DTypeInfo *dtypeOf(mlir::Type elementType);

} // namespace pike

#endif
