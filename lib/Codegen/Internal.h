// Internals of the kernel generator shared by the pattern emitters.
#ifndef PIKE_LIB_CODEGEN_INTERNAL_H
#define PIKE_LIB_CODEGEN_INTERNAL_H

#include "pike/Codegen/Codegen.h"
#include "pike/Dialect/ViewLayout.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <array>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace pike::codegen::detail {

/// Thrown-free failure carrier: the op that could not be handled and why.
struct Unsupported {
  mlir::Operation *op = nullptr;
  std::string reason;
  /// Records why `at` cannot be generated; returns false for `return err.fail(...)`.
  bool fail(mlir::Operation *at, const std::string &why) {
    op = at;
    reason = why;
    return false;
  }
};

/// C type of a tensor element type ("float", "double", "long long", "int",
/// "bool", ...); empty when unsupported.
std::string cType(mlir::Type elementType);
bool isFloatC(const std::string &ctype);
std::vector<int64_t> shapeOf(mlir::Value v);
std::vector<int64_t> shapeOf(mlir::Type t);
mlir::Type elementTypeOf(mlir::Type t);
int64_t numel(llvm::ArrayRef<int64_t> shape);
/// PikeDType code of an element type (pike/Runtime/KernelABI.h); -1 if none.
int pikeDType(mlir::Type elementType);
/// Host-launcher lines that return -1 unless the tensors match the static
/// signature (count, ndim, dtype and sizes of every input and output).
void emitSignatureChecks(std::ostream &os, llvm::ArrayRef<mlir::Type> inputs,
                         llvm::ArrayRef<mlir::Type> outputs);
/// C type of a generated kernel's `pike_idx` when indices (and products that
/// form them) stay below `extent`: "int", or "long long" from 2^31 - 1 on.
std::string indexType(int64_t extent);

/// CUDA's names for a 16-bit operand type (knobs.halfOperands, "bf16" or
/// "fp16"): its header, scalar and pair types, and their round-to-nearest
/// conversions from float.
struct HalfCudaType {
  const char *include, *type, *pairType, *round, *roundPair;
};
const HalfCudaType &halfCudaType(const std::string &halfOperands);
/// Opens a host reference's entry `name(pike_inputs, pike_outputs)` with
/// 64-bit `pike_idx` and the slot's tensor pointers (emitHostPointers).
void emitHostEntry(pike::KernelOp kernel, const std::string &name, std::ostream &os);
/// A one-kernel generator's function head: the host reference's entry
/// (emitHostEntry) or `extern "C" __global__` with `blockSize` launch bounds over
/// the slot's parameters; both declare `pike_idx` (the device one as
/// `indexType`). The body follows and closes the function.
void emitKernelHead(pike::KernelOp kernel, bool host, const std::string &name, int blockSize,
                    const std::string &indexType, std::ostream &os);
/// The start of an nvcc-mode C ABI entry: the signature checks, then
/// `const T* inN = (const T*)inputs[N].data;` for every input and the outputs.
void emitEntryTensorPointers(std::ostream &os, llvm::ArrayRef<mlir::Type> inputs,
                             llvm::ArrayRef<mlir::Type> outputs);
/// The device pointer, in an nvcc-mode entry, of the operand `v` named `name`:
/// `name` itself for a kernel argument; for an inlined constant (a
/// `__constant__` array) emits `name_p`, fetched with cudaGetSymbolAddress
/// (the entry returns its error), and returns that.
std::string entryDevicePointer(mlir::Value v, const std::string &name, std::ostream &os);
/// Launch arguments of a device-only kernel: every input pointer, then every output.
nlohmann::json pointerArgs(size_t numInputs, size_t numOutputs);
/// The same arguments as a C argument list: "in0, in1, out0".
std::string pointerArgList(size_t numInputs, size_t numOutputs);
/// The launch list of a slot run as one kernel launch: `kernel` on a grid of
/// `grid` blocks of `block` (x) threads, `smem` bytes of dynamic shared memory.
nlohmann::json singleLaunch(const std::string &kernel, std::array<int64_t, 3> grid, int64_t block,
                            int64_t smem, nlohmann::json args);
