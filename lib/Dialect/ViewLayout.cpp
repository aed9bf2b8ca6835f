// Strided layouts of view ops (pike/Dialect/ViewLayout.h). Shapes come from the
// op's static result types; the attributes only say where the view starts and
// which dims it touches.
#include "pike/Dialect/ViewLayout.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace pike {

StridedLayout StridedLayout::contiguous(llvm::ArrayRef<int64_t> shape) {
  StridedLayout l;
  l.shape.assign(shape.begin(), shape.end());
  l.strides.assign(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    l.strides[d - 1] = l.strides[d] * shape[d];
  return l;
}

bool StridedLayout::isContiguous() const {
  int64_t expect = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] == 1)
      continue;
    if (strides[d] != expect)
      return false;
    expect *= shape[d];
  }
  return true;
}

int64_t StridedLayout::numel() const {
  int64_t n = 1;
  for (int64_t s : shape)
    n *= s;
  return n;
}

bool isStridedViewOp(llvm::StringRef name) {
  static const llvm::StringSet<> ops = {
      "aten::select",     "aten::slice",        "aten::narrow",    "aten::chunk",
      "aten::split",      "aten::split_with_sizes", "aten::unsafe_chunk", "aten::unsafe_split",
      "aten::unbind",     "aten::unsqueeze",    "aten::squeeze",   "aten::view",
      "aten::reshape",    "aten::flatten",      "aten::unflatten", "aten::expand",
      "aten::permute",    "aten::transpose",    "aten::t"};
  return ops.contains(name);
}

namespace {

/// An integer attribute; `dflt` when absent or None (a unit attribute).
std::optional<int64_t> intAttr(AtenOp op, llvm::StringRef name, std::optional<int64_t> dflt) {
  Attribute a = op->getAttr(name);
  if (!a || isa<UnitAttr>(a))
    return dflt;
  if (auto i = dyn_cast<IntegerAttr>(a))
    return i.getInt();
  return std::nullopt;
}

/// `d` counted from the end when negative; nothing when out of [0, rank).
std::optional<int64_t> normDim(std::optional<int64_t> d, int64_t rank) {
  if (!d)
    return std::nullopt;
  int64_t v = *d < 0 ? *d + rank : *d;
  if (v < 0 || v >= rank)
    return std::nullopt;
  return v;
}

/// torch's view of strided memory as `shape`: the source dims split into runs
/// that are contiguous among themselves; each run must be covered exactly by
/// consecutive new dims, which then step through it.
std::optional<StridedLayout> reshaped(const StridedLayout &src, llvm::ArrayRef<int64_t> shape) {
  StridedLayout out;
  out.offset = src.offset;
  out.shape.assign(shape.begin(), shape.end());
  out.strides.assign(shape.size(), 1);
  if (src.numel() != out.numel() || src.numel() == 0)
    return std::nullopt;
  llvm::SmallVector<std::pair<int64_t, int64_t>> dims; // (size, stride), sizes != 1
  for (size_t d = 0; d < src.shape.size(); ++d)
    if (src.shape[d] != 1)
      dims.push_back({src.shape[d], src.strides[d]});
  int64_t j = (int64_t)shape.size() - 1;
  for (int64_t i = (int64_t)dims.size() - 1; i >= 0;) {
    int64_t count = dims[i].first, inner = dims[i].second;
    int64_t k = i - 1;
    while (k >= 0 && dims[k].second == dims[k + 1].second * dims[k + 1].first)
      count *= dims[k--].first;
    i = k;
    int64_t covered = 1;
    while (covered < count) {
      if (j < 0)
        return std::nullopt;
      out.strides[j] = inner * covered;
      covered *= shape[j--];
    }
    if (covered != count)
      return std::nullopt;
  }
  for (; j >= 0; --j)
    if (shape[j] != 1)
      return std::nullopt;
  return out;
}

} // namespace

