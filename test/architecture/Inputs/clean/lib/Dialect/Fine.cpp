// What the rules allow: MLIR in the dialect.
#include "mlir/IR/Builders.h"
#include "pike/Dialect/PikeOps.h"
