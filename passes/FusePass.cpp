// pike-fuse: greedy producer-consumer grouping into pike.fusion_group.
#include "pike/Dialect/OpRegistry.h"
#include "pike/Dialect/ViewLayout.h"
#include "pike/Passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include "llvm/ADT/SetVector.h"

namespace pike {
#define GEN_PASS_DEF_PIKEFUSE
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {

std::optional<OpCategory> categoryOf(Operation *op) {
  auto aten = dyn_cast<AtenOp>(op);
  if (!aten)
    return std::nullopt;
  if (auto info = lookupAtenOp(aten.getName()))
    return info->category;
  return std::nullopt;
}

bool isCat(Operation *op, OpCategory c) {
  auto cat = categoryOf(op);
  return cat && *cat == c;
}

bool isMatmulLike(Operation *op) {
  auto aten = dyn_cast<AtenOp>(op);
  if (!aten)
    return false;
  StringRef n = aten.getName();
  return n == "aten::matmul" || n == "aten::bmm" || n == "aten::mm" || n == "aten::baddbmm";
}

/// 2-d pooling ops the generator fuses an elementwise prologue into (lib/Codegen/Pool.cpp).
bool isPooling2d(Operation *op) {
  auto aten = dyn_cast<AtenOp>(op);
  if (!aten)
    return false;
  StringRef n = aten.getName();
  return n == "aten::max_pool2d" || n == "aten::avg_pool2d" || n == "aten::adaptive_avg_pool2d" ||
         n == "aten::adaptive_max_pool2d";
}

/// Ops the elementwise DAG generator (lib/Codegen/Elementwise.cpp) emits: the
/// Elementwise category and inference batch_norm.
bool isElementwiseDagOp(Operation *op) {
  if (isCat(op, OpCategory::Elementwise))
    return true;
  auto aten = dyn_cast<AtenOp>(op);
  if (!aten || aten.getName() != "aten::batch_norm")
    return false;
  auto training = aten->getAttrOfType<BoolAttr>("training");
  return training && !training.getValue();
}

/// An aten::cat the elementwise DAG can read in place (lib/Codegen/ElementwiseCat.cpp):
/// one result, every operand a static tensor of the result's rank and element type.
bool isInPlaceCat(Operation *op) {
  auto aten = dyn_cast<AtenOp>(op);
  if (!aten || aten.getName() != "aten::cat" || aten->getNumResults() != 1 ||
      aten.getInputs().empty())
    return false;
  auto result = dyn_cast<RankedTensorType>(aten->getResult(0).getType());
  if (!result || !result.hasStaticShape() || result.getRank() == 0)
    return false;
  return llvm::all_of(aten.getInputs(), [&](Value v) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t && t.hasStaticShape() && t.getRank() == result.getRank() &&
           t.getElementType() == result.getElementType();
  });
}

/// A reduction to values with one result (sum, mean, amax/amin, max/min over
/// all, prod, var, std, logsumexp): what the row and axis-reduction generators
/// take with an elementwise prologue and epilogue. Scans, arg-reductions,
/// sorts and norms keep their groups as they are.
bool isValueReduction(Operation *op) {
  auto aten = dyn_cast<AtenOp>(op);
  if (!aten || aten->getNumResults() != 1)
    return false;
  StringRef n = aten.getName();
  return llvm::is_contained({"aten::sum", "aten::mean", "aten::amax", "aten::amin", "aten::max",
                             "aten::min", "aten::prod", "aten::var", "aten::std", "aten::logsumexp"},
                            n);
}

/// The unique user of `op`'s single result, if it has exactly one use.
Operation *soleUser(Operation *op) {
  if (op->getNumResults() != 1 || !op->getResult(0).hasOneUse())
    return nullptr;
  return *op->getResult(0).getUsers().begin();
}

struct FusePass : public pike::impl::PikeFuseBase<FusePass> {
  using PikeFuseBase::PikeFuseBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    eagerLayouts.clear();
    llvm::DenseSet<Operation *> assigned;
    SmallVector<std::pair<SmallVector<Operation *>, FusionPattern>> groups;
    for (Operation &op : func.getBody().front().without_terminator()) {
      if (assigned.contains(&op))
        continue;
      auto cat = categoryOf(&op);
      if (!cat || *cat == OpCategory::View || *cat == OpCategory::Data)
        continue;
      SmallVector<Operation *> members{&op};
      FusionPattern pattern = grow(members, *cat, assigned);
      if (members.size() == 1 && !singles)
        continue;
      for (Operation *m : members)
        assigned.insert(m);
      groups.push_back({members, pattern});
    }
    eagerLayouts.clear(); // keyed by values materialize erases
    for (auto &[members, pattern] : groups)
      if (failed(materialize(members, pattern)))
        return signalPassFailure();
  }

