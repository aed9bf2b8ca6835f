#include "TorchSaveFile.h"

#include <caffe2/serialize/inline_container.h>

#include <fstream>

bool pike::isTorchSaveFile(const std::string &path) {
  unsigned char magic[4] = {0, 0, 0, 0};
  {
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char *>(magic), 4);
    if (in.gcount() < 2)
      return false;
  }
  // Pickle protocol 2+ starts with PROTO (0x80); torch.save's legacy format does.
  if (magic[0] == 0x80 && magic[1] >= 2 && magic[1] <= 5)
    return true;
  if (!(magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4))
    return false;
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (!reader.hasRecord("data.pkl"))
      return false;
    // TorchScript archives carry their code and constants beside data.pkl.
    for (const std::string &name : reader.getAllRecords())
      if (name.rfind("code/", 0) == 0 || name == "constants.pkl")
        return false;
    return true;
  } catch (const std::exception &) {
    return false;
  }
}
