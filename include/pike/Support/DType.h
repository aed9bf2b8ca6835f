// The one table of element types pike knows, with every spelling each side of
// pike needs: torch's name ("float32", input specs and the worker protocol),
// the safetensors name, the generated C++ constant (at::kFloat), the kernel
// ABI's PikeDType (pike/Runtime/KernelABI.h), LibTorch's c10::ScalarType value
// and the MLIR element type's spelling. MLIR-free and torch-free: the MLIR
// mapping is pike/Dialect/DType.h, LibTorch's is checked where it is linked.
// A type absent from the table is an error wherever it is met, never a default.
#ifndef PIKE_SUPPORT_DTYPE_H
#define PIKE_SUPPORT_DTYPE_H

#include <cstddef>
#include <string>
#include <string_view>

namespace pike {

enum class DType { Float32, Float16, BFloat16, Float64, Int64, Int32, Bool, UInt8, Int8, ComplexFloat, ComplexDouble };

struct DTypeInfo {
  DType dtype;
  const char *name;        // torch's name without "torch."
  const char *legacyName;  // torch's other name ("float", "long"), or nullptr
  const char *mlirName;    // the MLIR builtin element type as printed
  const char *safetensors; // or nullptr: not stored in safetensors files
  const char *atName;      // the ATen constant in generated C++
  const char *abiName;     // the PikeDType enumerator, or nullptr: no kernel ABI type
  int abiCode;             // its value, or -1
  int scalarType;          // c10::ScalarType's value
  int bytes;
};

// Rows with an ABI type come first, in PikeDType order (generated code lists them so).
inline constexpr DTypeInfo kDTypes[] = {
    {DType::Float32, "float32", "float", "f32", "F32", "at::kFloat", "PIKE_FLOAT32", 0, 6, 4},
    {DType::Float16, "float16", "half", "f16", "F16", "at::kHalf", "PIKE_FLOAT16", 1, 5, 2},
    {DType::BFloat16, "bfloat16", nullptr, "bf16", "BF16", "at::kBFloat16", "PIKE_BFLOAT16", 2, 15, 2},
    {DType::Float64, "float64", "double", "f64", "F64", "at::kDouble", "PIKE_FLOAT64", 3, 7, 8},
    {DType::Int64, "int64", "long", "i64", "I64", "at::kLong", "PIKE_INT64", 4, 4, 8},
    {DType::Int32, "int32", "int", "i32", "I32", "at::kInt", "PIKE_INT32", 5, 3, 4},
    {DType::Bool, "bool", nullptr, "i1", "BOOL", "at::kBool", "PIKE_BOOL", 6, 11, 1},
    {DType::UInt8, "uint8", nullptr, "ui8", "U8", "at::kByte", "PIKE_UINT8", 7, 0, 1},
    {DType::Int8, "int8", nullptr, "i8", "I8", "at::kChar", "PIKE_INT8", 8, 1, 1},
    {DType::ComplexFloat, "complex64", "cfloat", "complex<f32>", "C64", "at::kComplexFloat", nullptr, -1, 9, 8},
    {DType::ComplexDouble, "complex128", "cdouble", "complex<f64>", nullptr, "at::kComplexDouble", nullptr, -1, 10, 16},
};

const DTypeInfo &dtypeInfo(DType t);
/// By torch's name ("float32").
const DTypeInfo *dtypeNamed(std::string_view name);
/// By any spelling a user may write: torch's names with or without "torch."
/// ("torch.float32", "float", "half") and the MLIR spelling ("f32", "i1").
const DTypeInfo *dtypeFromAlias(std::string_view spelling);
const DTypeInfo *dtypeFromSafetensors(std::string_view name);
/// By PikeDType value.
const DTypeInfo *dtypeFromAbiCode(int code);
/// By c10::ScalarType value.
const DTypeInfo *dtypeFromScalarType(int scalarType);

} // namespace pike

#endif
