// The search engine must not see MLIR.
#include "mlir/IR/Builders.h"