  /// Extends the group from its seed along single-use consumers; returns the pattern.
  FusionPattern grow(SmallVector<Operation *> &members, OpCategory seed,
                   const llvm::DenseSet<Operation *> &assigned) {
    FusionPattern pattern = FusionPattern::Single;
    switch (seed) {
    case OpCategory::Contraction: {
      auto aten = cast<AtenOp>(members.front());
      pattern = aten.getName().contains("conv") ? FusionPattern::ConvEpilogue : FusionPattern::GemmEpilogue;
      break;
    }
    case OpCategory::Normalization: pattern = FusionPattern::NormActivation; break;
    case OpCategory::Softmax: pattern = FusionPattern::Softmax; break;
    case OpCategory::Reduction: pattern = FusionPattern::Reduction; break;
    case OpCategory::Elementwise: pattern = FusionPattern::Elementwise; break;
    default: return FusionPattern::Single;
    }
    if (!fuseEpilogues && seed != OpCategory::Elementwise)
      return members.size() == 1 ? FusionPattern::Single : pattern;
    bool sawSoftmax = false;
    while (members.size() < maxOps) {
      Operation *next = soleUser(members.back());
      if (!next || assigned.contains(next) || next->getBlock() != members.front()->getBlock() ||
          !canJoin(members, next))
        break;
      if (isCat(next, OpCategory::Elementwise)) {
        members.push_back(next);
        continue;
      }
      if (isCat(next, OpCategory::Softmax) && !sawSoftmax &&
          (seed == OpCategory::Elementwise || (seed == OpCategory::Contraction && fuseAttention &&
                                               isMatmulLike(members.front())))) {
        members.push_back(next);
        sawSoftmax = true;
        if (seed == OpCategory::Elementwise)
          pattern = FusionPattern::Softmax;
        continue;
      }
      if (sawSoftmax && seed == OpCategory::Contraction && isMatmulLike(next)) {
        members.push_back(next);
        pattern = FusionPattern::Attention;
        break;
      }
      if (isCat(next, OpCategory::Reduction) && seed == OpCategory::Elementwise) {
        members.push_back(next);
        pattern = FusionPattern::Reduction;
        absorbReductionEpilogue(members, assigned);
        break;
      }
      // Elementwise ops feeding only a pooling op become its prologue (recomputed
      // per window element, never stored): only when nothing outside uses them.
      if (seed == OpCategory::Elementwise && isPooling2d(next) && onlyFeeds(members, next)) {
        members.push_back(next);
        pattern = FusionPattern::Pooling;
        break;
      }
      break;
    }
    if (sawSoftmax && pattern != FusionPattern::Attention && seed == OpCategory::Contraction) {
      // matmul -> softmax without the second matmul: keep the softmax out.
      while (!members.empty() && !isCat(members.back(), OpCategory::Softmax))
        members.pop_back();
      members.pop_back();
      pattern = FusionPattern::GemmEpilogue;
    }
    if (pattern == FusionPattern::Elementwise ||
        ((pattern == FusionPattern::GemmEpilogue || pattern == FusionPattern::ConvEpilogue ||
          pattern == FusionPattern::NormActivation) &&
         members.size() > 1))
      absorbElementwiseUsers(members, assigned);
    if (pattern == FusionPattern::Elementwise && absorbReductionConsumer(members, assigned))
      pattern = FusionPattern::Reduction;
    if (pattern == FusionPattern::Elementwise || pattern == FusionPattern::NormActivation)
      absorbCatPrologues(members, assigned);
    if (pattern == FusionPattern::Elementwise && fuseViews)
      absorbViewReads(members, assigned);
    if (members.size() == 1 && seed != OpCategory::Elementwise)
      return pattern == FusionPattern::GemmEpilogue || pattern == FusionPattern::ConvEpilogue
                 ? FusionPattern::Single
                 : pattern;
    return pattern;
  }

