// The elementwise op table: one row per ATen op the expression printer
// (ElemEmitter) turns into a C expression. Adding an op is one row here plus a
// test (docs/codegen.md, "Adding an op"); ElementwiseOpsTest checks that every
// elementwise op of the registry has a row.
#include "Internal.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace pike::codegen::detail {

/// An operand of the op being printed: a literal (attribute or splat constant)
/// or a C expression with its C type.
struct ElemArg {
  bool present = false;
  bool isLiteral = false;
  bool litFloat = false;
  double f = 0;
  int64_t i = 0;
  std::string expr, ctype;
  /// The operand as a `T` expression.
  std::string in(const std::string &T) const {
    if (isLiteral)
      return litFloat ? floatLiteral(f, T) : intLiteral(i, T);
    if (ctype == T)
      return expr;
    return "((" + T + ")" + expr + ")";
  }
  double num() const { return litFloat ? f : (double)i; }
};

/// One pike.aten op being printed: what the table's emit functions build their
/// expression from. `R`/`T` are the result's C type; `X` is the 'self' (or
/// 'input') operand as a T expression.
class ElemOpContext {
public:
  ElemOpContext(ElemEmitter &e, pike::AtenOp a, llvm::StringRef name, std::string R,
                std::ostringstream &os, Unsupported &err)
      : e(e), a(a), os(os), err(err), name(name), result(a->getResult(0)), R(R), T(R),
        fl(T == "float"), floatOp(isFloatC(T)) {}

  ElemEmitter &e;
  pike::AtenOp a;
  std::ostringstream &os;
  Unsupported &err;
  llvm::StringRef name; // without "aten::"
  Value result;
  const std::string R, T;
  const bool fl, floatOp;
  /// False once an operand could not be printed (err holds why).
  bool ok = true;
  ElemArg x;
  std::string X;