/// A C literal of `v` as `ctype` ("2.0f", "-INFINITY" spelled portably, "3LL").
std::string floatLiteral(double v, const std::string &ctype);
std::string intLiteral(int64_t v, const std::string &ctype);
/// Index of a tensor of `shape` broadcast (numpy, right-aligned) into `iter`,
/// given the linear index `lin` and coordinate names `c0..` of the iteration space.
std::string broadcastIndex(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> iter,
                           const std::string &lin, const std::string &coordPrefix);
bool broadcastsTo(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> iter);
std::vector<int64_t> broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// The helper functions every generated source starts with (device or host flavour).
std::string prelude(bool host);

/// Where a tensor value lives in the generated code.
struct TensorRef {
  std::string name;   // "in0", "pike_c3"
  std::string ctype;
  std::vector<int64_t> shape;
  /// A view read through (ViewRead.cpp): where its elements lie in `name`.
  std::optional<StridedLayout> layout;
};

/// The value of a splat (or one-element) pike.constant: `fv` when `isFloat`,
/// else `iv`; false for anything else.
bool splatValue(mlir::Value v, double &fv, int64_t &iv, bool &isFloat);

class ElemOpContext;

/// A row of the elementwise op table (ElementwiseOps.cpp): how one ATen op is
/// printed as a C expression.
struct ElementwiseOpRow {
  enum : unsigned {
    FloatOnly = 1,    // fails on a non-floating result before `emit` runs
    SelfOptional = 2, // `self` may be absent (emit checks it)
  };
  llvm::StringRef op;             // registry name without "aten::"
  bool (*emit)(ElemOpContext &c); // defines the op's value (or fails with the reason)
  unsigned flags = 0;
  const char *self = "self";          // operand printed first, as X
  const char *trainingFlag = nullptr; // bool attribute that, when true, makes the op unsupported
};
/// Every row, in table order.
llvm::ArrayRef<ElementwiseOpRow> elementwiseOpTable();
/// The row of `name` (without "aten::"), null when the op has none.
const ElementwiseOpRow *findElementwiseOp(llvm::StringRef name);

/// Prints the per-element statements of elementwise ops over an iteration space.
/// Values get `const T vN = ...;` statements; tensors (kernel arguments and
/// non-splat constants) are loaded through broadcast indices.
class ElemEmitter {
public:
  ElemEmitter(std::vector<int64_t> iter, std::string lin, std::string coordPrefix,
              std::string indent)
      : iter(std::move(iter)), lin(std::move(lin)), cp(std::move(coordPrefix)),
        ind(std::move(indent)) {}

  /// Tensors readable by index (kernel arguments, constant arrays).
  llvm::DenseMap<mlir::Value, TensorRef> tensors;
  /// Values already materialised as scalar expressions (e.g. a row statistic).
  llvm::DenseMap<mlir::Value, std::pair<std::string, std::string>> scalars; // expr, ctype
  /// Overrides the load of a tensor or of an aten::cat result (vector lanes).
  std::function<std::optional<std::string>(mlir::Value)> loadOverride;

  /// Emits the coordinate statements (c0..c{r-1}) of `lin`; call once before ops.
  void emitCoords(std::ostringstream &os) const;
  /// Returns the C expression (a variable) for `v`, emitting loads as needed.
  std::optional<std::pair<std::string, std::string>> value(mlir::Value v, std::ostringstream &os,
                                                         Unsupported &err);
  /// Emits one elementwise op (pike.aten of the Elementwise category, aten::cat
  /// or pike.constant).
  bool emitOp(mlir::Operation *op, std::ostringstream &os, Unsupported &err);
  /// True when `op` is something emitOp understands.
  static bool supports(mlir::Operation *op, std::string *why = nullptr);
  /// True when any emitted index needed coordinates.
  bool usesCoords() const { return needCoords; }

