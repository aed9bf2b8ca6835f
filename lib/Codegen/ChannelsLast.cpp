// Channels-last slots (pike.layout = "nhwc"): the elementwise-style generators
// iterate in the physical order of the slot's rank-4 tensors, N, H, W, C.
//
// Why the physical order and not logical indices into strided tensors: every
// channels-last argument and result is then read and written at the linear
// index itself (coalesced, float4 vectors), and the operands that broadcast
// against it (per-channel bias and scale vectors, folded constants) are
// contiguous in that order too, since their H and W extents are 1. The only
// operands that cannot be read this way are contiguous ones with a channel
// extent and a spatial extent (a [C, H, W] constant): refused, the slot keeps
// its reference.
#include "Internal.h"

#include "pike/Dialect/SlotLayout.h"

using namespace mlir;

namespace pike::codegen::detail {

namespace {

/// `s` right-aligned in a rank-4 space: leading 1s added (its last four dims
/// when it has more, which the callers refuse first).
std::vector<int64_t> paddedTo4(llvm::ArrayRef<int64_t> s) {
  const size_t kept = std::min<size_t>(4, s.size());
  std::vector<int64_t> padded(4 - kept, 1);
  padded.insert(padded.end(), s.end() - kept, s.end());
  return padded;
}

/// Where logical dim `d` (N, C, H, W) sits in the physical order N, H, W, C.
size_t physicalPosition(int64_t d) {
  for (size_t pos = 0; pos < 4; ++pos)
    if (kNhwcOrder[pos] == d)
      return pos;
  return static_cast<size_t>(d);
}

} // namespace

std::vector<int64_t> channelsLastShape(llvm::ArrayRef<int64_t> s) {
  std::vector<int64_t> padded = paddedTo4(s), out(4);
  for (size_t k = 0; k < 4; ++k)
    out[k] = padded[kNhwcOrder[k]];
  return out;
}

void toChannelsLastCat(CatPlan &p) {
  p.dim = static_cast<int64_t>(physicalPosition(p.dim));
  p.shape = channelsLastShape(p.shape);
}

std::string ElemEmitter::logicalCoord(size_t d) const {
  if (logical.empty())
    return cp + std::to_string(d);
  return cp + std::to_string(physicalPosition(static_cast<int64_t>(d)));
}

bool toChannelsLastSpace(pike::KernelOp kernel, std::vector<int64_t> &iter, std::vector<int64_t> &logical,
                         llvm::DenseMap<Value, TensorRef> &tensors, Unsupported &err) {
  if (iter.size() != 4)
    return err.fail(kernel, "a channels-last slot whose iteration space has rank " + std::to_string(iter.size()) +
                                " (channels-last code needs rank 4)");
  Block &body = kernel.getBody().front();
  for (auto &[v, t] : tensors) {
    if (t.layout)
      return err.fail(kernel, "a view read in a channels-last slot");
    auto arg = dyn_cast<BlockArgument>(v);
    bool channelsLastArg = arg && arg.getOwner() == &body && t.shape.size() == 4;
    if (t.shape.size() > 4)
      return err.fail(kernel, "an operand of rank " + std::to_string(t.shape.size()) + " in a channels-last slot");
    if (!channelsLastArg) {
      // A contiguous operand keeps its memory order only if its channel and
      // spatial extents are not both above 1.
      std::vector<int64_t> padded = paddedTo4(t.shape);
      if (padded[1] != 1 && (padded[2] != 1 || padded[3] != 1)) {
        std::string shape;
        for (int64_t d : t.shape)
          shape += (shape.empty() ? "" : "x") + std::to_string(d);
        Operation *at = v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation();
        return err.fail(at, "a contiguous operand of shape [" + shape +
                                "] would need a transposed read in a channels-last slot");
      }
    }
    t.shape = channelsLastShape(t.shape);
  }
  logical = iter;
  iter = channelsLastShape(logical);
  return true;
}

} // namespace pike::codegen::detail
