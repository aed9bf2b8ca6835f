#include "pike/Tuning/WorkerArch.h"

#include <cctype>

std::string pike::tuningArchOf(const std::string &deviceArch) {
  std::string arch = deviceArch;
  if (arch.size() > 3 && std::isalpha(static_cast<unsigned char>(arch.back())) &&
      std::isdigit(static_cast<unsigned char>(arch[arch.size() - 2])))
    arch.pop_back();
  return arch;
}