  std::vector<int64_t> iter;
  std::string lin, cp, ind;
  bool host = false;
  /// Channels-last slots (toChannelsLastSpace): `iter` is the physical (N, H, W,
  /// C) order of the logical rank-4 space `logical`; empty when `iter` is logical.
  std::vector<int64_t> logical;
  const std::vector<int64_t> &logicalIter() const { return logical.empty() ? iter : logical; }
  /// The coordinate variable of dimension `d` of the logical iteration space.
  std::string logicalCoord(size_t d) const;

private:
  friend class ElemOpContext;
  /// aten::cat read in place: picks the operand holding the element (ElementwiseCat.cpp).
  bool emitCat(pike::AtenOp cat, std::ostringstream &os, Unsupported &err);
  llvm::DenseMap<mlir::Value, std::pair<std::string, std::string>> done;
  int counter = 0;
  bool needCoords = false;
  std::string fresh() { return "v" + std::to_string(counter++); }
};

/// An aten::cat read element by element (ElementwiseCat.cpp): along `dim` of the
/// result, operand k covers [starts[k], starts[k] + extents[k]). Operands of
/// extent 0 are left out.
struct CatPlan {
  int64_t dim = 0;                   // in the result's rank
  std::vector<int64_t> shape;        // the result's
  llvm::SmallVector<mlir::Value> operands;
  std::vector<int64_t> starts, extents;
  /// Elements after one step along `dim` (product of the later dims).
  int64_t inner() const;
};
bool isCatOp(mlir::Operation *op);
/// Fills `p` from `cat`; false (and why) unless every operand is a ranked
/// tensor of the result's rank whose sizes off `dim` are the result's.
bool planCat(pike::AtenOp cat, CatPlan &p, std::string &why);
/// `cat` is well formed (planCat) and every operand is a slot input or a
/// constant: a value computed inside the region would have to be evaluated at
/// the operand's own coordinates, which the DAG printer does not do.
bool catOperandsReadable(pike::AtenOp cat, Unsupported &err);
/// The elementwise vector path may read `p` as `vw`-wide vectors, one operand
/// per vector: its result fills the iteration space, every operand is an f32
/// slot input or splat constant, and the elements after the cat dim come in multiples of `vw`.
bool catVectorizable(const CatPlan &p, llvm::ArrayRef<int64_t> iter, int vw,
                     const llvm::DenseMap<mlir::Value, TensorRef> &tensors);
/// Declares `vt var` and loads into it the vector of `p`'s result that starts
/// at linear index `base` (a multiple of the vector width).
void emitCatVectorLoad(const CatPlan &p, const llvm::DenseMap<mlir::Value, TensorRef> &tensors,
                       const std::string &var, const std::string &vt, const std::string &base,
                       const std::string &ind, std::ostream &os);

/// Non-splat constants of a block become file-scope arrays; returns their
/// definitions and registers them in `tensors`.
bool collectConstantArrays(mlir::Block &body, bool host, std::string &defs,
                           llvm::DenseMap<mlir::Value, TensorRef> &tensors,
                           const std::string &prefix, Unsupported &err);

/// What every pattern emitter starts with: checks that the slot's tensor types
/// have a C type, inlines its constants (`defs`) and names its arguments in0,
/// in1, ... in `tensors`.
bool bindSlotTensors(pike::KernelOp kernel, bool host, std::string &defs,
                     llvm::DenseMap<mlir::Value, TensorRef> &tensors, Unsupported &err);

/// Host references: `const T* inN = (const T*)pike_inputs[N];` and the outputs.
void emitHostPointers(pike::KernelOp kernel, std::ostream &os);

/// The end of every per-element epilogue: evaluates each value the slot yields
/// (statements into `body`), stores it at `out<k>[lin]` (cast to the output's
/// type), then writes the coordinates an index needed and `body` to `os`.
bool emitStores(ElemEmitter &e, pike::KernelOp kernel, const std::string &lin,
                std::ostringstream &body, std::ostringstream &os, Unsupported &err);

/// The only op of the slot's body that `isAnchor` accepts, every other op being
/// elementwise; null (and the reason in `err`) when there is none, more than
/// one, or an op that is neither. `what` names the anchor in the messages.
pike::AtenOp singleAnchor(pike::KernelOp kernel, llvm::function_ref<bool(pike::AtenOp)> isAnchor,
                          llvm::StringRef what, Unsupported &err);

