#include "pike/Codegen/Codegen.h"
