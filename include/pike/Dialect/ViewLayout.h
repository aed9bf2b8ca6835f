// Strided layouts of view ops: where each element of a view lives in the
// contiguous buffer it was taken from. pike-fuse uses them to decide which
// views an elementwise region can read through, the generator to index the
// source buffer (docs/codegen.md, "Views read through").
#ifndef PIKE_DIALECT_VIEWLAYOUT_H
#define PIKE_DIALECT_VIEWLAYOUT_H

#include "pike/Dialect/PikeOps.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace pike {

/// Element (i0, ..., i{r-1}) of a tensor of `shape` is element
/// `offset + sum_d i_d * strides[d]` of its buffer.
struct StridedLayout {
  int64_t offset = 0;
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<int64_t> strides;

  /// The row-major layout of a fresh tensor of `shape`.
  static StridedLayout contiguous(llvm::ArrayRef<int64_t> shape);
  /// torch's is_contiguous (the offset aside): row-major strides on every dim
  /// of size other than 1.
  bool isContiguous() const;
  int64_t numel() const;
};

/// True for the view ops `viewLayout` knows: select, slice, narrow, chunk,
/// split, split_with_sizes, unsafe_chunk, unsafe_split, unbind, unsqueeze,
/// squeeze, view, reshape, flatten, unflatten, expand, permute, transpose, t.
bool isStridedViewOp(llvm::StringRef name);

/// The layout of result `resultIndex` of `view` when its source has layout
/// `source` (whose shape must be the source's static shape). Nothing when the
/// op is not a strided view, takes a tensor argument other than `self`
/// (a dynamic slice), or asks for a reshape the strides cannot express (torch
/// would copy); `why` then says which.
std::optional<StridedLayout> viewLayout(AtenOp view, unsigned resultIndex,
                                        const StridedLayout &source, std::string &why);

} // namespace pike

#endif
