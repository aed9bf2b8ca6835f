// The worker must not see a compiler library.
#include "pike/Dialect/PikeOps.h"
