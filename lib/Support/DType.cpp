#include "pike/Support/DType.h"

namespace pike {

namespace {
template <typename Pred> const DTypeInfo *find(Pred pred) {
  for (const DTypeInfo &d : kDTypes)
    if (pred(d))
      return &d;
  return nullptr;
}
bool is(const char *field, std::string_view s) { return field && s == field; }
} // namespace

const DTypeInfo &dtypeInfo(DType t) { return *find([&](const DTypeInfo &d) { return d.dtype == t; }); }

const DTypeInfo *dtypeNamed(std::string_view name) {
  return find([&](const DTypeInfo &d) { return is(d.name, name); });
}

const DTypeInfo *dtypeFromAlias(std::string_view s) {
  if (s.substr(0, 6) == "torch.")
    s.remove_prefix(6);
  return find([&](const DTypeInfo &d) { return is(d.name, s) || is(d.legacyName, s) || is(d.mlirName, s); });
}

const DTypeInfo *dtypeFromSafetensors(std::string_view name) {
  return find([&](const DTypeInfo &d) { return is(d.safetensors, name); });
}

const DTypeInfo *dtypeFromAbiCode(int code) {
  return code < 0 ? nullptr : find([&](const DTypeInfo &d) { return d.abiCode == code; });
}

const DTypeInfo *dtypeFromScalarType(int scalarType) {
  return find([&](const DTypeInfo &d) { return d.scalarType == scalarType; });
}

} // namespace pike