  /// Every result of `members` is used inside the group or by `next` only.
  bool onlyFeeds(ArrayRef<Operation *> members, Operation *next) {
    llvm::SmallPtrSet<Operation *, 16> set(members.begin(), members.end());
    set.insert(next);
    for (Operation *m : members)
      for (Value r : m->getResults())
        for (Operation *u : r.getUsers())
          if (!set.contains(u))
            return false;
    return true;
  }

  /// `next` may join when the group, placed after its last member, still
  /// dominates every outside use of its values: no outside user may sit
  /// before the group's new last op.
  bool canJoin(ArrayRef<Operation *> members, Operation *next) {
    llvm::SmallPtrSet<Operation *, 16> set(members.begin(), members.end());
    set.insert(next);
    Operation *last = next;
    for (Operation *m : members)
      if (last->isBeforeInBlock(m))
        last = m;
    for (Operation *m : set)
      for (Value r : m->getResults())
        for (Operation *user : r.getUsers())
          if (!set.contains(user) && (user == last || user->isBeforeInBlock(last)))
            return false;
    return true;
  }

  /// Elementwise DAGs: absorb any elementwise user of a member (not only a
  /// sole user), so `x * sigmoid(x)` and gate arithmetic become one kernel.
  void absorbElementwiseUsers(SmallVector<Operation *> &members,
                              const llvm::DenseSet<Operation *> &assigned) {
    bool changed = true;
    while (changed && members.size() < maxOps) {
      changed = false;
      llvm::SmallPtrSet<Operation *, 16> set(members.begin(), members.end());
      SmallVector<Operation *> users;
      for (Operation *m : members)
        for (Value r : m->getResults())
          for (Operation *u : r.getUsers())
            if (!set.contains(u) && !assigned.contains(u) && u->getBlock() == m->getBlock() &&
                isCat(u, OpCategory::Elementwise))
              users.push_back(u);
      llvm::sort(users, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
      for (Operation *u : users)
        if (canJoin(members, u)) {
          members.push_back(u);
          changed = true;
          break;
        }
      if (changed)
        continue;
      // Producers: an elementwise op whose every use is inside the group.
      for (Operation *m : members) {
        for (Value operand : m->getOperands()) {
          Operation *p = operand.getDefiningOp();
          if (!p || set.contains(p) || assigned.contains(p) || p->getBlock() != m->getBlock() ||
              !isCat(p, OpCategory::Elementwise))
            continue;
          bool usedInside = llvm::all_of(p->getUsers(), [&](Operation *u) { return set.contains(u); });
          if (!usedInside)
            continue;
          members.push_back(p);
          changed = true;
          break;
        }
        if (changed)
          break;
      }
    }
  }

  /// An elementwise DAG whose values are used outside only by one reduction
  /// (S4's `(c * exp(a * l) * cos(b * l) - ...).sum(1)`, a broadcast expression
  /// reduced over an axis) becomes that reduction's prologue: the kernel
  /// evaluates the expression inside its reduction loop and never stores the
  /// full-size intermediate. The reduction's epilogue chain follows it.
  bool absorbReductionConsumer(SmallVector<Operation *> &members,
                               const llvm::DenseSet<Operation *> &assigned) {
    llvm::SmallPtrSet<Operation *, 16> set(members.begin(), members.end());
    Operation *reduction = nullptr;
    for (Operation *m : members)
      for (Value r : m->getResults())
        for (Operation *u : r.getUsers()) {
          if (set.contains(u))
            continue;
          if (reduction && u != reduction)
            return false;
          reduction = u;
        }
    if (!reduction || members.size() >= maxOps || assigned.contains(reduction) ||
        reduction->getBlock() != members.front()->getBlock() ||
        !isValueReduction(reduction) || !canJoin(members, reduction))
      return false;
    members.push_back(reduction);
    absorbReductionEpilogue(members, assigned);
    return true;
  }

  /// After a reduction joined an elementwise group as its last member: its
  /// chain of single-use elementwise consumers (`2.0 * x.sum(1)`), as a group
  /// seeded by the reduction would take them.
  void absorbReductionEpilogue(SmallVector<Operation *> &members,
                               const llvm::DenseSet<Operation *> &assigned) {
    if (!fuseEpilogues || !isValueReduction(members.back()))
      return;
    while (members.size() < maxOps) {
      Operation *next = soleUser(members.back());
      if (!next || assigned.contains(next) || next->getBlock() != members.front()->getBlock() ||
          !isCat(next, OpCategory::Elementwise) || !canJoin(members, next))
        return;
      members.push_back(next);
    }
  }

  /// The layout torch gives `v` when every tensor not made by a strided view is
  /// contiguous (slot outputs and arguments are): a chain of views composed
  /// over its first non-view source. Nothing when a view has no static layout.
  std::optional<StridedLayout> eagerLayout(Value v) {
    if (auto it = eagerLayouts.find(v); it != eagerLayouts.end())
      return it->second;
    std::optional<StridedLayout> layout;
    auto view = v.getDefiningOp<AtenOp>();
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!view || !isStridedViewOp(view.getName()) || view.getInputs().size() != 1) {
      if (type && type.hasStaticShape())
        layout = StridedLayout::contiguous(type.getShape());
    } else if (auto source = eagerLayout(view.getInputs()[0])) {
      std::string why;
      layout = viewLayout(view, cast<OpResult>(v).getResultNumber(), *source, why);
    }
    eagerLayouts[v] = layout;
    return layout;
  }

