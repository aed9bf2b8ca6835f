// Axis reductions: sum / mean / amax / amin / prod over any set of axes that is
// not a trailing block (RowOps.cpp's rows take those), of an elementwise
// expression of inputs broadcast to the full iteration space (S4's kernel:
// `(c * exp(a * l) * cos(b * l) - ...).sum(1)` over (H, N, L)). The expression
// is evaluated inside the reduction loop and never stored; fp32 accumulation;
// the reduction's elementwise epilogue runs on the result before the only store.
//
// One kernel, blocks of G outputs x P slices of the reduced elements:
//   thread-per-output  G = blockSize, P = 1: a thread loops over all reduced
//                      elements of its output; neighbouring threads hold
//                      neighbouring outputs (coalesced when the innermost axis
//                      is kept);
//   split-reduce       G = 32 (down to 8 when that leaves too few blocks),
//                      P = blockSize / G: neighbouring outputs per slice,
//                      slices combined in shared memory (innermost axis kept,
//                      few outputs, long reductions);
//   block-per-output   G = 1, P = blockSize: neighbouring threads take
//                      neighbouring reduced elements (innermost axis reduced).
#include "Internal.h"

#include "pike/Dialect/OpRegistry.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <functional>

using namespace mlir;

namespace pike::codegen::detail {

namespace {

enum class ReduceOp { Sum, Mean, Max, Min, Prod };

struct ReduceOpRow {
  llvm::StringRef op; // registry name without "aten::"
  ReduceOp kind;
};

const ReduceOpRow kReduceOps[] = {
    {"sum", ReduceOp::Sum},   {"mean", ReduceOp::Mean}, {"amax", ReduceOp::Max},
    {"max", ReduceOp::Max},   {"amin", ReduceOp::Min},  {"min", ReduceOp::Min},
    {"prod", ReduceOp::Prod},
};

const ReduceOpRow *findReduceOp(llvm::StringRef name) {
  name.consume_front("aten::");
  for (const ReduceOpRow &row : kReduceOps)
    if (row.op == name)
      return &row;
  return nullptr;
}

const char *reduceOpName(ReduceOp k) {
  switch (k) {
  case ReduceOp::Sum: return "sum";
  case ReduceOp::Mean: return "mean";
  case ReduceOp::Max: return "amax";
  case ReduceOp::Min: return "amin";
  case ReduceOp::Prod: return "prod";
  }
  return "?";
}

struct ReducePlan {
  pike::AtenOp anchor;
  ReduceOp kind = ReduceOp::Sum;
  Value x;                     // the anchor's input (the prologue's value)
  std::vector<int64_t> xshape; // the iteration space
  std::vector<int64_t> kept, reducedDims; // dims of x, ascending
  int64_t outputs = 1, extent = 1;        // kept / reduced element counts
  /// The reduced dims form a trailing block of x (RowOps.cpp's rows).
  bool trailing() const {
    if (reducedDims.empty())
      return false;
    for (size_t k = 0; k < reducedDims.size(); ++k)
      if (reducedDims[k] != (int64_t)(xshape.size() - reducedDims.size() + k))
        return false;
    return true;
  }
};

/// The anchor's reduced dims, normalised and sorted (absent `dim`: all).
bool reducedDimsOf(pike::AtenOp anchor, int64_t rank, std::vector<int64_t> &dims, Unsupported &err) {
  dims.clear();
  Attribute da = anchor->getAttr("dim");
  if (auto arr = dyn_cast_or_null<DenseI64ArrayAttr>(da))
    dims.assign(arr.asArrayRef().begin(), arr.asArrayRef().end());
  else if (auto i = dyn_cast_or_null<IntegerAttr>(da))
    dims.push_back(i.getInt());
  if (dims.empty())
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(d);
  for (int64_t &d : dims) {
    if (d < -rank || d >= rank)
      return err.fail(anchor, "'" + anchor.getName().str() + "' dim out of range");
    if (d < 0)
      d += rank;
  }
  std::sort(dims.begin(), dims.end());
  dims.erase(std::unique(dims.begin(), dims.end()), dims.end());
  return true;
}

bool plan(pike::KernelOp kernel, ReducePlan &p, Unsupported &err) {
  pike::AtenOp anchor = singleAnchor(
      kernel,
      [](pike::AtenOp a) {
        auto info = lookupAtenOp(a.getName());
        return info && info->category == OpCategory::Reduction;
      },
      "reduction", err);
  if (!anchor)
    return false;
  p.anchor = anchor;
  const ReduceOpRow *row = findReduceOp(anchor.getName());
  if (!row)
    return err.fail(anchor, "'" + anchor.getName().str() + "' over these dims has no code generator");
  p.kind = row->kind;
  if (anchor->getNumResults() != 1)
    return err.fail(anchor, "'" + anchor.getName().str() + "' with several results");
  p.x = operandNamed(anchor, "self");
  if (!p.x)
    return err.fail(anchor, "'" + anchor.getName().str() + "' without its tensor operand");
  p.xshape = shapeOf(p.x);
  Type xe = elementTypeOf(p.x.getType());
  Type re = elementTypeOf(anchor->getResult(0).getType());
  if (!(xe.isF32() || xe.isF64()) || !(re.isF32() || re.isF64()))
    return err.fail(anchor, "'" + anchor.getName().str() + "' on non-floating tensors");
  const int64_t rank = p.xshape.size();
  if (!reducedDimsOf(anchor, rank, p.reducedDims, err))
    return false;
  p.kept.clear();
  p.outputs = p.extent = 1;
  for (int64_t d = 0, k = 0; d < rank; ++d) {
    if (k < (int64_t)p.reducedDims.size() && p.reducedDims[k] == d) {
      p.extent *= p.xshape[d];
      ++k;
    } else {
      p.kept.push_back(d);
      p.outputs *= p.xshape[d];
    }
  }
  if (p.extent == 0 || p.outputs == 0)
    return err.fail(anchor, "an empty reduction");
  // Every output is the result or an epilogue on it: its element count.
  auto yield = cast<pike::YieldOp>(kernel.getBody().front().getTerminator());
  auto rs = shapeOf(anchor->getResult(0));
  if (numel(rs) != p.outputs)
    return err.fail(anchor, "'" + anchor.getName().str() + "' result does not have the kept elements");
  for (Value v : yield.getValues())
    if (numel(shapeOf(v)) != p.outputs || !broadcastsTo(shapeOf(v), rs))
      return err.fail(v.getDefiningOp() ? v.getDefiningOp() : kernel.getOperation(),
                      std::string("an output of this reduction region does not have the shape of the ") +
                          reduceOpName(p.kind) + " result");
  return true;
}

enum class Layout { ThreadPerOutput, SplitReduce, BlockPerOutput };

const char *layoutName(Layout l) {
  switch (l) {
  case Layout::ThreadPerOutput: return "thread-per-output";
  case Layout::SplitReduce: return "split-reduce";
  case Layout::BlockPerOutput: return "block-per-output";
  }
  return "?";
}

/// The first guess: threads over the kept axes when the innermost axis is kept
/// (enough outputs to fill the GPU: one each; else a warp of outputs per
/// slice), a block per output when it is reduced (coalesced reads).
Layout ruleLayout(const ReducePlan &p) {
  const bool lastKept = !p.kept.empty() && p.kept.back() == (int64_t)p.xshape.size() - 1;
  if (!lastKept)
    return Layout::BlockPerOutput;
  return p.outputs >= 16384 || p.extent < 64 ? Layout::ThreadPerOutput : Layout::SplitReduce;
}

Layout layoutOf(const ReducePlan &p, const Knobs &knobs) {
  if (knobs.variant == "thread-per-output")
    return Layout::ThreadPerOutput;
  if (knobs.variant == "split-reduce")
    return Layout::SplitReduce;
  if (knobs.variant == "block-per-output")
    return Layout::BlockPerOutput;
  return ruleLayout(p); // empty or another generator's variant
}

/// `pike_idx <prefix><d> = ...` for `dims` of `shape` from the linear index
/// `lin` over those dims (the last one fastest).
void emitCoordsOf(llvm::ArrayRef<int64_t> dims, llvm::ArrayRef<int64_t> shape, const std::string &lin,
                  const std::string &tmp, const std::string &ind, std::ostringstream &os) {
  if (dims.empty())
    return;
  if (dims.size() == 1) {
    os << ind << "const pike_idx c" << dims[0] << " = " << lin << ";\n";
    return;
  }
  os << ind << "pike_idx " << tmp << " = " << lin << ";\n";
  for (size_t k = dims.size(); k-- > 1;)
    os << ind << "const pike_idx c" << dims[k] << " = " << tmp << " % " << shape[dims[k]] << "; " << tmp
       << " /= " << shape[dims[k]] << ";\n";
  os << ind << "const pike_idx c" << dims[0] << " = " << tmp << ";\n";
}

} // namespace

bool isAxisReduction(pike::KernelOp kernel) {
  ReducePlan p;
  Unsupported err;
  return plan(kernel, p, err) && !p.trailing();
}

std::string axisReductionVariant(pike::KernelOp kernel) {
  ReducePlan p;
  Unsupported err;
  return plan(kernel, p, err) ? layoutName(ruleLayout(p)) : "";
}

bool emitReduce(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                Unsupported &err) {
  ReducePlan p;
  if (!plan(kernel, p, err))
    return false;
  auto ins = kernel.getFunctionType().getInputs();
  auto outs = kernel.getFunctionType().getResults();
  std::string defs;
  llvm::DenseMap<Value, TensorRef> tensors;
  if (!bindSlotTensors(kernel, host, defs, tensors, err))
    return false;

  const std::string T = cType(elementTypeOf(p.anchor->getResult(0).getType()));
  auto lit = [&](double v) { return floatLiteral(v, T); };
  const Layout layout = host ? Layout::ThreadPerOutput : layoutOf(p, knobs);
  const int64_t B = host ? 1 : knobs.blockSize;
  int64_t G = layout == Layout::ThreadPerOutput ? B : layout == Layout::SplitReduce ? 32 : 1;
  // split-reduce with few outputs: fewer per block (down to 8: one 32-byte
  // sector per slice row) so that about two blocks per SM of an H100 run.
  while (layout == Layout::SplitReduce && G > 8 && (p.outputs + G - 1) / G < 264)
    G /= 2;
  const int64_t P = B / G;
  const int64_t groups = (p.outputs + G - 1) / G;
  const int rank = p.xshape.size();

  // The accumulator's start, one element's update and the combine of two
  // partial results.
  std::string identity;
  std::function<std::string(const std::string &)> update;
  std::function<std::string(const std::string &, const std::string &)> combine;
  switch (p.kind) {
  case ReduceOp::Sum:
  case ReduceOp::Mean:
    identity = lit(0);
    update = [](const std::string &x) { return "pike_acc += " + x + ";"; };
    combine = [](const std::string &a, const std::string &b) { return a + " + " + b; };
    break;
  case ReduceOp::Prod:
    identity = lit(1);
    update = [](const std::string &x) { return "pike_acc *= " + x + ";"; };
    combine = [](const std::string &a, const std::string &b) { return a + " * " + b; };
    break;
  case ReduceOp::Max:
  case ReduceOp::Min: {
    // NaN is sticky, as in torch: a NaN accumulator never compares true.
    const std::string cmp = p.kind == ReduceOp::Max ? " > " : " < ";
    identity = std::string(p.kind == ReduceOp::Max ? "-" : "") + "(" + T + ")PIKE_INF";
    update = [cmp](const std::string &x) {
      return "pike_acc = (" + x + cmp + "pike_acc || " + x + " != " + x + ") ? " + x + " : pike_acc;";
    };
    combine = [cmp](const std::string &a, const std::string &b) {
      return "(" + a + cmp + b + " || " + a + " != " + a + ") ? " + a + " : " + b;
    };
    break;
  }
  }

  std::string name = "pike_" + sanitize(kernel.getSymName()) + "_reduce_" + reduceOpName(p.kind);
  std::ostringstream os;
  os << prelude(host) << defs;
  emitKernelHead(kernel, host, name, B, indexType(numel(p.xshape)), os);
  os << "  const pike_idx O = " << p.outputs << ", RN = " << p.extent << ";\n";
  if (P > 1)
    os << "  __shared__ " << T << " pike_part[" << B << "];\n";
  // Thread roles: `pike_g` the output of the group, `pike_s` the slice.
  if (host) {
    os << "  for (pike_idx pike_o = 0; pike_o < O; ++pike_o) {\n";
    os << "    const pike_idx pike_s = 0;\n";
  } else {
    if (P == 1)
      os << "  const pike_idx pike_g = threadIdx.x, pike_s = 0;\n";
    else if (G == 1)
      os << "  const pike_idx pike_g = 0, pike_s = threadIdx.x;\n";
    else
      os << "  const pike_idx pike_g = threadIdx.x % " << G << ", pike_s = threadIdx.x / " << G << ";\n";
    os << "  for (pike_idx pike_blk = blockIdx.x; pike_blk < " << groups
       << "; pike_blk += gridDim.x) {\n";
    os << "    const pike_idx pike_o = pike_blk * " << G << " + pike_g;\n";
  }
  const std::string ind = "      ";
  os << "    " << T << " pike_acc = " << identity << ";\n";
  os << "    if (pike_o < O) {\n";
  emitCoordsOf(p.kept, p.xshape, "pike_o", "pike_ko", ind, os);
  if (P == 1 && !host)
    os << "#pragma unroll 4\n";
  os << ind << "for (pike_idx pike_r = pike_s; pike_r < RN; pike_r += " << P << ") {\n";
  const std::string in2 = ind + "  ";
  emitCoordsOf(p.reducedDims, p.xshape, "pike_r", "pike_rr", in2, os);
  // The linear index of the element in the iteration space (full-shape operands).
  os << in2 << "const pike_idx i = ";
  {
    int64_t stride = 1;
    std::string sum;
    for (int d = rank; d-- > 0;) {
      std::string term = "c" + std::to_string(d) + (stride == 1 ? "" : " * " + std::to_string(stride));
      sum = sum.empty() ? term : term + " + " + sum;
      stride *= p.xshape[d];
    }
    os << (sum.empty() ? "0" : sum) << ";\n";
  }
  os << in2 << "(void)i;\n";
  {
    ElemEmitter e(p.xshape, "i", "c", in2);
    e.host = host;
    e.tensors = tensors;
    std::ostringstream b;
    auto xv = e.value(p.x, b, err);
    if (!xv)
      return false;
    std::string x = xv->second == T ? xv->first : "((" + T + ")" + xv->first + ")";
    os << b.str() << in2 << update(x) << "\n";
  }
  os << ind << "}\n    }\n";
  if (P > 1) {
    // Combine the slices of each output: a tree over shared memory.
    const std::string slot = G == 1 ? "pike_s" : "pike_s * " + std::to_string(G) + " + pike_g";
    const std::string other = G == 1 ? "pike_s + pike_st" : "(pike_s + pike_st) * " + std::to_string(G) + " + pike_g";
    int64_t top = 1;
    while (top < P)
      top <<= 1;
    os << "    pike_part[" << slot << "] = pike_acc;\n    __syncthreads();\n";
    os << "    for (pike_idx pike_st = " << top / 2 << "; pike_st > 0; pike_st >>= 1) {\n";
    os << "      if (pike_s < pike_st && pike_s + pike_st < " << P << ") pike_part[" << slot
       << "] = " << combine("pike_part[" + slot + "]", "pike_part[" + other + "]") << ";\n";
    os << "      __syncthreads();\n    }\n";
    os << "    pike_acc = pike_part[pike_g];\n    __syncthreads();\n";
  }
  // Epilogue over the result, then the only stores.
  os << "    if (pike_s == 0 && pike_o < O) {\n";
  {
    Value result = p.anchor->getResult(0);
    ElemEmitter e(shapeOf(result), "pike_o", "e", ind);
    e.host = host;
    e.tensors = tensors;
    e.scalars[result] = {"pike_y", T};
    std::ostringstream b;
    b << ind << "const " << T << " pike_y = "
      << (p.kind == ReduceOp::Mean ? "pike_acc / " + lit((double)p.extent) : "pike_acc") << ";\n";
    if (!emitStores(e, kernel, "pike_o", b, os, err))
      return false;
  }
  os << "    }\n  }\n}\n";

  out.source = os.str();
  out.mode = "nvrtc";
  out.entry = name;
  const int64_t grid = std::max<int64_t>(1, std::min<int64_t>(groups, 65535));
  out.launches = singleLaunch(name, {grid, 1, 1}, B, 0, pointerArgs(ins.size(), outs.size()));
  std::string dims;
  for (int64_t d : p.reducedDims)
    dims += (dims.empty() ? "" : ",") + std::to_string(d);
  std::string shape;
  for (int64_t d : p.xshape)
    shape += (shape.empty() ? "" : "x") + std::to_string(d);
  out.summary = std::string(reduceOpName(p.kind)) + " over dims [" + dims + "] of " + shape +
                " (outputs=" + std::to_string(p.outputs) + ", reduced=" + std::to_string(p.extent) +
                "), " + layoutName(layout) +
                (layout == Layout::SplitReduce ? " (" + std::to_string(G) + " outputs x " + std::to_string(P) + " slices)" : "") +
                ", block " + std::to_string(B);
  return true;
}

} // namespace pike::codegen::detail
