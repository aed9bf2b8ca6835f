#include "pike/TorchScript/TorchScriptEmitter.h"
#include <c10/core/ScalarType.h>
#define GEN_PASS_DEF_PIKEUSESTORCH
