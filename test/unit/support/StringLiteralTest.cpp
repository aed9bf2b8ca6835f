#include "pike/Support/StringLiteral.h"

#include <gtest/gtest.h>

#include <string>

TEST(SupportStringLiteral, MarksLiteralsWithTheirQuotesAndEscapes) {
  // x "a\"b" y: the literal runs from the first quote to the last, the escaped
  // quote inside it does not end it.
  const std::string text = "x \"a\\\"b\" y";
  std::string marks;
  pike::StringLiteralTracker literals;
  for (char c : text)
    marks += literals.inLiteral(c) ? 'L' : '.';
  EXPECT_EQ(marks, "..LLLLLL..");
  // An escaped backslash does not escape the quote after it.
  pike::StringLiteralTracker again;
  std::string marks2;
  for (char c : std::string("\"\\\\\" ["))
    marks2 += again.inLiteral(c) ? 'L' : '.';
  EXPECT_EQ(marks2, "LLLL..");
}