/// The kernel-argument name of `v` in `out`; fails naming `what` when `v` is
/// computed inside the region (prologues are not fused).
bool operandPtr(mlir::Value v, const llvm::DenseMap<mlir::Value, TensorRef> &tensors,
                std::string &out, Unsupported &err, mlir::Operation *at, llvm::StringRef what);

/// Channels-last slots (ChannelsLast.cpp, pike.layout = "nhwc"): rewrites the
/// logical rank-4 iteration space `iter` into its physical order (N, H, W, C) and
/// every tensor of `tensors` into the shape it has in that order, so that the
/// slot's channels-last tensors are read and written at the linear index itself
/// and broadcast operands (per-channel vectors, constants) through the usual
/// broadcast indices. Saves the logical space in `logical`. Fails naming the
/// operand when a contiguous operand would need a transposed read, or when the
/// space is not rank 4.
bool toChannelsLastSpace(pike::KernelOp kernel, std::vector<int64_t> &iter, std::vector<int64_t> &logical,
                         llvm::DenseMap<mlir::Value, TensorRef> &tensors, Unsupported &err);
/// The logical shape `s` (rank <= 4, right-aligned against a rank-4 space) in
/// channels-last order: padded to rank 4 with leading 1s, then permuted.
std::vector<int64_t> channelsLastShape(llvm::ArrayRef<int64_t> s);
struct CatPlan;
/// A rank-4 cat's plan in channels-last order: its shape permuted and its dim
/// moved (a cat of channels becomes a cat along the last dim).
void toChannelsLastCat(CatPlan &p);

/// Views read through (ViewRead.cpp): strided view ops (pike/Dialect/ViewLayout.h)
/// inside an elementwise slot, read at remapped indices of their source.
bool isViewRead(mlir::Operation *op);
/// Registers every view op of `body` in `tensors`: its results read the
/// buffer of their source (an argument, a constant array or another view) with
/// the view's layout; fails naming the op whose layout is not static.
bool bindViewReads(mlir::Block &body, llvm::DenseMap<mlir::Value, TensorRef> &tensors,
                   Unsupported &err);
/// The source index of the view element at linear index `lin` (coordinates
/// `cp`0.. when the view is not contiguous) of the iteration space `iter`.
std::string viewReadIndex(const StridedLayout &layout, llvm::ArrayRef<int64_t> iter,
                          const std::string &lin, const std::string &cp);
/// True when the view covers the whole iteration space and every run of `vw`
/// consecutive elements lies contiguously at a `vw`-aligned offset of its
/// source (float2/float4 loads, given an aligned source pointer).
bool viewReadVectorizable(const StridedLayout &layout, llvm::ArrayRef<int64_t> iter, int vw);

/// Kernel parameter list: const T* __restrict__ in0, ..., T* __restrict__ out0, ...
std::string paramList(pike::KernelOp kernel);

// Pattern emitters. Each fills `out` (source, launches, entry, summary) or err.
bool emitElementwise(pike::KernelOp kernel, const Knobs &knobs, bool host,
                     GeneratedKernel &out, Unsupported &err);
bool emitRowOp(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
               Unsupported &err);
bool emitGemm(pike::KernelOp kernel, const Knobs &knobs, GeneratedKernel &out,
              Unsupported &err);

bool emitAttention(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                   Unsupported &err);
/// The tiled (online-softmax) attention kernel is the better first guess here.
bool attentionTiledFirst(pike::KernelOp kernel);
/// The tiled SIMT attention kernel takes this slot (head dims up to 64).
bool attentionTiledFits(pike::KernelOp kernel);
/// The tensor-core (mma) attention kernel takes this slot.
bool attentionMmaFits(pike::KernelOp kernel);
/// ... and its 16-bit variant (mma-half: query/key head dim a multiple of 16).
bool attentionMmaHalfFits(pike::KernelOp kernel);
/// Key length of an attention slot, 0 when not one.
int64_t attentionKeyLength(pike::KernelOp kernel);
bool emitGemmHost(pike::KernelOp kernel, GeneratedKernel &out, Unsupported &err);
/// The SIMT tiled GEMMs (Gemm.cpp, Einsum.cpp), once a k step's tiles are
/// staged (As[BK][BM], Bs[BK][BN]): multiplies them into the thread's TM x TN
/// accumulator `acc`, then syncs; `ind` indents the k loop's body.
void emitSimtTileProduct(const std::string &ind, std::ostream &os);
/// A GEMM slot whose epilogue broadcasts the result over larger outputs
/// (squeeze-excite's gate times the feature map): only the simt variant.
bool gemmExpands(pike::KernelOp kernel);
/// batch*M*N*K of a GEMM slot, 0 when not one.
int64_t gemmWork(pike::KernelOp kernel);
/// Input channels of a pointwise-convolution GEMM slot whose reference allows
/// TF32; 0 for any other slot.
int64_t tf32ConvInputChannels(pike::KernelOp kernel);

