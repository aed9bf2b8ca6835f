// Where the tensors of a loaded TorchScript archive lie in the archive file.
//
// A .pt file is a zip whose tensor storages are stored uncompressed, one record
// each. LibTorch reads every record in one piece straight into the storage it
// hands to the module; `RecordingFileAdapter` notes those reads, and
// `ArchiveStorages` keeps the ones that became storages of the loaded module.
// The importer then names a weight's bytes by their place in the model file
// instead of copying them into the weights file (hundreds of MB for a GPT-2).
#ifndef PIKE_TORCHSCRIPT_ARCHIVESTORAGES_H
#define PIKE_TORCHSCRIPT_ARCHIVESTORAGES_H

#include "pike/TorchScript/SafeTensors.h"

#include <caffe2/serialize/file_adapter.h>
#include <torch/csrc/jit/api/module.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace pike {

/// LibTorch's own file reader (same errors), noting every read of at least
/// `kMinNotedBytes`: destination buffer -> (file offset, bytes).
class RecordingFileAdapter final : public caffe2::serialize::ReadAdapterInterface {
public:
  static constexpr size_t kMinNotedBytes = 256;

  explicit RecordingFileAdapter(const std::string &path) : file(path) {}
  size_t size() const override { return file.size(); }
  size_t read(uint64_t pos, void *buf, size_t n, const char *what = "") const override;

  struct Read {
    uint64_t offset;
    size_t bytes;
  };
  /// The last read into each buffer.
  const std::unordered_map<const void *, Read> &reads() const { return noted; }

private:
  caffe2::serialize::FileAdapter file;
  mutable std::unordered_map<const void *, Read> noted;
};

/// The loaded module's tensor storages whose bytes are one record of the file,
/// each kept alive so that its memory cannot be reused for another tensor.
class ArchiveStorages {
public:
  /// Call right after loading `module` through `reads`: every tensor reachable
  /// from the module (attributes, and constants of its compiled functions)
  /// whose whole storage was filled by one noted read of `source.path`.
  void collect(const torch::jit::Module &module, const RecordingFileAdapter &reads,
               const SourceFileStamp &source);

  /// Where the bytes of the contiguous tensor `t` lie in the file, if they are
  /// one of the collected storages (or a part of one).
  std::optional<uint64_t> fileOffset(const at::Tensor &t) const;

  const SourceFileStamp &source() const { return stamp; }
  bool empty() const { return spans.empty(); }

private:
  void add(const at::Tensor &t, const RecordingFileAdapter &reads, int fd);

  struct Span {
    uint64_t offset;
    size_t bytes;
    c10::Storage keepAlive;
  };
  std::unordered_map<const void *, Span> spans; // by storage base address
  SourceFileStamp stamp;
};

} // namespace pike

#endif
