#include "pike/Support/Precision.h"

#include <gtest/gtest.h>

namespace {

using namespace pike;

TEST(Precision, NamesRoundTripAndUnknownIsRefused) {
  for (Precision p : {Precision::FP32, Precision::TF32, Precision::BF16, Precision::FP16})
    EXPECT_EQ(parsePrecision(precisionName(p)), p);
  EXPECT_FALSE(parsePrecision("fp8"));
  EXPECT_FALSE(parsePrecision("BF16"));
  EXPECT_FALSE(parsePrecision(""));
}

TEST(Precision, APolicyAllowsStricterKernelsOnly) {
  // fp32 allows nothing relaxed: a kernel found under bf16 never runs in an fp32 package.
  EXPECT_TRUE(precisionAllows(Precision::FP32, Precision::FP32));
  EXPECT_FALSE(precisionAllows(Precision::FP32, Precision::TF32));
  EXPECT_FALSE(precisionAllows(Precision::FP32, Precision::BF16));
  EXPECT_FALSE(precisionAllows(Precision::FP32, Precision::FP16));
  EXPECT_TRUE(precisionAllows(Precision::TF32, Precision::FP32));
  EXPECT_FALSE(precisionAllows(Precision::TF32, Precision::BF16));
  for (Precision half : {Precision::BF16, Precision::FP16}) {
    EXPECT_TRUE(precisionAllows(half, Precision::FP32));
    EXPECT_TRUE(precisionAllows(half, Precision::TF32));
    EXPECT_TRUE(precisionAllows(half, half));
  }
  EXPECT_FALSE(precisionAllows(Precision::BF16, Precision::FP16));
  EXPECT_FALSE(precisionAllows(Precision::FP16, Precision::BF16));
}

TEST(Precision, TF32AndHalfOperandsFollowThePolicy) {
  EXPECT_FALSE(allowsTF32(Precision::FP32));
  EXPECT_TRUE(allowsTF32(Precision::TF32));
  EXPECT_TRUE(allowsTF32(Precision::BF16));
  EXPECT_STREQ(halfOperandType(Precision::FP32), "");
  EXPECT_STREQ(halfOperandType(Precision::TF32), "");
  EXPECT_STREQ(halfOperandType(Precision::BF16), "bf16");
  EXPECT_STREQ(halfOperandType(Precision::FP16), "fp16");
}

TEST(Precision, DefaultTolerances) {
  EXPECT_DOUBLE_EQ(defaultTolerance(Precision::FP32).atol, 1e-2);
  EXPECT_DOUBLE_EQ(defaultTolerance(Precision::TF32).rtol, 1e-2);
  EXPECT_DOUBLE_EQ(defaultTolerance(Precision::FP16).atol, 1e-2);
  EXPECT_DOUBLE_EQ(defaultTolerance(Precision::BF16).atol, 5e-2);
  EXPECT_DOUBLE_EQ(defaultTolerance(Precision::BF16).rtol, 5e-2);
}

TEST(Precision, ParseTolerance) {
  std::optional<Tolerance> t = parseTolerance("2e-2,0.1");
  ASSERT_TRUE(t);
  EXPECT_DOUBLE_EQ(t->atol, 2e-2);
  EXPECT_DOUBLE_EQ(t->rtol, 0.1);
  std::string why;
  EXPECT_FALSE(parseTolerance("0.1", &why));
  EXPECT_NE(why.find("expected ATOL,RTOL"), std::string::npos) << why;
  EXPECT_FALSE(parseTolerance("0.1,0.1,0.1", &why));
  EXPECT_FALSE(parseTolerance("-1,0.1", &why));
  EXPECT_NE(why.find("atol '-1'"), std::string::npos) << why;
  EXPECT_FALSE(parseTolerance("0.1,x", &why));
  EXPECT_NE(why.find("rtol 'x'"), std::string::npos) << why;
  EXPECT_FALSE(parseTolerance("inf,0.1", &why));
  EXPECT_FALSE(parseTolerance(",0.1", &why));
}

} // namespace
