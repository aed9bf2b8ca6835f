// Minimal safetensors reader/writer: 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}}, then the raw bytes.
#ifndef PIKE_TORCHSCRIPT_SAFETENSORS_H
#define PIKE_TORCHSCRIPT_SAFETENSORS_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pike {

struct RawTensor {
  std::string dtype; // safetensors names: F32, F16, BF16, F64, I64, I32, BOOL, U8, I8
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
  /// Instead of `bytes`: data owned elsewhere (the importer's LibTorch tensors,
  /// hundreds of MB for large models), kept alive by `owner`, never copied.
  std::shared_ptr<const void> owner;
  const uint8_t *borrowed = nullptr;
  size_t borrowedSize = 0;

  const uint8_t *data() const { return borrowed ? borrowed : bytes.data(); }
  size_t size() const { return borrowed ? borrowedSize : bytes.size(); }
};

bool writeSafeTensors(const std::string &path, const std::map<std::string, RawTensor> &tensors,
                      std::string &error);
bool readSafeTensors(const std::string &path, std::map<std::string, RawTensor> &tensors,
                     std::string &error);

} // namespace pike

#endif
