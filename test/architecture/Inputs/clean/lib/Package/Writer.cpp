// Generated code may name torch headers in strings; a comment may too:
// #include <torch/torch.h>
const char *kHeader = "#include <ATen/ATen.h>\n";
#include "pike/TorchScript/TorchScriptEmitter.h"
