// The memory layout of a kernel slot's tensors (pike.layout): which of its
// arguments and results are stored channels-last. One definition read by the
// generators, the signature sent to the worker and the package writer.
#ifndef PIKE_DIALECT_SLOTLAYOUT_H
#define PIKE_DIALECT_SLOTLAYOUT_H

#include "pike/Dialect/AttrNames.h"
#include "pike/Dialect/PikeOps.h"

#include "mlir/IR/BuiltinTypes.h"

namespace pike {

/// True when the slot is marked pike.layout = "nhwc".
inline bool isChannelsLastSlot(KernelOp kernel) {
  auto a = kernel->getAttrOfType<mlir::StringAttr>(kLayoutAttr);
  return a && a.getValue() == kLayoutNhwc;
}

/// True when a tensor of type `t` at the slot's boundary is stored channels-last:
/// the slot is "nhwc" and the tensor has rank 4.
inline bool isChannelsLastTensor(KernelOp kernel, mlir::Type t) {
  auto tt = mlir::dyn_cast<mlir::RankedTensorType>(t);
  return tt && tt.getRank() == 4 && isChannelsLastSlot(kernel);
}

/// The physical dimension order of a channels-last rank-4 tensor (N, H, W, C).
inline constexpr int64_t kNhwcOrder[4] = {0, 2, 3, 1};

} // namespace pike

#endif
