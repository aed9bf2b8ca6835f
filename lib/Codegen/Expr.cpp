// Types, literals, broadcast index math and the operand side of the elementwise
// expression printer (the per-op side is the table in ElementwiseOps.cpp).
#include "Internal.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>
#include <cstdio>

using namespace mlir;

namespace pike::codegen::detail {

std::string cType(Type t) {
  if (t.isF32()) return "float";
  if (t.isF64()) return "double";
  if (auto i = dyn_cast<IntegerType>(t)) {
    switch (i.getWidth()) {
    case 1: return "bool";
    case 8: return i.isUnsigned() ? "unsigned char" : "signed char";
    case 16: return i.isUnsigned() ? "unsigned short" : "short";
    case 32: return i.isUnsigned() ? "unsigned int" : "int";
    case 64: return i.isUnsigned() ? "unsigned long long" : "long long";
    default: return "";
    }
  }
  return "";
}

bool isFloatC(const std::string &c) { return c == "float" || c == "double"; }

Type elementTypeOf(Type t) {
  if (auto st = dyn_cast<ShapedType>(t))
    return st.getElementType();
  return t;
}

std::vector<int64_t> shapeOf(Type t) {
  if (auto st = dyn_cast<RankedTensorType>(t))
    return std::vector<int64_t>(st.getShape().begin(), st.getShape().end());
  return {};
}
std::vector<int64_t> shapeOf(Value v) { return shapeOf(v.getType()); }

int64_t numel(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string floatLiteral(double v, const std::string &ctype) {
  bool f = ctype == "float";
  if (!isFloatC(ctype)) {
    if (ctype == "bool")
      return v != 0 ? "true" : "false";
    return intLiteral((int64_t)v, ctype);
  }
  if (std::isnan(v))
    return f ? "PIKE_NAN" : "((double)PIKE_NAN)";
  if (std::isinf(v))
    return std::string(v < 0 ? "(-" : "(") + (f ? "PIKE_INF" : "((double)PIKE_INF)") + ")";
  char buf[64];
  if (f)
    std::snprintf(buf, sizeof buf, "%.9g", (double)(float)v);
  else
    std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos)
    s += ".0";
  if (f)
    s += "f";
  if (v < 0)
    s = "(" + s + ")";
  return s;
}

std::string intLiteral(int64_t v, const std::string &ctype) {
  if (isFloatC(ctype))
    return floatLiteral((double)v, ctype);
  if (ctype == "bool")
    return v ? "true" : "false";
  std::string s = std::to_string(v);
  if (ctype == "long long")
    s += "LL";
  if (v < 0)
    s = "(" + s + ")";
  return s;
}

std::vector<int64_t> broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b) {
  size_t r = std::max(a.size(), b.size());
  std::vector<int64_t> out(r, 1);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    out[i] = da == 1 ? db : da;
  }
  return out;
}

bool broadcastsTo(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> iter) {
  if (shape.size() > iter.size())
    return false;
  size_t off = iter.size() - shape.size();
  for (size_t k = 0; k < shape.size(); ++k)
    if (shape[k] != 1 && shape[k] != iter[off + k])
      return false;
  return true;
}

std::string broadcastIndex(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> iter,
                           const std::string &lin, const std::string &cp) {
  size_t r = iter.size(), off = r - shape.size();
  std::vector<int64_t> s(r, 1);
  for (size_t k = 0; k < shape.size(); ++k)
    s[off + k] = shape[k];
  if (numel(s) == 1)
    return "0";
  // Leading dims of size 1 then a suffix equal to the iteration space: i % P.
  size_t k = 0;
  while (k < r && s[k] == 1)
    ++k;
  bool suffix = true;
  for (size_t d = k; d < r; ++d)
    suffix &= s[d] == iter[d];
  if (suffix) {
    bool leadingTrivial = true;
    for (size_t d = 0; d < k; ++d)
      leadingTrivial &= iter[d] == 1;
    if (leadingTrivial)
      return lin;
    return "(" + lin + " % " + std::to_string(numel(llvm::ArrayRef<int64_t>(s).drop_front(k))) + ")";
  }
  std::string out;
  int64_t stride = 1;
  std::vector<std::string> terms;
  for (size_t d = r; d-- > 0;) {
    if (s[d] != 1) {
      std::string c = cp + std::to_string(d);
      terms.push_back(stride == 1 ? c : c + " * " + std::to_string(stride));
    }
    stride *= s[d];
  }
  for (size_t t = terms.size(); t-- > 0;)
    out += (out.empty() ? "" : " + ") + terms[t];
  return "(" + out + ")";
}

