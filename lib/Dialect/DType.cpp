#include "pike/Dialect/DType.h"

#include "mlir/IR/BuiltinTypes.h"

namespace pike {

mlir::Type mlirTypeOf(DType t, mlir::MLIRContext *ctx) {
  using namespace mlir;
  switch (t) {
  case DType::Float32: return Float32Type::get(ctx);
  case DType::Float16: return Float16Type::get(ctx);
  case DType::BFloat16: return BFloat16Type::get(ctx);
  case DType::Float64: return Float64Type::get(ctx);
  case DType::Int64: return IntegerType::get(ctx, 64);
  case DType::Int32: return IntegerType::get(ctx, 32);
  case DType::Bool: return IntegerType::get(ctx, 1);
  case DType::UInt8: return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case DType::Int8: return IntegerType::get(ctx, 8);
  case DType::ComplexFloat: return ComplexType::get(Float32Type::get(ctx));
  case DType::ComplexDouble: return ComplexType::get(Float64Type::get(ctx));
  }
  return {};
}

const DTypeInfo *dtypeOf(mlir::Type elementType) {
  if (!elementType)
    return nullptr;
  for (const DTypeInfo &d : kDTypes)
    if (mlirTypeOf(d.dtype, elementType.getContext()) == elementType)
      return &d;
  return nullptr;
}

} // namespace pike