std::optional<StridedLayout> viewLayout(AtenOp view, unsigned resultIndex,
                                        const StridedLayout &source, std::string &why) {
  llvm::StringRef name = view.getName();
  auto fail = [&](const std::string &w) -> std::optional<StridedLayout> {
    why = "'" + name.str() + "': " + w;
    return std::nullopt;
  };
  if (!isStridedViewOp(name))
    return fail("not a strided view");
  if (view.getInputs().size() != 1)
    return fail("takes a tensor argument besides 'self' (a dynamic view)");
  if (resultIndex >= view->getNumResults())
    return fail("has no result " + std::to_string(resultIndex));
  auto rt = dyn_cast<RankedTensorType>(view->getResult(resultIndex).getType());
  auto st = dyn_cast<RankedTensorType>(view.getInputs()[0].getType());
  if (!rt || !st || !rt.hasStaticShape() || !st.hasStaticShape())
    return fail("needs static ranked tensors");
  if (llvm::ArrayRef<int64_t>(source.shape) != st.getShape())
    return fail("source layout does not match the source's shape");
  llvm::ArrayRef<int64_t> rshape = rt.getShape();
  const int64_t rank = st.getRank();
  StridedLayout out = source;

  auto sliceAlong = [&](int64_t dim, int64_t start, int64_t step) -> std::optional<StridedLayout> {
    if ((int64_t)rshape.size() != rank)
      return fail("result rank differs from the source's");
    for (int64_t d = 0; d < rank; ++d)
      if (d != dim && rshape[d] != source.shape[d])
        return fail("result shape differs off the sliced dim");
    if (step < 1)
      return fail("step must be positive");
    if (rshape[dim] > 0 && start + (rshape[dim] - 1) * step >= source.shape[dim])
      return fail("view runs past the source");
    out.offset += start * source.strides[dim];
    out.strides[dim] *= step;
    out.shape[dim] = rshape[dim];
    return out;
  };

  if (name == "aten::select" || name == "aten::unbind") {
    auto dim = normDim(intAttr(view, "dim", 0), rank);
    std::optional<int64_t> index =
        name == "aten::unbind" ? std::optional<int64_t>(resultIndex) : intAttr(view, "index", {});
    if (!dim || !index)
      return fail("needs a static dim and index");
    int64_t idx = *index < 0 ? *index + source.shape[*dim] : *index;
    if (idx < 0 || idx >= source.shape[*dim])
      return fail("index out of range");
    out.offset += idx * source.strides[*dim];
    out.shape.erase(out.shape.begin() + *dim);
    out.strides.erase(out.strides.begin() + *dim);
  } else if (name == "aten::slice" || name == "aten::narrow") {
    auto dim = normDim(intAttr(view, "dim", 0), rank);
    auto start = intAttr(view, "start", name == "aten::slice" ? std::optional<int64_t>(0)
                                                               : std::nullopt);
    auto step = name == "aten::slice" ? intAttr(view, "step", 1) : std::optional<int64_t>(1);
    if (!dim || !start || !step)
      return fail("needs a static dim, start and step");
    int64_t s = *start < 0 ? *start + source.shape[*dim] : *start;
    s = std::max<int64_t>(0, std::min<int64_t>(s, source.shape[*dim]));
    return sliceAlong(*dim, s, *step);
  } else if (name == "aten::chunk" || name == "aten::split" || name == "aten::split_with_sizes" ||
             name == "aten::unsafe_chunk" || name == "aten::unsafe_split") {
    auto dim = normDim(intAttr(view, "dim", 0), rank);
    if (!dim)
      return fail("needs a static dim");
    // Result k starts where the results before it end.
    int64_t start = 0;
    for (unsigned k = 0; k < resultIndex; ++k) {
      auto kt = dyn_cast<RankedTensorType>(view->getResult(k).getType());
      if (!kt || kt.getRank() != rank)
        return fail("results must keep the source's rank");
      start += kt.getDimSize(*dim);
    }
    return sliceAlong(*dim, start, 1);
  } else if (name == "aten::expand") {
    if ((int64_t)rshape.size() < rank)
      return fail("expands to fewer dims");
    size_t lead = rshape.size() - rank;
    out.shape.assign(rshape.begin(), rshape.end());
    out.strides.assign(rshape.size(), 0);
    for (int64_t d = 0; d < rank; ++d) {
      if (source.shape[d] == rshape[lead + d])
        out.strides[lead + d] = source.strides[d];
      else if (source.shape[d] != 1)
        return fail("expands a dim whose size is not 1");
    }
  } else if (name == "aten::permute" || name == "aten::transpose" || name == "aten::t") {
    llvm::SmallVector<int64_t> perm;
    for (int64_t d = 0; d < rank; ++d)
      perm.push_back(d);
    if (name == "aten::permute") {
      auto dims = view->getAttrOfType<DenseI64ArrayAttr>("dims");
      if (!dims || (int64_t)dims.size() != rank)
        return fail("needs static dims");
      for (int64_t d = 0; d < rank; ++d) {
        auto n = normDim(dims[d], rank);
        if (!n)
          return fail("dim out of range");
        perm[d] = *n;
      }
    } else if (name == "aten::transpose" || rank == 2) {
      auto a = name == "aten::t" ? std::optional<int64_t>(0) : normDim(intAttr(view, "dim0", {}), rank);
      auto b = name == "aten::t" ? std::optional<int64_t>(1) : normDim(intAttr(view, "dim1", {}), rank);
      if (!a || !b)
        return fail("needs static dims");
      std::swap(perm[*a], perm[*b]);
    }
    for (int64_t d = 0; d < rank; ++d) {
      out.shape[d] = source.shape[perm[d]];
      out.strides[d] = source.strides[perm[d]];
    }
  } else {
    // unsqueeze, squeeze, view, reshape, flatten, unflatten: the same elements
    // in the same order under another shape.
    auto r = reshaped(source, rshape);
    if (!r)
      return fail("the source's strides cannot be viewed as the result shape (torch would copy)");
    out = *r;
  }
  if (llvm::ArrayRef<int64_t>(out.shape) != rshape)
    return fail("computed shape disagrees with the result type");
  return out;
}

} // namespace pike
