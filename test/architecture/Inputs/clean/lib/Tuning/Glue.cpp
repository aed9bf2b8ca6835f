#include "pike/Tuning/SlotSupport.h"
#include "pike/TorchScript/TorchScriptEmitter.h"
#include "mlir/IR/BuiltinOps.h"
