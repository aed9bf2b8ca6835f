// Minimal safetensors reader/writer: 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}}, then the raw bytes.
#ifndef PIKE_IMPORTER_SAFETENSORS_H
#define PIKE_IMPORTER_SAFETENSORS_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pike {

struct RawTensor {
  std::string dtype; // safetensors names: F32, F16, BF16, F64, I64, I32, BOOL, U8, I8
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

bool writeSafeTensors(const std::string &path, const std::map<std::string, RawTensor> &tensors,
                      std::string &error);
bool readSafeTensors(const std::string &path, std::map<std::string, RawTensor> &tensors,
                     std::string &error);

} // namespace pike

#endif