/// Classification used by candidateKnobs/generate.
enum class Kind { Elementwise, RowOp, Reduce, Gemm, Attention, Conv, Pool, Einsum, Scan, Unknown };
Kind classify(pike::KernelOp kernel, std::string *why = nullptr);
/// The ops (registry names without "aten::") the row op table (RowOps.cpp) has a row for.
llvm::SmallVector<llvm::StringRef> rowOpNames();
/// Row length of a row op slot (softmax/reduction/norm), 0 when not a row op.
int64_t rowLength(pike::KernelOp kernel);

/// Axis reductions (Reduce.cpp): one sum / mean / amax / amin / prod with an
/// elementwise prologue and epilogue whose reduced dims are not a trailing
/// block of its input (those are rows), every output of the result's size.
bool isAxisReduction(pike::KernelOp kernel);
/// Its first-guess variant ("thread-per-output", "split-reduce",
/// "block-per-output"); empty when the slot is not one.
std::string axisReductionVariant(pike::KernelOp kernel);
bool emitReduce(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                Unsupported &err);

/// adaptive_avg_pool2d to 1x1 (global average pooling, as in squeeze-excite):
/// a mean over the last two dims, generated as a row reduction.
bool isGlobalAvgPool(pike::AtenOp op);

/// max_pool2d, avg_pool2d, adaptive max / avg pooling (not global average
/// pooling, which is a row reduction): Pool.cpp's generator.
bool isPooling(pike::AtenOp op);
/// A mean over dims 2 and 3 of a rank-4 tensor (Pool.cpp).
bool isSpatialMean(pike::AtenOp op);
/// What a channels-last slot pools (Pool.cpp): isPooling, global average
/// pooling and isSpatialMean.
bool isChannelsLastPooling(pike::AtenOp op);
/// A pooling op with an elementwise prologue / epilogue (Pool.cpp).
/// Channels-last squeeze-excite gate (ExciteGate.cpp): a pointwise convolution
/// of a [N, Ci, 1, 1] tensor whose epilogue broadcasts over [N, Co, H, W].
bool isChannelsLastExcite(pike::KernelOp kernel);
bool emitExciteGate(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                    Unsupported &err);
bool emitPool(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
              Unsupported &err);

std::string sanitize(llvm::StringRef s);

/// The operand of `a` bound to the schema argument `name` (null if absent).
mlir::Value operandNamed(pike::AtenOp a, llvm::StringRef name);

