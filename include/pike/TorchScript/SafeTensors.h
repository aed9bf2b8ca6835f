// Minimal safetensors reader/writer: 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}}, then the raw bytes.
//
// A pike weights file may also take tensors from the model file it was imported
// from, where they already lie uncompressed (a .pt archive's storage records):
// the header's "__metadata__" then holds "pike.source" (the model's absolute
// path), "pike.source_size" and "pike.source_mtime_ns" (the model as it was at
// import; the reader refuses a model that changed since) and
// "pike.source_tensors", a JSON object {name: {dtype, shape, file_offsets}}
// whose offsets are byte ranges of the model file. Other safetensors readers see
// only the tensors stored in the file itself.
#ifndef PIKE_TORCHSCRIPT_SAFETENSORS_H
#define PIKE_TORCHSCRIPT_SAFETENSORS_H

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
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
  /// The same bytes also lie at this offset of the model file being imported:
  /// the writer records the place instead of a copy.
  std::optional<uint64_t> sourceOffset;

  const uint8_t *data() const { return borrowed ? borrowed : bytes.data(); }
  size_t size() const { return borrowed ? borrowedSize : bytes.size(); }
};

/// The model file a weights file takes tensors from, as it was when imported.
struct SourceFileStamp {
  std::string path; // absolute
  uint64_t size = 0;
  int64_t mtimeNs = 0;
};

/// Size and modification time of `path` now (nullopt if it cannot be read).
std::optional<SourceFileStamp> stampOf(const std::string &path);

/// Writes `tensors`; those with a `sourceOffset` are recorded as ranges of
/// `source` (required when any tensor has one), the others are stored.
bool writeSafeTensors(const std::string &path, const std::map<std::string, RawTensor> &tensors,
                      std::string &error, const SourceFileStamp *source = nullptr);
/// Reads every tensor into `bytes`, from the file or from its source model.
bool readSafeTensors(const std::string &path, std::map<std::string, RawTensor> &tensors,
                     std::string &error);

} // namespace pike

#endif
