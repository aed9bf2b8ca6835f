// Scan regions: elementwise prologue -> aten::cumsum(dim) -> elementwise
// epilogue, all on the cumsum's shape (the fuser's reduction groups; e.g. the
// chunked state-space "segment sum": masked_fill -> cumsum(-2) -> masked_fill).
// The scanned dim splits the shape into lines: `outer x inner` lines of length
// L, element j of line r at ((r / inner) * L + j) * inner + r % inner.
//  - "thread-scan": one thread per line, a sequential running sum; threads of a
//    warp take adjacent lines, so with inner > 1 every load and store is
//    coalesced (the segment sum scans dim -2).
//  - "warp-scan": one warp per line, 32 elements at a time: a shuffle-based
//    inclusive scan plus the carry from the previous chunk (scans of the last dim).
// fp32 only; the sum order differs from torch's CPU loop by rounding only.
#include "Internal.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>

using namespace mlir;

namespace pike::codegen::detail {

namespace {

struct ScanPlan {
  pike::AtenOp op;
  Value in, out;
  std::vector<int64_t> shape;
  int64_t outer = 1, L = 1, inner = 1;
};

bool planScan(pike::KernelOp kernel, ScanPlan &p, Unsupported &err) {
  p.op = singleAnchor(
      kernel, [](pike::AtenOp a) { return a.getName() == "aten::cumsum"; }, "cumsum", err);
  if (!p.op)
    return false;
  pike::AtenOp a = p.op;
  p.in = operandNamed(a, "self");
  p.out = a->getResult(0);
  if (!p.in)
    return err.fail(a, "cumsum without its input");
  if (!elementTypeOf(p.in.getType()).isF32() || !elementTypeOf(p.out.getType()).isF32())
    return err.fail(a, "cumsum on non-f32 tensors has no code generator");
  p.shape = shapeOf(p.out);
  int64_t r = p.shape.size();
  auto dim = a->getAttrOfType<IntegerAttr>("dim");
  if (!dim)
    return err.fail(a, "cumsum without a constant dim");
  int64_t d = dim.getInt() < 0 ? dim.getInt() + r : dim.getInt();
  if (r == 0) {
    d = 0;
  } else if (d < 0 || d >= r) {
    return err.fail(a, "cumsum dim out of range");
  }
  if (shapeOf(p.in) != p.shape)
    return err.fail(a, "cumsum input and result shapes differ");
  for (int64_t k = 0; k < r; ++k) {
    if (k < d)
      p.outer *= p.shape[k];
    else if (k == d)
      p.L = p.shape[k];
    else
      p.inner *= p.shape[k];
  }
  // Every value of the region lives on the cumsum's shape (or broadcasts into it).
  for (Operation &op : kernel.getBody().front()) {
    for (Value v : op.getResults())
      if (!broadcastsTo(shapeOf(v), p.shape))
        return err.fail(&op, "a value of this scan region does not broadcast to the cumsum's shape");
  }
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  for (Value v : yield.getValues())
    if (numel(shapeOf(v)) != numel(p.shape))
      return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                      "an output of this scan region does not have the cumsum's shape");
  return true;
}

/// Emits, for the element at linear index `lin`: the prologue value (into
/// `pre`), then (into `post`) the epilogue and stores with the scanned value
/// `scanned`; the coordinates, if any index needs them, go first into `coords`.
bool emitElement(const ScanPlan &p, pike::KernelOp kernel,
                 const llvm::DenseMap<Value, TensorRef> &tensors, bool host, const std::string &lin,
                 const std::string &ind, const std::string &scanned, std::string &x,
                 std::ostringstream &coords, std::ostringstream &pre, std::ostringstream &post,
                 Unsupported &err) {
  ElemEmitter e(p.shape, lin, "c", ind);
  e.host = host;
  e.tensors = tensors;
  auto v = e.value(p.in, pre, err);
  if (!v)
    return false;
  x = v->second == "float" ? v->first : "(float)" + v->first;
  e.scalars[p.out] = {scanned, "float"};
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  for (auto [k, y] : llvm::enumerate(yield.getValues())) {
    auto val = e.value(y, post, err);
    if (!val)
      return false;
    std::string ct = cType(elementTypeOf(y.getType()));
    post << ind << "out" << k << "[" << lin << "] = "
         << (val->second == ct ? val->first : "(" + ct + ")" + val->first) << ";\n";
  }
  if (e.usesCoords())
    e.emitCoords(coords);
  return true;
}

} // namespace

