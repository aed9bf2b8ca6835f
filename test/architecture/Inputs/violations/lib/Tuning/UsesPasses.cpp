// The glue reaching up into the passes.
#include "pike/Passes/Passes.h"
