#include "pike/TorchScript/TorchScriptEmitter.h"
#include <c10/core/ScalarType.h>
