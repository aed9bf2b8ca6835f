// What the passes need to know about each ATen operator pike accepts. An op
// missing here is "unsupported": the importer and the verifier name it.
#ifndef PIKE_DIALECT_OPREGISTRY_H
#define PIKE_DIALECT_OPREGISTRY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace pike {

enum class OpCategory {
  Elementwise,   // one output element from the same-index input elements (broadcasting)
  Reduction,     // reduces one or more dims
  Contraction,   // matmul / linear / conv: library-call candidates
  Normalization, // batch/layer/group norm: reduction + elementwise
  Softmax,       // softmax / log_softmax
  View,          // reshapes, permutes, slices: no arithmetic
  Data,          // concatenation, gather, indexing, creation
  Other,         // supported but opaque to fusion (e.g. lstm_cell, pooling)
};

struct OpInfo {
  llvm::StringRef name;
  OpCategory category;
};

/// Looks up an ATen operator by qualified name ("aten::relu").
std::optional<OpInfo> lookupAtenOp(llvm::StringRef name);
/// Every operator of the registry, ordered by category.
llvm::ArrayRef<OpInfo> allAtenOps();
llvm::StringRef toString(OpCategory c);

} // namespace pike

#endif
