// The generator's op tables (ElementwiseOps.cpp, RowOps.cpp) against the op
// registry: every registry op that classify() routes to the elementwise or the
// row generator has a table row or is listed below as unsupported, and every
// row names a registry op of a category routed there. A new registry op
// without a row fails here until it gets one (docs/codegen.md, "Adding an op").
#include "Internal.h"

#include "pike/Dialect/OpRegistry.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace {

using namespace pike;
using namespace pike::codegen::detail;

// Elementwise registry ops without an emitter row (their regions get no
// generated kernel).
const std::set<std::string> kElementwiseWithoutRow = {};

// Reduction / softmax / normalization registry ops without a row op row.
const std::set<std::string> kRowOpsWithoutRow = {
    "argmax", "argmin",        // index results, not values
    "cumsum", "cumprod",       // scans: one output per element, not per row
    "all", "any",              // boolean reductions
    "topk", "sort",            // several results
    "norm", "linalg_vector_norm",
    "instance_norm", "native_layer_norm",
};

// Rows for ops whose registry category is not the table's: classify() routes
// them there in a special case.
const std::map<std::string, OpCategory> kElementwiseRowsOfOtherCategories = {
    {"batch_norm", OpCategory::Normalization}, // inference batch norm is elementwise
};
const std::map<std::string, OpCategory> kRowOpRowsOfOtherCategories = {
    {"adaptive_avg_pool2d", OpCategory::Other}, // global average pooling (to 1x1) only
};

bool isRowCategory(OpCategory c) {
  return c == OpCategory::Reduction || c == OpCategory::Softmax ||
         c == OpCategory::Normalization;
}

std::string shortName(llvm::StringRef qualified) {
  qualified.consume_front("aten::");
  return qualified.str();
}

std::set<std::string> elementwiseRows() {
  std::set<std::string> names;
  for (const ElementwiseOpRow &row : elementwiseOpTable())
    names.insert(row.op.str());
  return names;
}

std::set<std::string> rowOpRows() {
  std::set<std::string> names;
  for (llvm::StringRef n : rowOpNames())
    names.insert(n.str());
  return names;
}

TEST(OpTables, EveryElementwiseRegistryOpHasARowOrIsListedUnsupported) {
  std::set<std::string> rows = elementwiseRows();
  for (const OpInfo &op : allAtenOps()) {
    if (op.category != OpCategory::Elementwise)
      continue;
    std::string n = shortName(op.name);
    EXPECT_TRUE(rows.count(n) || kElementwiseWithoutRow.count(n))
        << op.name.str() << " is an elementwise registry op without a row in "
        << "lib/Codegen/ElementwiseOps.cpp (add one, or list it in kElementwiseWithoutRow)";
  }
}

TEST(OpTables, EveryRowRegistryOpHasARowOrIsListedUnsupported) {
  std::set<std::string> rows = rowOpRows(), elementwise = elementwiseRows();
  for (const OpInfo &op : allAtenOps()) {
    if (!isRowCategory(op.category))
      continue;
    std::string n = shortName(op.name);
    EXPECT_TRUE(rows.count(n) || elementwise.count(n) || kRowOpsWithoutRow.count(n))
        << op.name.str() << " (" << toString(op.category).str() << ") has no row in the row "
        << "op table (lib/Codegen/RowOps.cpp, kRowOps): add one, or list it in kRowOpsWithoutRow";
  }
}

TEST(OpTables, ElementwiseRowsNameElementwiseRegistryOps) {
  std::set<std::string> seen;
  for (const ElementwiseOpRow &row : elementwiseOpTable()) {
    std::string n = row.op.str();
    EXPECT_TRUE(seen.insert(n).second) << "two elementwise rows for " << n;
    EXPECT_NE(row.emit, nullptr) << n;
    EXPECT_EQ(findElementwiseOp(n), &row) << n;
    auto info = lookupAtenOp("aten::" + n);
    ASSERT_TRUE(info) << "elementwise row '" << n << "' names no registry op";
    auto other = kElementwiseRowsOfOtherCategories.find(n);
    OpCategory want = other == kElementwiseRowsOfOtherCategories.end() ? OpCategory::Elementwise
                                                                       : other->second;
    EXPECT_EQ(toString(info->category).str(), toString(want).str())
        << "elementwise row '" << n << "': classify() never routes its op here";
    EXPECT_FALSE(kElementwiseWithoutRow.count(n)) << n << " has a row and is listed unsupported";
  }
  EXPECT_EQ(findElementwiseOp("no_such_op"), nullptr);
}

TEST(OpTables, RowOpRowsNameRowRegistryOps) {
  std::set<std::string> seen;
  for (llvm::StringRef name : rowOpNames()) {
    std::string n = name.str();
    EXPECT_TRUE(seen.insert(n).second) << "two row op rows for " << n;
    auto info = lookupAtenOp("aten::" + n);
    ASSERT_TRUE(info) << "row op row '" << n << "' names no registry op";
    auto other = kRowOpRowsOfOtherCategories.find(n);
    if (other == kRowOpRowsOfOtherCategories.end())
      EXPECT_TRUE(isRowCategory(info->category))
          << "row op row '" << n << "' is a " << toString(info->category).str()
          << " op: classify() never routes it to the row generator";
    else
      EXPECT_EQ(toString(info->category).str(), toString(other->second).str()) << n;
    EXPECT_FALSE(kRowOpsWithoutRow.count(n)) << n << " has a row and is listed unsupported";
  }
}

// The unsupported lists hold registry ops of the right category only, so they
// shrink when an op goes away or gets a row.
TEST(OpTables, UnsupportedListsNameRegistryOps) {
  for (const std::string &n : kElementwiseWithoutRow) {
    auto info = lookupAtenOp("aten::" + n);
    ASSERT_TRUE(info) << n;
    EXPECT_EQ(info->category, OpCategory::Elementwise) << n;
  }
  for (const std::string &n : kRowOpsWithoutRow) {
    auto info = lookupAtenOp("aten::" + n);
    ASSERT_TRUE(info) << n;
    EXPECT_TRUE(isRowCategory(info->category)) << n;
  }
}

TEST(OpTables, RegistryListsEachOpOnce) {
  std::set<std::string> seen;
  for (const OpInfo &op : allAtenOps())
    EXPECT_TRUE(seen.insert(op.name.str()).second) << op.name.str() << " is listed twice";
  EXPECT_TRUE(lookupAtenOp("aten::trunc"));
}

} // namespace
