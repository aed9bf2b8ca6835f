#include "pike/Dialect/PikeDialect.h"
#include "pike/Dialect/PikeOps.h"

using namespace mlir;
using namespace pike;

#include "pike/Dialect/PikeDialect.cpp.inc"

void PikeDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "pike/Dialect/PikeOps.cpp.inc"
      >();
}
