// Recognises files written by torch.save (a state_dict or a pickled module),
// which users hand to pike in place of a TorchScript export.
#ifndef PIKE_LIB_TORCHSCRIPT_TORCHSAVEFILE_H
#define PIKE_LIB_TORCHSCRIPT_TORCHSAVEFILE_H

#include <string>

namespace pike {

/// True for a torch.save archive (a zip with data.pkl but no TorchScript code)
/// or a legacy (pre-1.6) torch.save pickle.
bool isTorchSaveFile(const std::string &path);

} // namespace pike

#endif
