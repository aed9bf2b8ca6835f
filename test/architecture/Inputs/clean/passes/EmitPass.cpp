// Passes reach LibTorch only through lib/TorchScript's API.
#include "pike/TorchScript/TorchScriptEmitter.h"
#define GEN_PASS_DEF_PIKEEMIT