  /// Elementwise groups: pulls in the views that feed only the group and whose
  /// result is not contiguous (a chunk along dim 1, a slice of the last dim),
  /// so the kernel reads their source through remapped indices instead of the
  /// package copying each view to a contiguous buffer in its own launch.
  /// Views torch gives contiguously (select along dim 0, unsqueeze, view) stay
  /// outside: they cost no copy, and keeping them out keeps the slots of
  /// recurrent steps identical (one search for all of them).
  void absorbViewReads(SmallVector<Operation *> &members,
                       const llvm::DenseSet<Operation *> &assigned) {
    bool changed = true;
    while (changed) {
      changed = false;
      llvm::SmallPtrSet<Operation *, 16> set(members.begin(), members.end());
      for (Operation *m : members) {
        for (Value operand : m->getOperands()) {
          auto view = operand.getDefiningOp<AtenOp>();
          if (!view || set.contains(view) || assigned.contains(view) ||
              view->getBlock() != m->getBlock() || !isStridedViewOp(view.getName()) ||
              view.getInputs().size() != 1 || view.getInputs()[0].getDefiningOp<ConstantOp>())
            continue;
          // Pointwise readers only: other members (a cat prologue) index
          // their operands themselves.
          bool usedInside = llvm::all_of(view->getUsers(), [&](Operation *u) {
            auto reader = dyn_cast<AtenOp>(u);
            return set.contains(u) && reader &&
                   (isCat(u, OpCategory::Elementwise) || isStridedViewOp(reader.getName()));
          });
          bool copied = llvm::any_of(view->getResults(), [&](Value r) {
            auto layout = eagerLayout(r);
            return layout && !layout->isContiguous();
          });
          bool static_ = llvm::all_of(view->getResults(), [&](Value r) { return eagerLayout(r).has_value(); });
          if (!usedInside || !copied || !static_)
            continue;
          members.push_back(view);
          changed = true;
          break;
        }
        if (changed)
          break;
      }
    }
  }

