#ifndef PIKE_DIALECT_PIKEOPS_H
#define PIKE_DIALECT_PIKEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "pike/Dialect/AttrNames.h"
#include "pike/Dialect/PikeDialect.h"

#include "pike/Dialect/PikeEnums.h.inc"

#define GET_OP_CLASSES
#include "pike/Dialect/PikeOps.h.inc"

#endif
