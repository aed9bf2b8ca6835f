#include "ArchiveStorages.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/constants.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace pike;
namespace tj = torch::jit;

size_t RecordingFileAdapter::read(uint64_t pos, void *buf, size_t n, const char *what) const {
  size_t got = file.read(pos, buf, n, what);
  if (got == n && n >= kMinNotedBytes)
    noted[buf] = Read{pos, n};
  else
    noted.erase(buf);
  return got;
}

namespace {

void forEachTensor(const c10::IValue &v, const std::function<void(const at::Tensor &)> &fn) {
  if (v.isTensor()) {
    fn(v.toTensor());
  } else if (v.isList()) {
    for (const c10::IValue &e : v.toListRef())
      forEachTensor(e, fn);
  } else if (v.isTuple()) {
    for (const c10::IValue &e : v.toTupleRef().elements())
      forEachTensor(e, fn);
  } else if (v.isGenericDict()) {
    for (const auto &kv : v.toGenericDict())
      forEachTensor(kv.value(), fn);
  }
}

void forEachConstant(tj::Block *block, const std::function<void(const at::Tensor &)> &fn) {
  for (tj::Node *node : block->nodes()) {
    if (node->kind() == c10::prim::Constant && node->outputs().size() == 1)
      if (std::optional<c10::IValue> v = tj::toIValue(node->output()))
        forEachTensor(*v, fn);
    for (tj::Block *inner : node->blocks())
      forEachConstant(inner, fn);
  }
}

/// The first bytes of the storage are the file's at `offset`: a cheap guard
/// against a reader that filled the buffer some other way.
bool startsLikeFile(int fd, uint64_t offset, const void *data, size_t bytes) {
  uint8_t head[512];
  size_t n = std::min(bytes, sizeof(head));
  ssize_t got = ::pread(fd, head, n, static_cast<off_t>(offset));
  return got == static_cast<ssize_t>(n) && std::memcmp(head, data, n) == 0;
}

} // namespace

void ArchiveStorages::add(const at::Tensor &t, const RecordingFileAdapter &reads, int fd) {
  if (!t.defined() || !t.device().is_cpu() || !t.has_storage())
    return;
  const c10::Storage &storage = t.storage();
  const void *base = storage.data();
  if (!base || spans.count(base))
    return;
  auto read = reads.reads().find(base);
  if (read == reads.reads().end() || read->second.bytes != storage.nbytes())
    return;
  if (!startsLikeFile(fd, read->second.offset, base, storage.nbytes()))
    return;
  spans.emplace(base, Span{read->second.offset, storage.nbytes(), storage});
}

void ArchiveStorages::collect(const tj::Module &module, const RecordingFileAdapter &reads,
                              const SourceFileStamp &source) {
  stamp = source;
  int fd = ::open(source.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  auto visit = [&](const at::Tensor &t) { add(t, reads, fd); };
  for (const tj::NameValue &attr : module.named_attributes(/*recurse=*/true))
    forEachTensor(attr.value, visit);
  // A frozen module's weights are constants of its compiled code.
  for (tj::Function *fn : module._ivalue()->compilation_unit()->get_functions())
    if (tj::GraphFunction *graphFn = tj::tryToGraphFunction(*fn))
      forEachConstant(graphFn->graph()->block(), visit);
  ::close(fd);
}

std::optional<uint64_t> ArchiveStorages::fileOffset(const at::Tensor &t) const {
  if (!t.has_storage() || !t.is_contiguous())
    return std::nullopt;
  auto span = spans.find(t.storage().data());
  if (span == spans.end())
    return std::nullopt;
  const auto *base = static_cast<const uint8_t *>(span->first);
  const auto *begin = static_cast<const uint8_t *>(t.data_ptr());
  if (begin < base || begin + t.nbytes() > base + span->second.bytes)
    return std::nullopt;
  return span->second.offset + static_cast<uint64_t>(begin - base);
}
