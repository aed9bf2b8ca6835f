// pike's dtype table (pike/Support/DType.h) on LibTorch's ScalarType; the
// table's c10::ScalarType values are checked here against LibTorch's.
#ifndef PIKE_LIB_TORCHSCRIPT_SCALARTYPE_H
#define PIKE_LIB_TORCHSCRIPT_SCALARTYPE_H

#include "pike/Support/DType.h"

#include <c10/core/ScalarType.h>

namespace pike {

namespace detail {
constexpr int tableScalarType(DType t) {
  for (const DTypeInfo &d : kDTypes)
    if (d.dtype == t)
      return d.scalarType;
  return -1;
}
} // namespace detail

static_assert(detail::tableScalarType(DType::Float32) == static_cast<int>(c10::kFloat));
static_assert(detail::tableScalarType(DType::Float16) == static_cast<int>(c10::kHalf));
static_assert(detail::tableScalarType(DType::BFloat16) == static_cast<int>(c10::kBFloat16));
static_assert(detail::tableScalarType(DType::Float64) == static_cast<int>(c10::kDouble));
static_assert(detail::tableScalarType(DType::Int64) == static_cast<int>(c10::kLong));
static_assert(detail::tableScalarType(DType::Int32) == static_cast<int>(c10::kInt));
static_assert(detail::tableScalarType(DType::Bool) == static_cast<int>(c10::kBool));
static_assert(detail::tableScalarType(DType::UInt8) == static_cast<int>(c10::kByte));
static_assert(detail::tableScalarType(DType::Int8) == static_cast<int>(c10::kChar));
static_assert(detail::tableScalarType(DType::ComplexFloat) == static_cast<int>(c10::kComplexFloat));
static_assert(detail::tableScalarType(DType::ComplexDouble) == static_cast<int>(c10::kComplexDouble));

inline c10::ScalarType scalarTypeOf(const DTypeInfo &d) { return static_cast<c10::ScalarType>(d.scalarType); }

/// The table row of a LibTorch dtype, or nullptr when pike has none for it.
inline const DTypeInfo *dtypeOf(c10::ScalarType st) { return dtypeFromScalarType(static_cast<int>(st)); }

} // namespace pike

#endif
