#include "pike/Support/JsonDepth.h"

#include <gtest/gtest.h>

#include <string>

using pike::findJsonNestingDeeperThan;
using pike::jsonNestingDepth;

TEST(SupportJsonDepth, DeepestLevelIgnoresBracketsInStrings) {
  EXPECT_EQ(jsonNestingDepth(""), 0);
  EXPECT_EQ(jsonNestingDepth("{}"), 1);
  EXPECT_EQ(jsonNestingDepth("{\"a\": [[1], {\"b\": 2}]}"), 3);
  // An escaped quote does not end the string: the brackets after it are text too.
  EXPECT_EQ(jsonNestingDepth("{\"a\": \"[[[[{{{{\\\"[[[\"}"), 1);
  EXPECT_EQ(jsonNestingDepth(std::string(5000, '[')), 5000);
}

TEST(SupportJsonDepth, FindsTheFirstBracketPastTheLimit) {
  EXPECT_FALSE(findJsonNestingDeeperThan(std::string(64, '[') + std::string(64, ']'), 64));
  // Depth 3 is reached at byte 8, the "{" after "[1, [2, ".
  auto at = findJsonNestingDeeperThan("[1, [2, {\"x\": 3}]]", 2);
  ASSERT_TRUE(at);
  EXPECT_EQ(*at, 8u);
  EXPECT_FALSE(findJsonNestingDeeperThan("[1, [2, {\"x\": 3}]]", 3));
  // Closing brackets bring the depth back: three siblings of depth 2 stay within 2.
  EXPECT_FALSE(findJsonNestingDeeperThan("[[1], [2], [3]]", 2));
  // Brackets inside strings and after escaped quotes do not count.
  EXPECT_FALSE(findJsonNestingDeeperThan("{\"s\":\"" + std::string(1000, '[') + "\\\"" +
                                             std::string(1000, '{') + "\"}",
                                         1));
  // Unbalanced text is measured as far as it goes (the parser reports the rest).
  EXPECT_EQ(findJsonNestingDeeperThan("{\"a\":" + std::string(10, '{'), 8), 12u);
}
