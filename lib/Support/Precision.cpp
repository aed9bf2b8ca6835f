#include "pike/Support/Precision.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace pike {

const char *precisionName(Precision p) {
  switch (p) {
  case Precision::FP32: return "fp32";
  case Precision::TF32: return "tf32";
  case Precision::BF16: return "bf16";
  case Precision::FP16: return "fp16";
  }
  return "fp32";
}

std::optional<Precision> parsePrecision(const std::string &text) {
  for (Precision p : {Precision::FP32, Precision::TF32, Precision::BF16, Precision::FP16})
    if (text == precisionName(p))
      return p;
  return std::nullopt;
}

const char *precisionChoices() { return "fp32, tf32, bf16 or fp16"; }

bool precisionAllows(Precision run, Precision kernel) {
  if (run == kernel || kernel == Precision::FP32)
    return true;
  if (kernel == Precision::TF32)
    return run == Precision::BF16 || run == Precision::FP16;
  return false; // bf16 and fp16 only under themselves
}

const char *halfOperandType(Precision p) {
  return p == Precision::BF16 ? "bf16" : p == Precision::FP16 ? "fp16" : "";
}

std::string describePrecision(Precision p) {
  switch (p) {
  case Precision::FP32:
    return "fp32 kernels (convolution kernels: TF32 where the exported convolution allows it, as "
           "cuDNN does); PyTorch ops keep its TF32 settings";
  case Precision::TF32:
    return "tf32: generated GEMMs, attention and convolutions may use TF32 tensor cores; PyTorch "
           "ops: TF32 in cuBLAS/cuDNN";
  case Precision::BF16:
  case Precision::FP16: {
    std::string t = precisionName(p);
    return t + ": generated GEMMs (cuBLAS), tensor-core attention and channels-last cuDNN "
               "convolutions (cudnn-graph-fused/half) round their operands to " + t +
           " and accumulate in fp32, other convolutions and tensor-core kernels use TF32; inputs, "
           "outputs and weights stay fp32; PyTorch ops: TF32 in cuBLAS/cuDNN (PyTorch has no " +
           t + " mode for fp32 tensors)";
  }
  }
  return "";
}

Tolerance defaultTolerance(Precision p) {
  if (p == Precision::BF16)
    return {5e-2, 5e-2};
  return {1e-2, 1e-2};
}

std::optional<Tolerance> parseTolerance(const std::string &text, std::string *why) {
  auto fail = [&](const std::string &msg) -> std::optional<Tolerance> {
    if (why)
      *why = msg;
    return std::nullopt;
  };
  size_t comma = text.find(',');
  if (comma == std::string::npos || text.find(',', comma + 1) != std::string::npos)
    return fail("expected ATOL,RTOL (two numbers, e.g. 5e-2,5e-2), got '" + text + "'");
  auto number = [](const std::string &s, double &out) {
    if (s.empty())
      return false;
    char *end = nullptr;
    errno = 0;
    out = std::strtod(s.c_str(), &end);
    return errno == 0 && end == s.c_str() + s.size() && std::isfinite(out) && out >= 0;
  };
  Tolerance t;
  if (!number(text.substr(0, comma), t.atol))
    return fail("atol '" + text.substr(0, comma) + "' is not a non-negative finite number");
  if (!number(text.substr(comma + 1), t.rtol))
    return fail("rtol '" + text.substr(comma + 1) + "' is not a non-negative finite number");
  return t;
}

} // namespace pike
