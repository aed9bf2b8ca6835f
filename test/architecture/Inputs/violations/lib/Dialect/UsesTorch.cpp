// The dialect must not see LibTorch.
#include "pike/Dialect/PikeOps.h"
#include <torch/torch.h>