std::string prelude(bool host) {
  std::string s;
  if (host) {
    s += "#include <math.h>\n#include <stdint.h>\n#include <limits>\n"
         "#define PIKE_INF (std::numeric_limits<float>::infinity())\n"
         "#define PIKE_NAN (std::numeric_limits<float>::quiet_NaN())\n"
         "#define PIKE_FN static inline\n"
         "PIKE_FN float pike_rsqrtf(float x) { return 1.0f / sqrtf(x); }\n"
         "PIKE_FN double pike_rsqrt(double x) { return 1.0 / sqrt(x); }\n";
  } else {
    s += "#define PIKE_INF __int_as_float(0x7f800000)\n"
         "#define PIKE_NAN __int_as_float(0x7fffffff)\n"
         "#define PIKE_FN __device__ __forceinline__\n"
         "PIKE_FN float pike_rsqrtf(float x) { return rsqrtf(x); }\n"
         "PIKE_FN double pike_rsqrt(double x) { return rsqrt(x); }\n";
  }
  // torch's floor division / remainder / lerp semantics.
  for (const char *T : {"float", "double"}) {
    std::string t = T, f = t == "float" ? "f" : "";
    s += "PIKE_FN " + t + " pike_floordiv(" + t + " a, " + t + " b) {\n"
         "  if (b == 0) return a / b;\n"
         "  " + t + " mod = fmod" + f + "(a, b);\n"
         "  " + t + " div = (a - mod) / b;\n"
         "  if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;\n"
         "  if (div != 0) { " + t + " fl = floor" + f + "(div); return (div - fl > (" + t + ")0.5) ? fl + 1 : fl; }\n"
         "  return copysign" + f + "((" + t + ")0, a / b);\n}\n";
    s += "PIKE_FN " + t + " pike_remainder(" + t + " a, " + t + " b) {\n"
         "  " + t + " m = fmod" + f + "(a, b);\n"
         "  if (m != 0 && ((b < 0) != (m < 0))) m += b;\n  return m;\n}\n";
    s += "PIKE_FN " + t + " pike_lerp(" + t + " a, " + t + " e, " + t + " w) {\n"
         "  return fabs" + f + "(w) < (" + t + ")0.5 ? a + w * (e - a) : e - (e - a) * ((" + t + ")1 - w);\n}\n";
  }
  s += "PIKE_FN long long pike_floordiv(long long a, long long b) {\n"
       "  long long q = a / b; if ((a % b != 0) && ((a < 0) != (b < 0))) --q; return q;\n}\n"
       "PIKE_FN long long pike_remainder(long long a, long long b) {\n"
       "  long long m = a % b; if (m != 0 && ((b < 0) != (m < 0))) m += b; return m;\n}\n";
  return s;
}

std::string sanitize(llvm::StringRef s) {
  std::string o;
  for (char c : s)
    o += (isalnum((unsigned char)c) || c == '_') ? c : '_';
  return o;
}

Value operandNamed(pike::AtenOp a, llvm::StringRef n) {
  for (auto [i, an] : llvm::enumerate(a.getOperandArgNames()))
    if (an == n && i < a.getInputs().size())
      return a.getInputs()[i];
  return Value();
}