int64_t scanInner(pike::KernelOp kernel) {
  ScanPlan p;
  Unsupported err;
  return planScan(kernel, p, err) ? p.inner : 0;
}

bool emitScan(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
              Unsupported &err) {
  ScanPlan p;
  if (!planScan(kernel, p, err))
    return false;
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, host, defs, tensors, err))
    return false;
  const bool warp = !host && knobs.variant == "warp-scan";
  if (!host && !warp && knobs.variant != "thread-scan" && !knobs.variant.empty())
    return err.fail(p.op, "unknown scan variant '" + knobs.variant + "'");
  const int64_t lines = p.outer * p.inner;
  std::string idx = indexType(numel(p.shape));
  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_scan";
  int B = std::max(32, std::min(knobs.blockSize, 1024));
  B -= B % 32;
  std::ostringstream os;
  os << prelude(host) << defs;
  emitKernelHead(kernel, host, name, B, idx, os);
  os << "  const pike_idx L = " << p.L << ", INNER = " << p.inner << ", LINES = " << lines << ";\n";
  if (host)
    os << "  for (pike_idx r = 0; r < LINES; ++r) {\n";
  else if (warp)
    os << "  const int pike_lane = threadIdx.x & 31;\n"
          "  for (pike_idx r = ((pike_idx)blockIdx.x * blockDim.x + threadIdx.x) >> 5; r < LINES; "
          "r += ((pike_idx)gridDim.x * blockDim.x) >> 5) {\n";
  else
    os << "  for (pike_idx r = (pike_idx)blockIdx.x * blockDim.x + threadIdx.x; r < LINES; "
          "r += (pike_idx)gridDim.x * blockDim.x) {\n";
  os << "    const pike_idx base = (r / INNER) * L * INNER + r % INNER;\n";
  os << "    float carry = 0.0f;\n";
  std::ostringstream coords, pre, post;
  std::string x;
  if (warp) {
    // Lanes past the end read the last element (in bounds) and add 0.
    os << "    for (pike_idx j0 = 0; j0 < L; j0 += 32) {\n";
    os << "      const pike_idx j = j0 + pike_lane;\n";
    os << "      const pike_idx i = base + (j < L ? j : L - 1) * INNER;\n";
    if (!emitElement(p, kernel, tensors, host, "i", "      ", "pike_s", x, coords, pre, post, err))
      return false;
    os << coords.str() << pre.str();
    os << "      float pike_s = j < L ? " << x << " : 0.0f;\n";
    os << "#pragma unroll\n      for (int o = 1; o < 32; o <<= 1) {\n"
          "        const float w = __shfl_up_sync(0xffffffffu, pike_s, o);\n"
          "        if (pike_lane >= o) pike_s += w;\n      }\n";
    os << "      pike_s += carry;\n";
    os << "      carry = __shfl_sync(0xffffffffu, pike_s, 31);\n";
    os << "      if (j < L) {\n" << post.str() << "      }\n";
    os << "    }\n";
  } else {
    os << "    for (pike_idx j = 0; j < L; ++j) {\n";
    os << "      const pike_idx i = base + j * INNER;\n";
    if (!emitElement(p, kernel, tensors, host, "i", "      ", "carry", x, coords, pre, post, err))
      return false;
    os << coords.str() << pre.str();
    os << "      carry += " << x << ";\n";
    os << post.str();
    os << "    }\n";
  }
  os << "  }\n}\n";
  out.source = os.str();
  out.entry = name;
  if (host) {
    out.mode = "host";
    return true;
  }
  int64_t perBlock = warp ? B / 32 : B;
  int64_t grid = std::max<int64_t>(1, std::min<int64_t>((lines + perBlock - 1) / perBlock, 1 << 20));
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  out.mode = "nvrtc";
  out.launches = singleLaunch(name, {grid, 1, 1}, B, 0, pointerArgs(ins.size(), outs.size()));
  out.summary = std::string("cumsum ") + (warp ? "warp-scan" : "thread-scan") +
                " lines=" + std::to_string(lines) + " L=" + std::to_string(p.L) +
                " inner=" + std::to_string(p.inner) + ", block " + std::to_string(B);
  return true;
}

} // namespace pike::codegen::detail
