// Views read through: an elementwise slot whose body takes a view (chunk,
// slice, select, ...) of one of its arguments reads the argument's buffer at
// the view's strided index instead of a materialised copy (docs/codegen.md,
// "Views read through"). The layouts come from pike/Dialect/ViewLayout.h.
#include "Internal.h"

#include "pike/Dialect/OpRegistry.h"

using namespace mlir;

namespace pike::codegen::detail {

bool isViewRead(Operation *op) {
  auto a = dyn_cast<pike::AtenOp>(op);
  return a && isStridedViewOp(a.getName());
}

bool bindViewReads(Block &body, llvm::DenseMap<Value, TensorRef> &tensors, Unsupported &err) {
  for (Operation &op : body) {
    if (!isViewRead(&op))
      continue;
    auto view = cast<pike::AtenOp>(op);
    if (view.getInputs().size() != 1)
      return err.fail(&op, "view '" + view.getName().str() +
                               "' takes a tensor argument besides 'self' (a dynamic view)");
    auto src = tensors.find(view.getInputs()[0]);
    if (src == tensors.end())
      return err.fail(&op, "view '" + view.getName().str() +
                               "' of a value computed inside the region (views read slot "
                               "arguments or other views only)");
    // Readers index the view through ElemEmitter::value; an op that takes its
    // operand's buffer pointer (an anchor, a cat prologue) would miss the layout.
    for (Operation *reader : op.getUsers())
      if (!isViewRead(reader) && !isa<pike::YieldOp>(reader) && !ElemEmitter::supports(reader))
        return err.fail(reader, "'" +
                                    (isa<pike::AtenOp>(reader)
                                         ? cast<pike::AtenOp>(reader).getName().str()
                                         : reader->getName().getStringRef().str()) +
                                    "' reads a view; only elementwise ops read through views");
    TensorRef base = src->second;
    StridedLayout layout = base.layout ? *base.layout : StridedLayout::contiguous(base.shape);
    for (Value r : op.getResults()) {
      std::string why;
      auto l = viewLayout(view, cast<OpResult>(r).getResultNumber(), layout, why);
      if (!l)
        return err.fail(&op, why);
      tensors[r] = TensorRef{base.name, cType(elementTypeOf(r.getType())), shapeOf(r), *l};
    }
  }
  return true;
}

std::string viewReadIndex(const StridedLayout &l, llvm::ArrayRef<int64_t> iter,
                          const std::string &lin, const std::string &cp) {
  std::string off = l.offset ? std::to_string(l.offset) + " + " : "";
  // A contiguous view is its source's index shifted by the offset.
  if (l.isContiguous())
    return off.empty() ? broadcastIndex(l.shape, iter, lin, cp)
                       : "(" + off + broadcastIndex(l.shape, iter, lin, cp) + ")";
  // Dims of size 1 (and broadcast dims of stride 0) contribute nothing.
  size_t lead = iter.size() - l.shape.size();
  std::string sum;
  for (size_t d = 0; d < l.shape.size(); ++d) {
    if (l.shape[d] == 1 || l.strides[d] == 0)
      continue;
    std::string c = cp + std::to_string(lead + d);
    sum += (sum.empty() ? "" : " + ") + (l.strides[d] == 1 ? c : c + " * " + std::to_string(l.strides[d]));
  }
  if (sum.empty())
    return std::to_string(l.offset);
  return "(" + off + sum + ")";
}

bool viewReadVectorizable(const StridedLayout &l, llvm::ArrayRef<int64_t> iter, int vw) {
  if (vw <= 1 || l.shape.empty() || l.numel() != numel(iter) || !broadcastsTo(l.shape, iter))
    return false;
  // vw consecutive elements stay in one innermost row (its length is a multiple
  // of vw) and lie side by side at a vw-aligned element offset.
  if (l.shape.back() % vw != 0 || l.strides.back() != 1 || l.offset % vw != 0)
    return false;
  for (size_t d = 0; d + 1 < l.shape.size(); ++d)
    if (l.shape[d] != 1 && l.strides[d] % vw != 0)
      return false;
  return true;
}

} // namespace pike::codegen::detail