/// A 2-d convolution (aten::_convolution / aten::conv2d) on NCHW f32 tensors.
struct ConvGeom {
  pike::AtenOp op;
  mlir::Value x, w, bias; // bias may be null
  int64_t N = 0, Ci = 0, H = 0, W = 0, Co = 0, KH = 0, KW = 0;
  int64_t SH = 1, SW = 1, PH = 0, PW = 0, DH = 1, DW = 1, groups = 1, Ho = 0, Wo = 0;
  /// The reference op itself runs with TF32 allowed (cuDNN's default,
  /// recorded as `allow_tf32` in the graph): a kernel may do the same.
  bool tf32 = false;
  /// Transposed (weight [Ci, Co/groups, KH, KW]; cuDNN backward-data), with its
  /// output padding.
  bool transposed = false;
  int64_t OPH = 0, OPW = 0;
  /// 1x1, stride 1, no padding, one group: a batched GEMM W[Co,Ci] x X[n][Ci,HW].
  bool pointwise() const {
    return !transposed && KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0 &&
           groups == 1;
  }
  /// One group per input channel (channel multiplier Co / Ci).
  bool depthwise() const { return !transposed && groups > 1 && groups == Ci && Co % Ci == 0; }
};
/// Reads the geometry of a convolution op; fails (with the reason) on
/// non-4-d, non-f32 or string-padded convolutions.
bool convGeometry(pike::AtenOp a, ConvGeom &g, Unsupported &err);
/// Emits `float <dst>` = element `channel` (a C expression) of the per-channel
/// vector `v` (an argument, an inlined constant or a splat), in its own scope.
bool emitChannelValue(mlir::Value v, int64_t channels, const std::string &channel,
                      const llvm::DenseMap<mlir::Value, TensorRef> &tensors,
                      const std::string &ind, const std::string &dst, std::ostringstream &os,
                      Unsupported &err);
/// True when `a` is a convolution op (any rank or flavour).
bool isConvolution(pike::AtenOp a);

/// Two-operand einsum + elementwise epilogue as a strided batched GEMM (Einsum.cpp).
bool emitEinsum(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                Unsupported &err);
/// The slot's einsum is a plain (batched) GEMM the GEMM planner takes.
bool isEinsumGemm(pike::KernelOp kernel);
/// `a` (aten::einsum) as A [batch][M][K] x B [batch][K][N] (or [N][K], transB)
/// -> [batch][M][N] with one batch stride per operand (0: broadcast).
bool einsumAsGemm(pike::AtenOp a, mlir::Value &A, mlir::Value &B, bool &transB, int64_t &batch,
                  int64_t &M, int64_t &N, int64_t &K, int64_t &strideA, int64_t &strideB);

/// cumsum with elementwise prologue / epilogue (Scan.cpp).
bool emitScan(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
              Unsupported &err);
/// Elements between consecutive scanned elements of a scan slot (1: the last
/// dim is scanned); 0 when not a scan slot.
int64_t scanInner(pike::KernelOp kernel);
/// A convolution region: one convolution anchor, every other op elementwise,
/// every output of the convolution's shape.
struct ConvPlan {
  ConvGeom g;
  mlir::Value G; // the convolution's result (bias included)
};
bool planConvRegion(pike::KernelOp kernel, ConvPlan &p, Unsupported &err);
/// Statements computing `pike_g` (`acc` + bias of channel `pike_ch`) and storing
/// every output at linear index `o` of the output: NCHW order, or NHWC with
/// `channelsLast` (a channels-last slot; `pike_ch` is then `o % C`).
bool emitConvEpilogue(const ConvPlan &p, pike::KernelOp kernel,
                      const llvm::DenseMap<mlir::Value, TensorRef> &tensors, const std::string &ind,
                      std::ostringstream &os, Unsupported &err, bool channelsLast = false);
/// Host reference of any (grouped, strided, dilated) convolution region (Conv.cpp).
bool emitConvHost(pike::KernelOp kernel, GeneratedKernel &out, Unsupported &err);

/// Depthwise convolution + elementwise epilogue (Conv.cpp).
bool emitDepthwiseConv(pike::KernelOp kernel, const Knobs &knobs, bool host, GeneratedKernel &out,
                       Unsupported &err);
/// Any convolution through cuDNN (nvcc mode) + one generated epilogue kernel, or
/// cudnnConvolutionBiasActivationForward when it covers the epilogue (ConvCudnn.cpp).
/// `knobs.variant` = "cudnn[-fused][/ALGO]", see docs/codegen.md.
bool emitCudnnConv(pike::KernelOp kernel, const Knobs &knobs, GeneratedKernel &out,
                   Unsupported &err);
/// True when the knobs ask for the cuDNN path ("cudnn..." variants).
bool isCudnnVariant(const Knobs &knobs);
/// The cuDNN variants worth timing for a convolution slot (first = best guess).
std::vector<std::string> cudnnCandidateVariants(pike::KernelOp kernel);

} // namespace pike::codegen::detail

#endif
