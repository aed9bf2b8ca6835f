// Strided layouts of view ops (pike/Dialect/ViewLayout.h): the registry's view
// ops against isStridedViewOp, and the layouts of view chains whose strides
// torch can or cannot express (reshape of a slice, flatten of a transpose).
#include "pike/Dialect/OpRegistry.h"
#include "pike/Dialect/PikeDialect.h"
#include "pike/Dialect/ViewLayout.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace {

using namespace pike;

// Registry view ops that are not a strided view of one tensor (they copy,
// reorder by data or take a second tensor for the shape).
const std::set<std::string> kNotStrided = {
    "aten::movedim",  "aten::diagonal",      "aten::pixel_shuffle", "aten::channel_shuffle",
    "aten::repeat",   "aten::tile",          "aten::repeat_interleave", "aten::roll",
    "aten::flip",     "aten::view_as",       "aten::expand_as"};

TEST(ViewLayout, EveryRegistryViewOpIsClassified) {
  for (const OpInfo &info : allAtenOps()) {
    if (info.category != OpCategory::View)
      continue;
    std::string name = info.name.str();
    EXPECT_NE(isStridedViewOp(name), kNotStrided.count(name) > 0)
        << name << ": add it to isStridedViewOp (ViewLayout.cpp) or to kNotStrided";
  }
}

/// The layouts of the chain of views in `body` (one function, argument %x of
/// type `src`), each over the previous one, starting contiguous.
struct Chain {
  mlir::MLIRContext ctx;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<std::optional<StridedLayout>> layouts;
  std::string why;

  Chain(const std::string &src, const std::string &body) {
    ctx.loadDialect<PikeDialect, mlir::func::FuncDialect>();
    std::string text = "func.func @f(%x: " + src + ") {\n" + body + "  return\n}\n";
    module = mlir::parseSourceString<mlir::ModuleOp>(text, &ctx);
    if (!module)
      return;
    std::optional<StridedLayout> cur =
        StridedLayout::contiguous(mlir::cast<mlir::RankedTensorType>(
                                      module->lookupSymbol<mlir::func::FuncOp>("f").getArgument(0).getType())
                                      .getShape());
    module->walk([&](AtenOp op) {
      if (cur)
        cur = viewLayout(op, 0, *cur, why);
      layouts.push_back(cur);
    });
  }
};

TEST(ViewLayout, ReshapeOfARowSliceKeepsItsStrides) {
  Chain c("tensor<4x16xf32>",
          "  %0 = pike.aten \"aten::slice\"(%x) {dim = 1 : i64, end = 12 : i64, operands = [\"self\"], start = 4 : i64, step = 1 : i64} : (tensor<4x16xf32>) -> tensor<4x8xf32>\n"
          "  %1 = pike.aten \"aten::view\"(%0) {operands = [\"self\"], size = array<i64: 4, 2, 4>} : (tensor<4x8xf32>) -> tensor<4x2x4xf32>\n"
          "  %2 = pike.aten \"aten::unsqueeze\"(%1) {dim = 0 : i64, operands = [\"self\"]} : (tensor<4x2x4xf32>) -> tensor<1x4x2x4xf32>\n");
  ASSERT_TRUE(c.module);
  ASSERT_EQ(c.layouts.size(), 3u);
  ASSERT_TRUE(c.layouts[2]) << c.why;
  EXPECT_EQ(c.layouts[1]->offset, 4);
  EXPECT_EQ(c.layouts[1]->strides, (llvm::SmallVector<int64_t>{16, 4, 1}));
  EXPECT_FALSE(c.layouts[1]->isContiguous());
  EXPECT_EQ(c.layouts[2]->shape, (llvm::SmallVector<int64_t>{1, 4, 2, 4}));
  EXPECT_EQ(c.layouts[2]->strides.back(), 1);
}

TEST(ViewLayout, FlattenOfARowSliceNeedsACopy) {
  Chain c("tensor<4x16xf32>",
          "  %0 = pike.aten \"aten::slice\"(%x) {dim = 1 : i64, end = 8 : i64, operands = [\"self\"], start = 0 : i64, step = 1 : i64} : (tensor<4x16xf32>) -> tensor<4x8xf32>\n"
          "  %1 = pike.aten \"aten::reshape\"(%0) {operands = [\"self\"], shape = array<i64: 32>} : (tensor<4x8xf32>) -> tensor<32xf32>\n");
  ASSERT_TRUE(c.module);
  ASSERT_EQ(c.layouts.size(), 2u);
  EXPECT_TRUE(c.layouts[0]);
  EXPECT_FALSE(c.layouts[1]);
  EXPECT_NE(c.why.find("torch would copy"), std::string::npos) << c.why;
}

TEST(ViewLayout, SelectAlongDimZeroIsContiguous) {
  Chain c("tensor<3x4x8xf32>",
          "  %0 = pike.aten \"aten::select\"(%x) {dim = 0 : i64, index = -1 : i64, operands = [\"self\"]} : (tensor<3x4x8xf32>) -> tensor<4x8xf32>\n"
          "  %1:2 = pike.aten \"aten::chunk\"(%0) {chunks = 2 : i64, dim = 1 : i64, operands = [\"self\"]} : (tensor<4x8xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>)\n");
  ASSERT_TRUE(c.module);
  ASSERT_TRUE(c.layouts[0] && c.layouts[1]) << c.why;
  EXPECT_EQ(c.layouts[0]->offset, 64);
  EXPECT_TRUE(c.layouts[0]->isContiguous());
  EXPECT_FALSE(c.layouts[1]->isContiguous());
}

TEST(ViewLayout, TransposedReadsAndExpand) {
  Chain c("tensor<4x6xf32>",
          "  %0 = pike.aten \"aten::t\"(%x) {operands = [\"self\"]} : (tensor<4x6xf32>) -> tensor<6x4xf32>\n"
          "  %1 = pike.aten \"aten::unsqueeze\"(%0) {dim = 1 : i64, operands = [\"self\"]} : (tensor<6x4xf32>) -> tensor<6x1x4xf32>\n"
          "  %2 = pike.aten \"aten::expand\"(%1) {implicit = false, operands = [\"self\"], size = array<i64: 2, 6, 3, 4>} : (tensor<6x1x4xf32>) -> tensor<2x6x3x4xf32>\n");
  ASSERT_TRUE(c.module);
  ASSERT_TRUE(c.layouts[2]) << c.why;
  EXPECT_EQ(c.layouts[0]->strides, (llvm::SmallVector<int64_t>{1, 6}));
  EXPECT_EQ(c.layouts[2]->strides, (llvm::SmallVector<int64_t>{0, 1, 0, 6}));
}

TEST(ViewLayout, DynamicStartIsRefused) {
  Chain c("tensor<4x16xf32>",
          "  %n = pike.constant dense<2> : tensor<i64>\n"
          "  %0 = pike.aten \"aten::narrow\"(%x, %n) {dim = 1 : i64, length = 8 : i64, operands = [\"self\", \"start\"]} : (tensor<4x16xf32>, tensor<i64>) -> tensor<4x8xf32>\n");
  ASSERT_TRUE(c.module);
  ASSERT_EQ(c.layouts.size(), 1u);
  EXPECT_FALSE(c.layouts[0]);
  EXPECT_NE(c.why.find("dynamic"), std::string::npos) << c.why;
}

} // namespace
