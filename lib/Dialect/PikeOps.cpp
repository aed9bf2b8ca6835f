#include "pike/Dialect/PikeOps.h"
#include "pike/Dialect/OpRegistry.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Interfaces/FunctionImplementation.h"

using namespace mlir;
using namespace pike;

#include "pike/Dialect/PikeEnums.cpp.inc"

#define GET_OP_CLASSES
#include "pike/Dialect/PikeOps.cpp.inc"

namespace {
LogicalResult verifyStaticTensor(Operation *op, Type type, StringRef what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return op->emitOpError() << what << " must be a ranked tensor, got " << type;
  if (!tensor.hasStaticShape())
    return op->emitOpError() << what << " must have a static shape, got " << type;
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// AtenOp
//===----------------------------------------------------------------------===//

SmallVector<StringRef> AtenOp::getOperandArgNames() {
  SmallVector<StringRef> names;
  if (auto arr = (*this)->getAttrOfType<ArrayAttr>("operands"))
    for (Attribute a : arr)
      if (auto s = dyn_cast<StringAttr>(a))
        names.push_back(s.getValue());
  return names;
}

SmallVector<NamedAttribute> AtenOp::getScalarArgs() {
  SmallVector<NamedAttribute> args;
  for (NamedAttribute attr : (*this)->getAttrs())
    if (attr.getName() != getNameAttrName() && attr.getName() != "operands")
      args.push_back(attr);
  return args;
}

LogicalResult AtenOp::verify() {
  if (!lookupAtenOp(getName()))
    return emitOpError() << "unsupported operator '" << getName() << "'";
  for (Value v : getInputs())
    if (failed(verifyStaticTensor(*this, v.getType(), "operand")))
      return failure();
  for (Value v : getOutputs())
    if (failed(verifyStaticTensor(*this, v.getType(), "result")))
      return failure();
  if (getOutputs().empty())
    return emitOpError() << "'" << getName() << "' must produce at least one tensor";
  auto names = (*this)->getAttrOfType<ArrayAttr>("operands");
  if (!names)
    return emitOpError() << "requires an 'operands' array naming the schema argument of each operand";
  if (names.size() != getInputs().size())
    return emitOpError() << "'operands' names " << names.size() << " arguments but the op has "
                         << getInputs().size() << " operands";
  for (Attribute a : names)
    if (!isa<StringAttr>(a))
      return emitOpError() << "'operands' entries must be strings, got " << a;
  return success();
}

//===----------------------------------------------------------------------===//
// ConstantOp / WeightOp / OpaqueOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  auto valueType = dyn_cast<ShapedType>(getValue().getType());
  if (!valueType || valueType != getResult().getType())
    return emitOpError() << "value type " << getValue().getType()
                         << " does not match result type " << getResult().getType();
  return verifyStaticTensor(*this, getResult().getType(), "result");
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

// `pike.constant dense<...> : tensor<...>`: the attribute carries the type.
ParseResult ConstantOp::parse(OpAsmParser &parser, OperationState &result) {
  ElementsAttr value;
  if (parser.parseOptionalAttrDict(result.attributes) ||
      parser.parseAttribute(value, "value", result.attributes))
    return failure();
  result.addTypes(value.getType());
  return success();
}

void ConstantOp::print(OpAsmPrinter &p) {
  p.printOptionalAttrDict((*this)->getAttrs(), /*elidedAttrs=*/{"value"});
  p << ' ';
  p.printAttribute(getValue());
}

LogicalResult WeightOp::verify() {
  if (getWeightName().empty())
    return emitOpError() << "requires a non-empty weight name";
  return verifyStaticTensor(*this, getResult().getType(), "result");
}

LogicalResult OpaqueOp::verify() {
  if (getReason().empty())
    return emitOpError() << "must say why '" << getKind() << "' was not lowered";
  return success();
}

//===----------------------------------------------------------------------===//
// YieldOp / FusionGroupOp
//===----------------------------------------------------------------------===//

LogicalResult YieldOp::verify() {
  Operation *parent = (*this)->getParentOp();
  TypeRange expected;
  if (auto group = dyn_cast<FusionGroupOp>(parent))
    expected = group.getResultTypes();
  else if (auto kernel = dyn_cast<KernelOp>(parent))
    expected = kernel.getFunctionType().getResults();
  if (TypeRange(getValues().getTypes()) != expected)
    return emitOpError() << "yields " << getValues().size()
                         << " values whose types do not match the parent's " << expected.size()
                         << " results";
  return success();
}

namespace {
LogicalResult verifyRegionBody(Operation *op, Block &body, TypeRange argTypes) {
  if (body.getNumArguments() != argTypes.size())
    return op->emitOpError() << "body has " << body.getNumArguments()
                             << " arguments but " << argTypes.size() << " are expected";
  for (auto [arg, type] : llvm::zip(body.getArguments(), argTypes))
    if (arg.getType() != type)
      return op->emitOpError() << "body argument #" << arg.getArgNumber() << " has type "
                               << arg.getType() << " but " << type << " is expected";
  for (Operation &inner : body.without_terminator())
    if (!isa<AtenOp, ConstantOp, WeightOp>(inner))
      return inner.emitOpError() << "is not allowed inside '" << op->getName()
                                 << "': only pike.aten, pike.constant and pike.weight are";
  return success();
}
} // namespace

namespace {
/// "'a', 'b' or 'c'": the spellings of an enum's values 0..max.
template <typename Enum, typename Stringify> std::string spellings(uint32_t max, Stringify stringify) {
  std::string s;
  for (uint32_t i = 0; i <= max; ++i)
    s += (i == 0 ? "'" : i == max ? " or '" : ", '") + stringify(static_cast<Enum>(i)).str() + "'";
  return s;
}
} // namespace

LogicalResult FusionGroupOp::verify() {
  if (!symbolizeFusionPattern(getPattern()))
    return emitOpError() << "pattern must be "
                         << spellings<FusionPattern>(getMaxEnumValForFusionPattern(), stringifyFusionPattern)
                         << ", got '" << getPattern() << "'";
  return verifyRegionBody(*this, getBody().front(), getInputs().getTypes());
}

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

ParseResult KernelOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildFuncType = [](Builder &builder, ArrayRef<Type> argTypes, ArrayRef<Type> results,
                          function_interface_impl::VariadicFlag, std::string &) {
    return builder.getFunctionType(argTypes, results);
  };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false, getFunctionTypeAttrName(result.name),
      buildFuncType, getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void KernelOp::print(OpAsmPrinter &p) {
  function_interface_impl::printFunctionOp(p, *this, /*isVariadic=*/false,
                                           getFunctionTypeAttrName(), getArgAttrsAttrName(),
                                           getResAttrsAttrName());
}

LogicalResult KernelOp::verify() {
  StringRef impl = getImpl();
  std::optional<KernelImpl> kind = symbolizeKernelImpl(impl);
  if (!kind)
    return emitOpError() << "impl must be " << spellings<KernelImpl>(getMaxEnumValForKernelImpl(), stringifyKernelImpl)
                         << ", got '" << impl << "'";
  if (*kind != KernelImpl::Reference && (!getSource() || getSource()->empty()))
    return emitOpError() << "impl '" << impl << "' requires a CUDA source";
  if (*kind == KernelImpl::Nvrtc && !getLaunches())
    return emitOpError() << "impl 'nvrtc' requires static launches";
  if (getEntry().empty())
    return emitOpError() << "requires a C ABI entry symbol";
  for (Type t : getFunctionType().getInputs())
    if (failed(verifyStaticTensor(*this, t, "argument")))
      return failure();
  for (Type t : getFunctionType().getResults())
    if (failed(verifyStaticTensor(*this, t, "result")))
      return failure();
  if (getBody().empty())
    return emitOpError() << "requires a reference body";
  return verifyRegionBody(*this, getBody().front(), getFunctionType().getInputs());
}

//===----------------------------------------------------------------------===//
// CallOp
//===----------------------------------------------------------------------===//

LogicalResult CallOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto kernel = symbolTable.lookupNearestSymbolFrom<KernelOp>(*this, getCalleeAttr());
  if (!kernel)
    return emitOpError() << "'" << getCallee() << "' does not name a pike.kernel";
  FunctionType type = kernel.getFunctionType();
  if (TypeRange(getInputs().getTypes()) != type.getInputs() ||
      TypeRange(getResultTypes()) != type.getResults())
    return emitOpError() << "operand or result types do not match kernel '" << getCallee()
                         << "' of type " << type;
  return success();
}
