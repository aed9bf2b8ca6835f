#include <torch/torch.h>
#include "pike/WorkerClient/Protocol.h"
