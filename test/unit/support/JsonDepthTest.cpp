#include "pike/Support/JsonDepth.h"

#include <gtest/gtest.h>

#include <string>

using pike::findJsonNestingDeeperThan;

namespace {
/// The deepest level of `text`, found through the limit it first stays within.
int depthOf(const std::string &text) {
  int limit = 0;
  while (findJsonNestingDeeperThan(text, limit))
    ++limit;
  return limit;
}
} // namespace

TEST(SupportJsonDepth, CountsBracketsOutsideStrings) {
  EXPECT_EQ(depthOf(""), 0);
  EXPECT_EQ(depthOf("{}"), 1);
  EXPECT_EQ(depthOf("{\"a\": [[1], {\"b\": 2}]}"), 3);
  // Closing brackets bring the depth back: three siblings of depth 2 stay at 2.
  EXPECT_EQ(depthOf("[[1], [2], [3]]"), 2);
  // An escaped quote does not end the string: the brackets after it are text too.
  EXPECT_EQ(depthOf("{\"a\": \"[[[[{{{{\\\"[[[\"}"), 1);
  EXPECT_EQ(depthOf(std::string(500, '[')), 500);
}

TEST(SupportJsonDepth, FindsTheFirstBracketPastTheLimit) {
  EXPECT_FALSE(findJsonNestingDeeperThan(std::string(64, '[') + std::string(64, ']'), 64));
  // Depth 3 is reached at byte 8, the "{" after "[1, [2, ".
  auto at = findJsonNestingDeeperThan("[1, [2, {\"x\": 3}]]", 2);
  ASSERT_TRUE(at);
  EXPECT_EQ(*at, 8u);
  EXPECT_FALSE(findJsonNestingDeeperThan("[1, [2, {\"x\": 3}]]", 3));
  // Brackets inside strings and after escaped quotes do not count.
  EXPECT_FALSE(findJsonNestingDeeperThan("{\"s\":\"" + std::string(1000, '[') + "\\\"" +
                                             std::string(1000, '{') + "\"}",
                                         1));
  // Unbalanced text is measured as far as it goes (the parser reports the rest).
  EXPECT_EQ(findJsonNestingDeeperThan("{\"a\":" + std::string(10, '{'), 8), 12u);
}