  bool fail(const std::string &why) {
    err.op = a;
    err.reason = why;
    return false;
  }
  Value operandFor(llvm::StringRef n) const { return operandNamed(a, n); }
  /// The operand or attribute `n` (absent: present == false); prints the loads
  /// an operand needs.
  ElemArg arg(llvm::StringRef n);
  std::string strAttr(llvm::StringRef n, llvm::StringRef dflt) const {
    if (auto s = a->getAttrOfType<StringAttr>(n))
      return s.str();
    return dflt.str();
  }
  /// `const R vN = expr;` as the op's value.
  bool define(const std::string &expr) {
    std::string v = e.fresh();
    os << e.ind << "const " << R << " " << v << " = " << expr << ";\n";
    e.done[result] = {v, R};
    return true;
  }
  /// The op's value is `x` converted to R (no statement when the types agree).
  bool alias(const ElemArg &x) {
    if (x.isLiteral)
      return define(x.in(R));
    if (x.ctype == R) {
      e.done[result] = {x.expr, R};
      return true;
    }
    return define("(" + R + ")(" + x.expr + ")");
  }
  /// Compute type of a comparison or logical op (bool result): the promoted
  /// operand type.
  std::string promote(const ElemArg &x, const ElemArg &y) const {
    auto rank = [](const ElemArg &t) {
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
  }
  /// libm function `fn` for T ("expf" for float).
  std::string F(const char *fn) const { return std::string(fn) + (fl ? "f" : ""); }
  std::string lit(double d) const { return floatLiteral(d, T); }
  bool need(const ElemArg &t, const char *what) {
    if (!t.present)
      return fail("'" + a.getName().str() + "' without '" + what + "'");
    return true;
  }
  bool needFloat() {
    if (!floatOp)
      return fail("'" + a.getName().str() + "' with a non-floating result");
    return true;
  }
  /// Marks that the printed expression reads the coordinates c0.. of the
  /// iteration space.
  void useCoords() { e.needCoords = true; }
  /// A fresh name for a loaded value ("a7").
  std::string freshLoad() { return "a" + std::to_string(e.counter++); }
};

namespace {

std::string clampExpr(const std::string &v, const std::string *lo, const std::string *hi) {
  std::string e = v;
  if (lo) e = "(" + e + " < " + *lo + " ? " + *lo + " : " + e + ")";
  if (hi) e = "(" + e + " > " + *hi + " ? " + *hi + " : " + e + ")";
  return e;
}

} // namespace

ElemArg ElemOpContext::arg(llvm::StringRef n) {
  ElemArg r;
  if (Value v = operandFor(n)) {
    double fv;
    int64_t iv;
    bool isF;
    r.present = true;
    r.ctype = cType(elementTypeOf(v.getType()));
    if (splatValue(v, fv, iv, isF)) {
      r.isLiteral = true;
      r.litFloat = isF;
      r.f = fv;
      r.i = iv;
      return r;
    }
    auto ev = e.value(v, os, err);
    if (!ev) {
      ok = false;
      return r;
    }
    r.expr = ev->first;
    r.ctype = ev->second;
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
}

namespace {

using Ctx = ElemOpContext;

// --- identities and conversions -------------------------------------------

bool emitIdentity(Ctx &c) { return c.alias(c.x); }

// --- arithmetic --------------------------------------------------------------

bool emitAddSub(Ctx &c) {
  ElemArg y = c.arg("other"), al = c.arg("alpha");
  if (!c.ok || !c.need(y, "other")) return false;
  std::string Y = y.in(c.T);
  if (c.R == "bool") {
    if (c.name != "add") return c.fail("boolean subtraction");
    return c.define("(" + c.x.in("bool") + " || " + y.in("bool") + ")");
  }
  bool one = !al.present || al.num() == 1;
  std::string A = al.present ? al.in(c.T) : "";
  if (c.name == "add")
    return c.define(c.X + " + " + (one ? Y : A + " * " + Y));
  if (c.name == "sub")
    return c.define(c.X + " - " + (one ? Y : A + " * " + Y));
  return c.define(Y + " - " + (one ? c.X : A + " * " + c.X)); // rsub
}

bool emitMul(Ctx &c) {
  ElemArg y = c.arg("other");
  if (!c.ok || !c.need(y, "other")) return false;
  if (c.R == "bool") return c.define("(" + c.x.in("bool") + " && " + y.in("bool") + ")");
  return c.define(c.X + " * " + y.in(c.T));
}

bool emitDiv(Ctx &c) {
  ElemArg y = c.arg("other");
  if (!c.ok || !c.need(y, "other")) return false;
  std::string mode = c.strAttr("rounding_mode", "");
  std::string Y = y.in(c.T);
  if (mode.empty())
    return c.define(c.X + " / " + Y);
  if (mode == "trunc")
    return c.define(c.floatOp ? c.F("trunc") + "(" + c.X + " / " + Y + ")" : c.X + " / " + Y);
  if (mode == "floor")
    return c.define(c.floatOp ? "pike_floordiv(" + c.X + ", " + Y + ")"
                              : "(" + c.R + ")pike_floordiv((long long)" + c.X + ", (long long)" +
                                    Y + ")");
  return c.fail("div rounding_mode '" + mode + "'");
}

// floor_divide, remainder (torch's sign-of-divisor semantics), fmod.
bool emitIntegerDivision(Ctx &c) {
  ElemArg y = c.arg("other");
  if (!c.ok || !c.need(y, "other")) return false;
  std::string Y = y.in(c.T);
  if (c.name == "fmod")
    return c.define(c.floatOp ? c.F("fmod") + "(" + c.X + ", " + Y + ")" : c.X + " % " + Y);
  std::string fn = c.name == "floor_divide" ? "pike_floordiv" : "pike_remainder";
  if (c.floatOp) return c.define(fn + "(" + c.X + ", " + Y + ")");
  return c.define("(" + c.R + ")" + fn + "((long long)" + c.X + ", (long long)" + Y + ")");
}

bool emitNeg(Ctx &c) { return c.define("-" + c.X); }

bool emitAbs(Ctx &c) {
  return c.define(c.floatOp ? c.F("fabs") + "(" + c.X + ")"
                            : "(" + c.X + " < 0 ? -" + c.X + " : " + c.X + ")");
}

bool emitAddcmul(Ctx &c) {
  ElemArg t1 = c.arg("tensor1"), t2 = c.arg("tensor2"), v = c.arg("value");
  if (!c.ok || !c.need(t1, "tensor1") || !c.need(t2, "tensor2")) return false;
  std::string V = v.present ? v.in(c.T) : intLiteral(1, c.T);
  return c.define(c.X + " + " + V + " * " + t1.in(c.T) + " * " + t2.in(c.T));
}

bool emitLerp(Ctx &c) {
  ElemArg e = c.arg("end"), w = c.arg("weight");
  if (!c.ok || !c.need(e, "end") || !c.need(w, "weight") || !c.needFloat()) return false;
  return c.define("pike_lerp(" + c.X + ", " + e.in(c.T) + ", " + w.in(c.T) + ")");
}

bool emitPow(Ctx &c) {
  ElemArg e = c.arg("exponent");
  if (!c.ok || !c.need(e, "exponent")) return false;
  if (!c.floatOp) return c.fail("integer pow");
  const std::string &X = c.X;
  if (e.isLiteral && !c.x.isLiteral) {
    double p = e.num();
    if (p == 1) return c.define(X);
    if (p == 2) return c.define(X + " * " + X);
    if (p == 3) return c.define(X + " * " + X + " * " + X);
    if (p == 0.5) return c.define(c.F("sqrt") + "(" + X + ")");
    if (p == -0.5) return c.define(std::string(c.fl ? "pike_rsqrtf" : "pike_rsqrt") + "(" + X + ")");
    if (p == -1) return c.define(c.lit(1) + " / " + X);
    if (p == -2) return c.define(c.lit(1) + " / (" + X + " * " + X + ")");
    if (p == 0) return c.define(c.lit(1));
  }
  return c.define(c.F("pow") + "(" + X + ", " + e.in(c.T) + ")");
}

// --- clamping and selection ----------------------------------------------------

bool emitRelu(Ctx &c) {
  return c.define("(" + c.X + " < " + c.lit(0) + " ? " + c.lit(0) + " : " + c.X + ")");
}

bool emitRelu6(Ctx &c) {
  std::string lo = c.lit(0), hi = c.lit(6);
  return c.define(clampExpr(c.X, &lo, &hi));
}

bool emitHardtanh(Ctx &c) {
  ElemArg lo = c.arg("min_val"), hi = c.arg("max_val");
  std::string L = lo.present ? lo.in(c.T) : c.lit(-1), H = hi.present ? hi.in(c.T) : c.lit(1);
  if (!c.ok) return false;
  return c.define(clampExpr(c.X, &L, &H));
}

// clamp, clamp_min, clamp_max: a missing bound is no bound.
bool emitClamp(Ctx &c) {
  ElemArg lo, hi;
  if (c.name != "clamp_max") lo = c.arg("min");
  if (c.name != "clamp_min") hi = c.arg("max");
  if (!c.ok) return false;
  std::string L = lo.present ? lo.in(c.T) : "", H = hi.present ? hi.in(c.T) : "";
  return c.define(clampExpr(c.X, lo.present ? &L : nullptr, hi.present ? &H : nullptr));
}

bool emitLeakyRelu(Ctx &c) {
  ElemArg s = c.arg("negative_slope");
  std::string S = s.present ? s.in(c.T) : c.lit(0.01);
  return c.define("(" + c.X + " > " + c.lit(0) + " ? " + c.X + " : " + c.X + " * " + S + ")");
}

// maximum, minimum: NaN propagates as in torch.
bool emitMinMax(Ctx &c) {
  ElemArg y = c.arg("other");
  if (!c.ok || !c.need(y, "other")) return false;
  std::string Y = y.in(c.T), op = c.name == "maximum" ? " > " : " < ";
  const std::string &X = c.X;
  if (!c.floatOp) return c.define("(" + X + op + Y + " ? " + X + " : " + Y + ")");
  return c.define("((" + X + op + Y + " || " + X + " != " + X + ") ? " + X + " : " + Y + ")");
}

bool emitWhere(Ctx &c) {
  ElemArg cond = c.arg("condition"), y = c.arg("other");
  if (!c.ok || !c.need(cond, "condition") || !c.need(c.x, "self") || !c.need(y, "other"))
    return false;
  return c.define("(" + cond.in("bool") + " ? " + c.X + " : " + y.in(c.T) + ")");
}

bool emitMaskedFill(Ctx &c) {
  ElemArg m = c.arg("mask"), v = c.arg("value");
  if (!c.ok || !c.need(m, "mask") || !c.need(v, "value")) return false;
  return c.define("(" + m.in("bool") + " ? " + v.in(c.T) + " : " + c.X + ")");
}

// triu, tril: a mask on the last two coordinates of the iteration space.
bool emitTriangle(Ctx &c) {
  ElemArg d = c.arg("diagonal");
  int64_t diag = d.present ? (int64_t)d.num() : 0;
  if (!c.e.logical.empty())
    return c.fail("'" + c.a.getName().str() + "' in a channels-last slot");
  auto s = shapeOf(c.operandFor("self"));
  const std::vector<int64_t> &iter = c.e.iter;
  size_t r = iter.size();
  if (s.size() < 2 || s[s.size() - 1] != iter[r - 1] || s[s.size() - 2] != iter[r - 2])
    return c.fail("'" + c.a.getName().str() + "' on a broadcast operand");
  c.useCoords();
  const std::string &cp = c.e.cp;
  std::string diff = "(" + cp + std::to_string(r - 1) + " - " + cp + std::to_string(r - 2) + ")";
  std::string cond = diff + (c.name == "triu" ? " >= " : " <= ") + std::to_string(diag);
  return c.define("(" + cond + " ? " + c.X + " : " + intLiteral(0, c.T) + ")");
}

// --- comparisons and logic -------------------------------------------------

bool emitCompare(Ctx &c) {
  ElemArg y = c.arg("other");
  if (!c.ok || !c.need(y, "other")) return false;
  std::string C = c.promote(c.x, y);
  std::string op = llvm::StringSwitch<std::string>(c.name)
                       .Case("eq", " == ").Case("ne", " != ").Case("lt", " < ")
                       .Case("le", " <= ").Case("gt", " > ").Default(" >= ");
  std::string e = "(" + c.x.in(C) + op + y.in(C) + ")";
  return c.define(c.R == "bool" ? e : "(" + c.R + ")" + e);
}

bool emitLogicalNot(Ctx &c) { return c.define("(" + c.R + ")(!" + c.x.in("bool") + ")"); }

bool emitLogicalBinary(Ctx &c) {
  ElemArg y = c.arg("other");
  if (!c.ok || !c.need(y, "other")) return false;
  return c.define("(" + c.R + ")(" + c.x.in("bool") + (c.name == "logical_and" ? " && " : " || ") +
                  y.in("bool") + ")");
}

bool emitBitwiseNot(Ctx &c) { return c.define(c.R == "bool" ? "!" + c.X : "~" + c.X); }

// --- inference batch norm -----------------------------------------------------

// (x - mean) * rsqrt(var + eps) * weight + bias, per channel (dim 1 of the input).
bool emitBatchNorm(Ctx &c) {
  if (!c.needFloat()) return false;
  Value in = c.operandFor("input");
  if (!in) return c.fail("batch_norm without input");
  auto s = shapeOf(in);
  if (s.size() < 2) return c.fail("batch_norm on a tensor of rank < 2");
  const std::vector<int64_t> &iter = c.e.logicalIter();
  size_t cdim = iter.size() - s.size() + 1;
  if (s[1] != iter[cdim]) return c.fail("batch_norm input is broadcast");
  c.useCoords();
  std::string cidx = c.e.logicalCoord(cdim);
  auto chan = [&](llvm::StringRef n, double dflt, std::string &out) -> bool {
    Value v = c.operandFor(n);
    if (!v) { out = c.lit(dflt); return true; }
    double fv; int64_t iv; bool isF;
    if (splatValue(v, fv, iv, isF)) { out = isF ? c.lit(fv) : c.lit((double)iv); return true; }
    auto it = c.e.tensors.find(v);
    if (it == c.e.tensors.end() || numel(it->second.shape) != s[1])
      return c.fail("batch_norm '" + n.str() + "' is not a per-channel tensor argument");
    std::string an = c.freshLoad();
    c.os << c.e.ind << "const " << c.T << " " << an << " = (" << c.T << ")" << it->second.name
         << "[" << cidx << "];\n";
    out = an;
    return true;
  };
  std::string W, B, M, V;
  if (!chan("weight", 1, W) || !chan("bias", 0, B) || !chan("running_mean", 0, M) ||
      !chan("running_var", 1, V))
    return false;
  ElemArg eps = c.arg("eps");
  std::string E = eps.present ? eps.in(c.T) : c.lit(1e-5);
  return c.define("(" + c.X + " - " + M + ") * " + (c.fl ? "pike_rsqrtf" : "pike_rsqrt") + "(" +
                  V + " + " + E + ") * " + W + " + " + B);
}

// --- floating-point math (rows marked FloatOnly) ------------------------------

// exp, log, sqrt, ...: the libm function of the same name.
bool emitLibmCall(Ctx &c) { return c.define(c.F(c.name.str().c_str()) + "(" + c.X + ")"); }

bool emitRound(Ctx &c) {
  ElemArg d = c.arg("decimals");
  if (d.present && d.num() != 0) return c.fail("round with decimals");
  return c.define(c.F("rint") + "(" + c.X + ")");
}

bool emitRsqrt(Ctx &c) {
  return c.define(std::string(c.fl ? "pike_rsqrtf" : "pike_rsqrt") + "(" + c.X + ")");
}
bool emitReciprocal(Ctx &c) { return c.define(c.lit(1) + " / " + c.X); }
bool emitSquare(Ctx &c) { return c.define(c.X + " * " + c.X); }

bool emitSign(Ctx &c) {
  return c.define("(" + c.R + ")((" + c.X + " > " + c.lit(0) + ") - (" + c.X + " < " + c.lit(0) +
                  "))");
}

bool emitSigmoid(Ctx &c) {
  return c.define(c.lit(1) + " / (" + c.lit(1) + " + " + c.F("exp") + "(-" + c.X + "))");
}

bool emitSilu(Ctx &c) {
  return c.define(c.X + " / (" + c.lit(1) + " + " + c.F("exp") + "(-" + c.X + "))");
}

bool emitGelu(Ctx &c) {
  std::string ap = c.strAttr("approximate", "none");
  const std::string &X = c.X;
  if (ap == "tanh")
    return c.define(c.lit(0.5) + " * " + X + " * (" + c.lit(1) + " + " + c.F("tanh") + "(" +
                    c.lit(0.7978845608028654) + " * (" + X + " + " + c.lit(0.044715) + " * " + X +
                    " * " + X + " * " + X + ")))");
  if (ap != "none") return c.fail("gelu approximate '" + ap + "'");
  return c.define(X + " * " + c.lit(0.5) + " * (" + c.lit(1) + " + " + c.F("erf") + "(" + X +
                  " * " + c.lit(0.70710678118654752440) + "))");
}

bool emitMish(Ctx &c) {
  return c.define(c.X + " * " + c.F("tanh") + "(" + c.F("log1p") + "(" + c.F("exp") + "(" + c.X +
                  ")))");
}

// elu (alpha, scale, input_scale attributes) and selu (fixed constants).
bool emitElu(Ctx &c) {
  std::string A, S, I;
  if (c.name == "selu") {
    A = c.lit(1.6732632423543772848170429916717);
    S = c.lit(1.0507009873554804934193349852946);
    I = c.lit(1);
  } else {
    ElemArg al = c.arg("alpha"), sc = c.arg("scale"), is = c.arg("input_scale");
    A = al.present ? al.in(c.T) : c.lit(1);
    S = sc.present ? sc.in(c.T) : c.lit(1);
    I = is.present ? is.in(c.T) : c.lit(1);
  }
  return c.define("(" + c.X + " <= " + c.lit(0) + " ? " + c.F("expm1") + "(" + c.X + " * " + I +
                  ") * (" + A + " * " + S + ") : " + c.X + " * " + S + ")");
}

bool emitSoftplus(Ctx &c) {
  ElemArg b = c.arg("beta"), t = c.arg("threshold");
  std::string Bt = b.present ? b.in(c.T) : c.lit(1), Th = t.present ? t.in(c.T) : c.lit(20);
  return c.define("((" + c.X + " * " + Bt + ") > " + Th + " ? " + c.X + " : " + c.F("log1p") +
                  "(" + c.F("exp") + "(" + c.X + " * " + Bt + ")) / " + Bt + ")");
}

// hardswish = x * hardsigmoid(x); hardsigmoid = clamp(x + 3, 0, 6) / 6.
bool emitHardSigmoidFamily(Ctx &c) {
  std::string lo = c.lit(0), hi = c.lit(6);
  std::string h = clampExpr("(" + c.X + " + " + c.lit(3) + ")", &lo, &hi) + " / " + c.lit(6);
  return c.define(c.name == "hardswish" ? c.X + " * " + h : h);
}

bool emitSoftsign(Ctx &c) {
  return c.define(c.X + " / (" + c.lit(1) + " + " + c.F("fabs") + "(" + c.X + "))");
}
bool emitTanhshrink(Ctx &c) { return c.define(c.X + " - " + c.F("tanh") + "(" + c.X + ")"); }

bool emitLogsigmoid(Ctx &c) {
  return c.define("((" + c.X + " < " + c.lit(0) + " ? " + c.X + " : " + c.lit(0) + ") - " +
                  c.F("log1p") + "(" + c.F("exp") + "(-" + c.F("fabs") + "(" + c.X + "))))");
}

constexpr unsigned FloatOnly = ElementwiseOpRow::FloatOnly;
constexpr unsigned SelfOptional = ElementwiseOpRow::SelfOptional;

// Names are the registry's without "aten::". `self` is the operand printed as X
// first; `trainingFlag` names a bool attribute that, when true, makes the op
// unsupported (training-mode semantics are not elementwise).
const ElementwiseOpRow kElementwiseOps[] = {
    // identities and dtype conversions
    {"contiguous", emitIdentity},
    {"clone", emitIdentity},
    {"alias", emitIdentity},
    {"dropout", emitIdentity, 0, "input", "train"},
    {"to", emitIdentity},
    {"type_as", emitIdentity},
    // arithmetic
    {"add", emitAddSub},
    {"sub", emitAddSub},
    {"rsub", emitAddSub},
    {"mul", emitMul},
    {"div", emitDiv},
    {"floor_divide", emitIntegerDivision},
    {"remainder", emitIntegerDivision},
    {"fmod", emitIntegerDivision},
    {"neg", emitNeg},
    {"abs", emitAbs},
    {"addcmul", emitAddcmul},
    {"lerp", emitLerp},
    {"pow", emitPow},
    // clamping and selection
    {"relu", emitRelu},
    {"relu6", emitRelu6},
    {"clamp", emitClamp},
    {"clamp_min", emitClamp},
    {"clamp_max", emitClamp},
    {"hardtanh", emitHardtanh},
    {"leaky_relu", emitLeakyRelu},
    {"maximum", emitMinMax},
    {"minimum", emitMinMax},
    {"where", emitWhere, SelfOptional},
    {"masked_fill", emitMaskedFill},
    {"triu", emitTriangle},
    {"tril", emitTriangle},
    // comparisons and logic
    {"eq", emitCompare},
    {"ne", emitCompare},
    {"lt", emitCompare},
    {"le", emitCompare},
    {"gt", emitCompare},
    {"ge", emitCompare},
    {"logical_not", emitLogicalNot},
    {"logical_and", emitLogicalBinary},
    {"logical_or", emitLogicalBinary},
    {"bitwise_not", emitBitwiseNot},
    // inference batch norm (a Normalization op in the registry; classify() routes it here)
    {"batch_norm", emitBatchNorm, SelfOptional, "input", "training"},
    // floating-point math
    {"exp", emitLibmCall, FloatOnly},
    {"log", emitLibmCall, FloatOnly},
    {"log1p", emitLibmCall, FloatOnly},
    {"expm1", emitLibmCall, FloatOnly},
    {"sqrt", emitLibmCall, FloatOnly},
    {"sin", emitLibmCall, FloatOnly},
    {"cos", emitLibmCall, FloatOnly},
    {"tanh", emitLibmCall, FloatOnly},
    {"erf", emitLibmCall, FloatOnly},
    {"floor", emitLibmCall, FloatOnly},
    {"ceil", emitLibmCall, FloatOnly},
    {"trunc", emitLibmCall, FloatOnly},
    {"round", emitRound, FloatOnly},
    {"rsqrt", emitRsqrt, FloatOnly},
    {"reciprocal", emitReciprocal, FloatOnly},
    {"square", emitSquare, FloatOnly},
    {"sign", emitSign, FloatOnly},
    {"sigmoid", emitSigmoid, FloatOnly},
    {"silu", emitSilu, FloatOnly},
    {"gelu", emitGelu, FloatOnly},
    {"mish", emitMish, FloatOnly},
    {"elu", emitElu, FloatOnly},
    {"selu", emitElu, FloatOnly},
    {"softplus", emitSoftplus, FloatOnly},
    {"hardswish", emitHardSigmoidFamily, FloatOnly},
    {"hardsigmoid", emitHardSigmoidFamily, FloatOnly},
    {"softsign", emitSoftsign, FloatOnly},
    {"tanhshrink", emitTanhshrink, FloatOnly},
    {"logsigmoid", emitLogsigmoid, FloatOnly},
};

} // namespace

llvm::ArrayRef<ElementwiseOpRow> elementwiseOpTable() { return kElementwiseOps; }

const ElementwiseOpRow *findElementwiseOp(llvm::StringRef name) {
  static const llvm::StringMap<const ElementwiseOpRow *> byName = [] {
    llvm::StringMap<const ElementwiseOpRow *> m;
    for (const ElementwiseOpRow &row : kElementwiseOps)
      m.try_emplace(row.op, &row);
    return m;
  }();
  auto it = byName.find(name);
  return it == byName.end() ? nullptr : it->second;
}

bool ElemEmitter::supports(Operation *op, std::string *why) {
  if (isa<pike::ConstantOp>(op))
    return true;
  auto a = dyn_cast<pike::AtenOp>(op);
  if (!a) {
    if (why) *why = "'" + op->getName().getStringRef().str() + "' is not an ATen op";
    return false;
  }
  if (isCatOp(a))
    return true; // read in place (ElementwiseCat.cpp); its operands are checked there
  llvm::StringRef n = a.getName();
  n.consume_front("aten::");
  const ElementwiseOpRow *row = findElementwiseOp(n);
  if (!row) {
    if (why) *why = "'" + a.getName().str() + "' is not a supported elementwise op";
    return false;
  }
  if (row->trainingFlag) {
    auto t = a->getAttrOfType<BoolAttr>(row->trainingFlag);
    if (t && t.getValue()) {
      if (why) *why = "'" + a.getName().str() + "' in training mode";
      return false;
    }
  }
  return true;
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
  if (isCatOp(a))
    return emitCat(a, os, err);
  if (a->getNumResults() != 1)
    return fail("elementwise op with " + std::to_string(a->getNumResults()) + " results");
  llvm::StringRef name = a.getName();
  name.consume_front("aten::");
  const ElementwiseOpRow &row = *findElementwiseOp(name);
  Value result = a->getResult(0);
  if (!broadcastsTo(shapeOf(result), logicalIter()))
    return fail("a value of shape [" + [&] {
      std::string s;
      for (int64_t d : shapeOf(result))
        s += (s.empty() ? "" : "x") + std::to_string(d);
      return s;
    }() + "] is needed where only the output's elements are computed");
  std::string R = cType(elementTypeOf(result.getType()));
  if (R.empty())
    return fail("result element type is not supported");

  ElemOpContext c(*this, a, name, R, os, err);
  c.x = c.arg(row.self);
  if (!c.ok)
    return false;
  c.X = c.x.present ? c.x.in(c.T) : "";
  if (!(row.flags & ElementwiseOpRow::SelfOptional) && !c.x.present)
    return fail("'" + a.getName().str() + "' has no 'self' argument");
  if ((row.flags & ElementwiseOpRow::FloatOnly) && !c.needFloat())
    return false;
  return row.emit(c);
}

} // namespace pike::codegen::detail