  llvm::DenseMap<Value, std::optional<StridedLayout>> eagerLayouts;

  /// A group the elementwise DAG generator serves takes in every aten::cat
  /// whose result only its members use: the kernel reads each element from the
  /// cat operand that holds it, so the concatenated tensor is never stored.
  /// The cat's operands become the group's (and the slot's) inputs.
  void absorbCatPrologues(SmallVector<Operation *> &members,
                          const llvm::DenseSet<Operation *> &assigned) {
    if (!llvm::all_of(members, isElementwiseDagOp))
      return;
    llvm::SmallPtrSet<Operation *, 16> set(members.begin(), members.end());
    SmallVector<Operation *> cats;
    for (Operation *m : members)
      for (Value operand : m->getOperands()) {
        Operation *p = operand.getDefiningOp();
        // The kernel reads the operands from memory: none may be computed in the
        // group (canJoin already keeps a cat operand's producer and the cat's
        // consumer apart; this keeps the rule local).
        if (!p || set.contains(p) || assigned.contains(p) || p->getBlock() != m->getBlock() ||
            !isInPlaceCat(p) ||
            !llvm::all_of(p->getUsers(), [&](Operation *u) { return set.contains(u); }) ||
            llvm::any_of(p->getOperands(),
                         [&](Value v) { return set.contains(v.getDefiningOp()); }))
          continue;
        if (!llvm::is_contained(cats, p))
          cats.push_back(p);
      }
    for (Operation *c : cats) {
      if (members.size() >= maxOps)
        break;
      members.push_back(c);
    }
  }

  /// Replaces `members` by one pike.fusion_group placed where the last member was.
  LogicalResult materialize(SmallVector<Operation *> members, FusionPattern pattern) {
    // Clone in block order: absorbed users may sit between earlier members.
    llvm::sort(members, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    llvm::SmallPtrSet<Operation *, 16> set(members.begin(), members.end());
    llvm::SetVector<Value> inputs;
    llvm::SetVector<Value> outputs;
    // Small constants are cloned into the body: kernels bake them in rather
    // than take them as arguments.
    llvm::SetVector<Operation *> constants;
    for (Operation *m : members) {
      for (Value operand : m->getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (def && isa<ConstantOp>(def))
          constants.insert(def);
        else if (!set.contains(def))
          inputs.insert(operand);
      }
      for (Value r : m->getResults())
        for (Operation *user : r.getUsers())
          if (!set.contains(user))
            outputs.insert(r);
    }
    Operation *last = members.back();
    OpBuilder b(last->getContext());
    b.setInsertionPointAfter(last);
    Location loc = members.size() == 1
                       ? members.front()->getLoc()
                       : b.getFusedLoc(llvm::to_vector(llvm::map_range(
                             members, [](Operation *m) { return m->getLoc(); })));
    auto group = b.create<FusionGroupOp>(loc, TypeRange(outputs.getArrayRef()),
                                         inputs.getArrayRef(), b.getStringAttr(stringifyFusionPattern(pattern)));
    Block *body = new Block();
    group.getBody().push_back(body);
    IRMapping map;
    for (Value in : inputs)
      map.map(in, body->addArgument(in.getType(), in.getLoc()));
    OpBuilder inner = OpBuilder::atBlockEnd(body);
    for (Operation *c : constants)
      inner.clone(*c, map);
    for (Operation *m : members)
      inner.clone(*m, map);
    SmallVector<Value> yielded;
    for (Value out : outputs)
      yielded.push_back(map.lookup(out));
    inner.create<YieldOp>(loc, yielded);
    for (auto [i, out] : llvm::enumerate(outputs.getArrayRef())) {
      Value v = out;
      v.replaceAllUsesWith(group.getResult(i));
    }
    for (Operation *m : llvm::reverse(members))
      m->erase();
    for (Operation *c : constants)
      if (c->use_empty())
        c->erase();
    return success();
  }
};

} // namespace