void ElemEmitter::emitCoords(std::ostringstream &os) const {
  size_t r = iter.size();
  if (r <= 1) {
    if (r == 1)
      os << ind << "const pike_idx " << cp << "0 = " << lin << ";\n";
    return;
  }
  os << ind << "pike_idx " << cp << "rem = " << lin << ";\n";
  for (size_t d = r; d-- > 1;) {
    os << ind << "const pike_idx " << cp << d << " = " << cp << "rem % " << iter[d] << "; "
       << cp << "rem /= " << iter[d] << ";\n";
  }
  os << ind << "const pike_idx " << cp << "0 = " << cp << "rem;\n";
  os << ind;
  for (size_t d = 0; d < r; ++d)
    os << "(void)" << cp << d << "; ";
  os << "\n";
}

bool splatValue(Value v, double &fv, int64_t &iv, bool &isFloat) {
  auto c = v.getDefiningOp<pike::ConstantOp>();
  if (!c)
    return false;
  ElementsAttr attr = c.getValue();
  if (attr.getNumElements() != 1 && !attr.isSplat())
    return false;
  Type et = attr.getElementType();
  if (isa<FloatType>(et)) {
    isFloat = true;
    fv = (*attr.value_begin<APFloat>()).convertToDouble();
  } else if (isa<IntegerType>(et)) {
    isFloat = false;
    APInt a = *attr.value_begin<APInt>();
    iv = et.getIntOrFloatBitWidth() == 1 ? (int64_t)a.getZExtValue() : a.getSExtValue();
  } else {
    return false;
  }
  return true;
}

std::optional<std::pair<std::string, std::string>>
ElemEmitter::value(Value v, std::ostringstream &os, Unsupported &err) {
  if (auto it = done.find(v); it != done.end())
    return it->second;
  if (auto it = scalars.find(v); it != scalars.end())
    return it->second;
  std::string ct = cType(elementTypeOf(v.getType()));
  if (ct.empty()) {
    err.op = v.getDefiningOp() ? v.getDefiningOp() : v.getParentBlock()->getParentOp();
    std::string s;
    llvm::raw_string_ostream ss(s);
    ss << "element type " << elementTypeOf(v.getType()) << " is not supported";
    err.reason = s;
    return std::nullopt;
  }
  double fv;
  int64_t iv;
  bool isF;
  if (splatValue(v, fv, iv, isF)) {
    std::string lit = isF ? floatLiteral(fv, ct) : intLiteral(iv, ct);
    return done[v] = {lit, ct};
  }
  if (auto it = tensors.find(v); it != tensors.end()) {
    std::string expr;
    if (loadOverride)
      if (auto o = loadOverride(v))
        expr = *o;
    if (expr.empty()) {
      if (!broadcastsTo(it->second.shape, iter)) {
        err.op = v.getDefiningOp() ? v.getDefiningOp() : v.getParentBlock()->getParentOp();
        err.reason = "a tensor does not broadcast to the iteration space";
        return std::nullopt;
      }
      std::string idx = it->second.layout ? viewReadIndex(*it->second.layout, iter, lin, cp)
                                          : broadcastIndex(it->second.shape, iter, lin, cp);
      if (idx.find(cp) != std::string::npos)
        needCoords = true;
      expr = it->second.name + "[" + idx + "]";
    }
    std::string name = "a" + std::to_string(counter++);
    os << ind << "const " << ct << " " << name << " = " << expr << ";\n";
    return done[v] = {name, ct};
  }
  Operation *def = v.getDefiningOp();
  if (!def) {
    err.op = v.getParentBlock()->getParentOp();
    err.reason = "a block argument is not readable here";
    return std::nullopt;
  }
  if (!emitOp(def, os, err))
    return std::nullopt;
  auto it = done.find(v);
  if (it == done.end()) {
    err.op = def;
    err.reason = "no value was produced";
    return std::nullopt;
  }
  return it->second;
}

} // namespace pike::codegen::detail
