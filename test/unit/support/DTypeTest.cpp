#include "pike/Runtime/KernelABI.h"
#include "pike/Support/DType.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using namespace pike;

TEST(DType, AbiRowsMatchKernelABIHeader) {
  EXPECT_EQ(dtypeInfo(DType::Float32).abiCode, PIKE_FLOAT32);
  EXPECT_EQ(dtypeInfo(DType::Float16).abiCode, PIKE_FLOAT16);
  EXPECT_EQ(dtypeInfo(DType::BFloat16).abiCode, PIKE_BFLOAT16);
  EXPECT_EQ(dtypeInfo(DType::Float64).abiCode, PIKE_FLOAT64);
  EXPECT_EQ(dtypeInfo(DType::Int64).abiCode, PIKE_INT64);
  EXPECT_EQ(dtypeInfo(DType::Int32).abiCode, PIKE_INT32);
  EXPECT_EQ(dtypeInfo(DType::Bool).abiCode, PIKE_BOOL);
  EXPECT_EQ(dtypeInfo(DType::UInt8).abiCode, PIKE_UINT8);
  EXPECT_EQ(dtypeInfo(DType::Int8).abiCode, PIKE_INT8);
  EXPECT_EQ(dtypeInfo(DType::ComplexFloat).abiName, nullptr);
}

TEST(DType, EverySpellingIsUniqueAndFindsItsRow) {
  std::set<std::string> names, safetensors, mlir;
  for (const DTypeInfo &d : kDTypes) {
    EXPECT_TRUE(names.insert(d.name).second) << d.name;
    EXPECT_TRUE(mlir.insert(d.mlirName).second) << d.mlirName;
    if (d.safetensors)
      EXPECT_TRUE(safetensors.insert(d.safetensors).second) << d.safetensors;
    EXPECT_EQ(dtypeNamed(d.name), &d);
    EXPECT_EQ(dtypeFromAlias(d.mlirName), &d);
    EXPECT_EQ(dtypeFromAlias(std::string("torch.") + d.name), &d);
    if (d.legacyName)
      EXPECT_EQ(dtypeFromAlias(d.legacyName), &d);
    if (d.safetensors)
      EXPECT_EQ(dtypeFromSafetensors(d.safetensors), &d);
    if (d.abiName)
      EXPECT_EQ(dtypeFromAbiCode(d.abiCode), &d);
    EXPECT_EQ(dtypeFromScalarType(d.scalarType), &d);
    EXPECT_EQ(&dtypeInfo(d.dtype), &d);
  }
}

TEST(DType, ByteSizes) {
  EXPECT_EQ(dtypeNamed("float32")->bytes, 4);
  EXPECT_EQ(dtypeNamed("bfloat16")->bytes, 2);
  EXPECT_EQ(dtypeNamed("int64")->bytes, 8);
  EXPECT_EQ(dtypeNamed("bool")->bytes, 1);
  EXPECT_EQ(dtypeNamed("complex64")->bytes, 8);
}

TEST(DType, UnknownSpellingsFindNothing) {
  EXPECT_EQ(dtypeNamed("f32"), nullptr); // an alias, not torch's name
  EXPECT_EQ(dtypeFromAlias("float8_e4m3fn"), nullptr);
  EXPECT_EQ(dtypeFromAlias(""), nullptr);
  EXPECT_EQ(dtypeFromAlias("torch."), nullptr);
  EXPECT_EQ(dtypeFromSafetensors("F8_E4M3"), nullptr);
  EXPECT_EQ(dtypeFromAbiCode(-1), nullptr);
  EXPECT_EQ(dtypeFromAbiCode(9), nullptr);
  EXPECT_EQ(dtypeFromScalarType(23), nullptr);
}

} // namespace
