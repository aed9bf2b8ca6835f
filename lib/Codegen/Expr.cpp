// Types, literals, broadcast index math and the elementwise expression printer.
#include "Internal.h"

#include "pike/Dialect/OpRegistry.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"

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

namespace {
bool isSplat(Value v, double &fv, int64_t &iv, bool &isFloat) {
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

const llvm::StringSet<> &elementwiseNames() {
  static const llvm::StringSet<> names = {
      "add", "sub", "mul", "div", "rsub", "neg", "abs", "pow", "exp", "log", "log1p", "expm1",
      "sqrt", "rsqrt", "reciprocal", "sin", "cos", "tanh", "sigmoid", "relu", "relu6",
      "leaky_relu", "gelu", "silu", "mish", "elu", "selu", "softplus", "hardtanh", "hardswish",
      "hardsigmoid", "clamp", "clamp_min", "clamp_max", "where", "maximum", "minimum", "erf",
      "sign", "floor", "ceil", "round", "trunc", "eq", "ne", "lt", "le", "gt", "ge",
      "logical_not", "logical_and", "logical_or", "masked_fill", "to", "type_as", "square",
      "addcmul", "lerp", "dropout", "contiguous", "clone", "softsign", "tanhshrink",
      "logsigmoid", "bitwise_not", "fmod", "remainder", "floor_divide", "triu", "tril",
      "alias", "batch_norm", "detach"};
  return names;
}
} // namespace

bool ElemEmitter::supports(Operation *op, std::string *why) {
  if (isa<pike::ConstantOp>(op))
    return true;
  auto a = dyn_cast<pike::AtenOp>(op);
  if (!a) {
    if (why) *why = "'" + op->getName().getStringRef().str() + "' is not an ATen op";
    return false;
  }
  llvm::StringRef n = a.getName();
  n.consume_front("aten::");
  if (!elementwiseNames().contains(n)) {
    if (why) *why = "'" + a.getName().str() + "' is not a supported elementwise op";
    return false;
  }
  if (n == "batch_norm") {
    auto t = a->getAttrOfType<BoolAttr>("training");
    if (t && t.getValue()) {
      if (why) *why = "'aten::batch_norm' in training mode";
      return false;
    }
  }
  if (n == "dropout") {
    auto t = a->getAttrOfType<BoolAttr>("train");
    if (t && t.getValue()) {
      if (why) *why = "'aten::dropout' in training mode";
      return false;
    }
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
  if (isSplat(v, fv, iv, isF)) {
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
      std::string idx = broadcastIndex(it->second.shape, iter, lin, cp);
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

bool ElemEmitter::emitOp(Operation *op, std::ostringstream &os, Unsupported &err) {
  auto fail = [&](const std::string &why) {
    err.op = op;
    err.reason = why;
    return false;
  };
  if (op->getNumResults() == 1 && done.count(op->getResult(0)))
    return true;
  if (auto c = dyn_cast<pike::ConstantOp>(op)) {
    // Splats are literals (value() handles them); arrays must be registered tensors.
    if (!value(c.getResult(), os, err))
      return false;
    return true;
  }
  std::string why;
  if (!supports(op, &why))
    return fail(why);
  auto a = cast<pike::AtenOp>(op);
  if (a->getNumResults() != 1)
    return fail("elementwise op with " + std::to_string(a->getNumResults()) + " results");
  llvm::StringRef name = a.getName();
  name.consume_front("aten::");
  Value result = a->getResult(0);
  if (!broadcastsTo(shapeOf(result), iter))
    return fail("a value of shape [" + [&] {
      std::string s;
      for (int64_t d : shapeOf(result))
        s += (s.empty() ? "" : "x") + std::to_string(d);
      return s;
    }() + "] is needed where only the output's elements are computed");
  std::string R = cType(elementTypeOf(result.getType()));
  if (R.empty())
    return fail("result element type is not supported");

  llvm::SmallVector<llvm::StringRef> argNames = a.getOperandArgNames();
  auto operandFor = [&](llvm::StringRef n) -> Value {
    for (auto [i, an] : llvm::enumerate(argNames))
      if (an == n && i < a.getInputs().size())
        return a.getInputs()[i];
    return Value();
  };
  // Literal info of an argument (attribute or splat constant).
  struct Arg {
    bool present = false;
    bool isLiteral = false;
    bool litFloat = false;
    double f = 0;
    int64_t i = 0;
    std::string expr, ctype;
    std::string in(const std::string &T) const {
      if (isLiteral)
        return litFloat ? floatLiteral(f, T) : intLiteral(i, T);
      if (ctype == T)
        return expr;
      return "((" + T + ")" + expr + ")";
    }
    double num() const { return litFloat ? f : (double)i; }
  };
  bool ok = true;
  auto arg = [&](llvm::StringRef n) -> Arg {
    Arg r;
    if (Value v = operandFor(n)) {
      double fv;
      int64_t iv;
      bool isF;
      r.present = true;
      r.ctype = cType(elementTypeOf(v.getType()));
      if (isSplat(v, fv, iv, isF)) {
        r.isLiteral = true;
        r.litFloat = isF;
        r.f = fv;
        r.i = iv;
        return r;
      }
      auto e = value(v, os, err);
      if (!e) {
        ok = false;
        return r;
      }
      r.expr = e->first;
      r.ctype = e->second;
      return r;
    }
    Attribute at = a->getAttr(n);
    if (!at || isa<UnitAttr>(at))
      return r;
    if (auto fa = dyn_cast<FloatAttr>(at)) {
      r.present = r.isLiteral = r.litFloat = true;
      r.f = fa.getValueAsDouble();
      r.ctype = "double";
    } else if (auto ba = dyn_cast<BoolAttr>(at)) {
      r.present = r.isLiteral = true;
      r.i = ba.getValue();
      r.ctype = "bool";
    } else if (auto ia = dyn_cast<IntegerAttr>(at)) {
      r.present = r.isLiteral = true;
      r.i = ia.getInt();
      r.ctype = "long long";
    }
    return r;
  };
  auto strAttr = [&](llvm::StringRef n, llvm::StringRef dflt) -> std::string {
    if (auto s = a->getAttrOfType<StringAttr>(n))
      return s.str();
    return dflt.str();
  };
  auto define = [&](const std::string &expr) {
    std::string v = fresh();
    os << ind << "const " << R << " " << v << " = " << expr << ";\n";
    done[result] = {v, R};
    return true;
  };
  auto alias = [&](const Arg &x) {
    if (x.isLiteral)
      return define(x.in(R));
    if (x.ctype == R) {
      done[result] = {x.expr, R};
      return true;
    }
    return define("(" + R + ")(" + x.expr + ")");
  };
  // Compute type of binary ops: the result type, or the promoted operand type
  // for comparisons / logical ops (bool results).
  auto promote = [&](const Arg &x, const Arg &y) -> std::string {
    auto rank = [](const Arg &t) {
      if (t.ctype == "double") return t.isLiteral ? 2 : 4;
      if (t.ctype == "float") return 3;
      if (t.isLiteral && t.litFloat) return 2;
      return 0;
    };
    int rx = rank(x), ry = rank(y);
    if (rx == 4 || ry == 4) return std::string("double");
    if (rx >= 2 || ry >= 2) return std::string("float");
    if (x.ctype == "bool" && y.ctype == "bool") return std::string("bool");
    return std::string("long long");
  };
  const std::string T = isFloatC(R) ? R : R;
  bool fl = T == "float";
  auto F = [&](const char *fn) { return std::string(fn) + (fl ? "f" : ""); };
  auto lit = [&](double d) { return floatLiteral(d, T); };

  Arg x = arg(name == "batch_norm" || name == "dropout" ? "input" : "self");
  if (!ok)
    return false;
  std::string X = x.present ? x.in(T) : "";
  auto need = [&](const Arg &t, const char *what) {
    if (!t.present)
      return fail("'" + a.getName().str() + "' without '" + what + "'");
    return true;
  };
  if (name != "batch_norm" && name != "where" && !x.present)
    return fail("'" + a.getName().str() + "' has no 'self' argument");
  bool floatOp = isFloatC(T);
  auto needFloat = [&]() {
    if (!floatOp)
      return fail("'" + a.getName().str() + "' with a non-floating result");
    return true;
  };

  if (name == "contiguous" || name == "clone" || name == "alias" || name == "dropout" ||
      name == "detach")
    return alias(x);
  if (name == "to" || name == "type_as")
    return alias(x);
  if (name == "add" || name == "sub" || name == "rsub") {
    Arg y = arg("other"), al = arg("alpha");
    if (!ok || !need(y, "other")) return false;
    std::string Y = y.in(T);
    if (R == "bool") {
      if (name != "add") return fail("boolean subtraction");
      return define("(" + x.in("bool") + " || " + y.in("bool") + ")");
    }
    bool one = !al.present || al.num() == 1;
    std::string A = al.present ? al.in(T) : "";
    if (name == "add")
      return define(X + " + " + (one ? Y : A + " * " + Y));
    if (name == "sub")
      return define(X + " - " + (one ? Y : A + " * " + Y));
    return define(Y + " - " + (one ? X : A + " * " + X));
  }
  if (name == "mul") {
    Arg y = arg("other");
    if (!ok || !need(y, "other")) return false;
    if (R == "bool") return define("(" + x.in("bool") + " && " + y.in("bool") + ")");
    return define(X + " * " + y.in(T));
  }
  if (name == "div") {
    Arg y = arg("other");
    if (!ok || !need(y, "other")) return false;
    std::string mode = strAttr("rounding_mode", "");
    std::string Y = y.in(T);
    if (mode.empty())
      return define(X + " / " + Y);
    if (mode == "trunc")
      return define(floatOp ? F("trunc") + "(" + X + " / " + Y + ")" : X + " / " + Y);
    if (mode == "floor")
      return define(floatOp ? "pike_floordiv(" + X + ", " + Y + ")"
                            : "(" + R + ")pike_floordiv((long long)" + X + ", (long long)" + Y + ")");
    return fail("div rounding_mode '" + mode + "'");
  }
  if (name == "floor_divide" || name == "remainder" || name == "fmod") {
    Arg y = arg("other");
    if (!ok || !need(y, "other")) return false;
    std::string Y = y.in(T);
    if (name == "fmod")
      return define(floatOp ? F("fmod") + "(" + X + ", " + Y + ")" : X + " % " + Y);
    std::string fn = name == "floor_divide" ? "pike_floordiv" : "pike_remainder";
    if (floatOp) return define(fn + "(" + X + ", " + Y + ")");
    return define("(" + R + ")" + fn + "((long long)" + X + ", (long long)" + Y + ")");
  }
  if (name == "neg") return define("-" + X);
  if (name == "abs")
    return define(floatOp ? F("fabs") + "(" + X + ")" : "(" + X + " < 0 ? -" + X + " : " + X + ")");
  if (name == "relu")
    return define("(" + X + " < " + lit(0) + " ? " + lit(0) + " : " + X + ")");
  auto clampExpr = [&](const std::string &v, const std::string *lo, const std::string *hi) {
    std::string e = v;
    if (lo) e = "(" + e + " < " + *lo + " ? " + *lo + " : " + e + ")";
    if (hi) e = "(" + e + " > " + *hi + " ? " + *hi + " : " + e + ")";
    return e;
  };
  if (name == "relu6") {
    std::string lo = lit(0), hi = lit(6);
    return define(clampExpr(X, &lo, &hi));
  }
  if (name == "clamp" || name == "clamp_min" || name == "clamp_max" || name == "hardtanh") {
    Arg lo, hi;
    if (name == "hardtanh") {
      lo = arg("min_val"); hi = arg("max_val");
      std::string L = lo.present ? lo.in(T) : lit(-1), H = hi.present ? hi.in(T) : lit(1);
      if (!ok) return false;
      return define(clampExpr(X, &L, &H));
    }
    if (name != "clamp_max") lo = arg("min");
    if (name != "clamp_min") hi = arg("max");
    if (!ok) return false;
    std::string L = lo.present ? lo.in(T) : "", H = hi.present ? hi.in(T) : "";
    return define(clampExpr(X, lo.present ? &L : nullptr, hi.present ? &H : nullptr));
  }
  if (name == "leaky_relu") {
    Arg s = arg("negative_slope");
    std::string S = s.present ? s.in(T) : lit(0.01);
    return define("(" + X + " > " + lit(0) + " ? " + X + " : " + X + " * " + S + ")");
  }
  if (name == "maximum" || name == "minimum") {
    Arg y = arg("other");
    if (!ok || !need(y, "other")) return false;
    std::string Y = y.in(T), op = name == "maximum" ? " > " : " < ";
    if (!floatOp) return define("(" + X + op + Y + " ? " + X + " : " + Y + ")");
    return define("((" + X + op + Y + " || " + X + " != " + X + ") ? " + X + " : " + Y + ")");
  }
  if (name == "eq" || name == "ne" || name == "lt" || name == "le" || name == "gt" ||
      name == "ge") {
    Arg y = arg("other");
    if (!ok || !need(y, "other")) return false;
    std::string C = promote(x, y);
    std::string op = llvm::StringSwitch<std::string>(name)
                         .Case("eq", " == ").Case("ne", " != ").Case("lt", " < ")
                         .Case("le", " <= ").Case("gt", " > ").Default(" >= ");
    std::string e = "(" + x.in(C) + op + y.in(C) + ")";
    return define(R == "bool" ? e : "(" + R + ")" + e);
  }
  if (name == "logical_not") return define("(" + R + ")(!" + x.in("bool") + ")");
  if (name == "logical_and" || name == "logical_or") {
    Arg y = arg("other");
    if (!ok || !need(y, "other")) return false;
    return define("(" + R + ")(" + x.in("bool") + (name == "logical_and" ? " && " : " || ") +
                  y.in("bool") + ")");
  }
  if (name == "bitwise_not")
    return define(R == "bool" ? "!" + X : "~" + X);
  if (name == "where") {
    Arg c = arg("condition"), y = arg("other");
    if (!ok || !need(c, "condition") || !need(x, "self") || !need(y, "other")) return false;
    return define("(" + c.in("bool") + " ? " + X + " : " + y.in(T) + ")");
  }
  if (name == "masked_fill") {
    Arg m = arg("mask"), v = arg("value");
    if (!ok || !need(m, "mask") || !need(v, "value")) return false;
    return define("(" + m.in("bool") + " ? " + v.in(T) + " : " + X + ")");
  }
  if (name == "triu" || name == "tril") {
    Arg d = arg("diagonal");
    int64_t diag = d.present ? (int64_t)d.num() : 0;
    auto s = shapeOf(operandFor("self"));
    size_t r = iter.size();
    if (s.size() < 2 || s[s.size() - 1] != iter[r - 1] || s[s.size() - 2] != iter[r - 2])
      return fail("'" + a.getName().str() + "' on a broadcast operand");
    needCoords = true;
    std::string diff = "(" + cp + std::to_string(r - 1) + " - " + cp + std::to_string(r - 2) + ")";
    std::string cond = diff + (name == "triu" ? " >= " : " <= ") + std::to_string(diag);
    return define("(" + cond + " ? " + X + " : " + intLiteral(0, T) + ")");
  }
  if (name == "addcmul") {
    Arg t1 = arg("tensor1"), t2 = arg("tensor2"), v = arg("value");
    if (!ok || !need(t1, "tensor1") || !need(t2, "tensor2")) return false;
    std::string V = v.present ? v.in(T) : intLiteral(1, T);
    return define(X + " + " + V + " * " + t1.in(T) + " * " + t2.in(T));
  }
  if (name == "lerp") {
    Arg e = arg("end"), w = arg("weight");
    if (!ok || !need(e, "end") || !need(w, "weight") || !needFloat()) return false;
    return define("pike_lerp(" + X + ", " + e.in(T) + ", " + w.in(T) + ")");
  }
  if (name == "pow") {
    Arg e = arg("exponent");
    if (!ok || !need(e, "exponent")) return false;
    if (!floatOp) return fail("integer pow");
    if (e.isLiteral && !x.isLiteral) {
      double p = e.num();
      if (p == 1) return define(X);
      if (p == 2) return define(X + " * " + X);
      if (p == 3) return define(X + " * " + X + " * " + X);
      if (p == 0.5) return define(F("sqrt") + "(" + X + ")");
      if (p == -0.5) return define(std::string(fl ? "pike_rsqrtf" : "pike_rsqrt") + "(" + X + ")");
      if (p == -1) return define(lit(1) + " / " + X);
      if (p == -2) return define(lit(1) + " / (" + X + " * " + X + ")");
      if (p == 0) return define(lit(1));
    }
    return define(F("pow") + "(" + X + ", " + e.in(T) + ")");
  }
  if (name == "batch_norm") {
    if (!needFloat()) return false;
    Value in = operandFor("input");
    if (!in) return fail("batch_norm without input");
    auto s = shapeOf(in);
    if (s.size() < 2) return fail("batch_norm on a tensor of rank < 2");
    size_t cdim = iter.size() - s.size() + 1;
    if (s[1] != iter[cdim]) return fail("batch_norm input is broadcast");
    needCoords = true;
    std::string cidx = cp + std::to_string(cdim);
    auto chan = [&](llvm::StringRef n, double dflt, std::string &out) -> bool {
      Value v = operandFor(n);
      if (!v) { out = lit(dflt); return true; }
      double fv; int64_t iv; bool isF;
      if (isSplat(v, fv, iv, isF)) { out = isF ? lit(fv) : lit((double)iv); return true; }
      auto it = tensors.find(v);
      if (it == tensors.end() || numel(it->second.shape) != s[1])
        return fail("batch_norm '" + n.str() + "' is not a per-channel tensor argument");
      std::string an = "a" + std::to_string(counter++);
      os << ind << "const " << T << " " << an << " = (" << T << ")" << it->second.name << "[" << cidx << "];\n";
      out = an;
      return true;
    };
    std::string W, B, M, V;
    if (!chan("weight", 1, W) || !chan("bias", 0, B) || !chan("running_mean", 0, M) ||
        !chan("running_var", 1, V))
      return false;
    Arg eps = arg("eps");
    std::string E = eps.present ? eps.in(T) : lit(1e-5);
    return define("(" + X + " - " + M + ") * " + (fl ? "pike_rsqrtf" : "pike_rsqrt") + "(" + V +
                  " + " + E + ") * " + W + " + " + B);
  }
  // Unary floating-point math.
  if (!needFloat())
    return false;
  if (name == "exp" || name == "log" || name == "log1p" || name == "expm1" || name == "sqrt" ||
      name == "sin" || name == "cos" || name == "tanh" || name == "erf" || name == "floor" ||
      name == "ceil" || name == "trunc")
    return define(F(name.str().c_str()) + "(" + X + ")");
  if (name == "round") {
    Arg d = arg("decimals");
    if (d.present && d.num() != 0) return fail("round with decimals");
    return define(F("rint") + "(" + X + ")");
  }
  if (name == "rsqrt") return define(std::string(fl ? "pike_rsqrtf" : "pike_rsqrt") + "(" + X + ")");
  if (name == "reciprocal") return define(lit(1) + " / " + X);
  if (name == "square") return define(X + " * " + X);
  if (name == "sign")
    return define("(" + R + ")((" + X + " > " + lit(0) + ") - (" + X + " < " + lit(0) + "))");
  if (name == "sigmoid") return define(lit(1) + " / (" + lit(1) + " + " + F("exp") + "(-" + X + "))");
  if (name == "silu") return define(X + " / (" + lit(1) + " + " + F("exp") + "(-" + X + "))");
  if (name == "gelu") {
    std::string ap = strAttr("approximate", "none");
    if (ap == "tanh")
      return define(lit(0.5) + " * " + X + " * (" + lit(1) + " + " + F("tanh") + "(" +
                    lit(0.7978845608028654) + " * (" + X + " + " + lit(0.044715) + " * " + X +
                    " * " + X + " * " + X + ")))");
    if (ap != "none") return fail("gelu approximate '" + ap + "'");
    return define(X + " * " + lit(0.5) + " * (" + lit(1) + " + " + F("erf") + "(" + X + " * " +
                  lit(0.70710678118654752440) + "))");
  }
  if (name == "mish")
    return define(X + " * " + F("tanh") + "(" + F("log1p") + "(" + F("exp") + "(" + X + ")))");
  if (name == "elu" || name == "selu") {
    std::string A, S, I;
    if (name == "selu") {
      A = lit(1.6732632423543772848170429916717);
      S = lit(1.0507009873554804934193349852946);
      I = lit(1);
    } else {
      Arg al = arg("alpha"), sc = arg("scale"), is = arg("input_scale");
      A = al.present ? al.in(T) : lit(1);
      S = sc.present ? sc.in(T) : lit(1);
      I = is.present ? is.in(T) : lit(1);
    }
    return define("(" + X + " <= " + lit(0) + " ? " + F("expm1") + "(" + X + " * " + I + ") * (" +
                  A + " * " + S + ") : " + X + " * " + S + ")");
  }
  if (name == "softplus") {
    Arg b = arg("beta"), t = arg("threshold");
    std::string Bt = b.present ? b.in(T) : lit(1), Th = t.present ? t.in(T) : lit(20);
    return define("((" + X + " * " + Bt + ") > " + Th + " ? " + X + " : " + F("log1p") + "(" +
                  F("exp") + "(" + X + " * " + Bt + ")) / " + Bt + ")");
  }
  if (name == "hardswish" || name == "hardsigmoid") {
    std::string lo = lit(0), hi = lit(6);
    std::string h = clampExpr("(" + X + " + " + lit(3) + ")", &lo, &hi) + " / " + lit(6);
    return define(name == "hardswish" ? X + " * " + h : h);
  }
  if (name == "softsign") return define(X + " / (" + lit(1) + " + " + F("fabs") + "(" + X + "))");
  if (name == "tanhshrink") return define(X + " - " + F("tanh") + "(" + X + ")");
  if (name == "logsigmoid")
    return define("((" + X + " < " + lit(0) + " ? " + X + " : " + lit(0) + ") - " + F("log1p") +
                  "(" + F("exp") + "(-" + F("fabs") + "(" + X + "))))");
  return fail("'" + a.getName().str() + "' has no code generator");
}

} // namespace pike::codegen::detail
