// Concrete shapes and dtypes of a model's forward() inputs. Written by
// kernelbench/export.py as JSON or given inline on the command line.
#ifndef PIKE_TORCHSCRIPT_INPUTSPEC_H
#define PIKE_TORCHSCRIPT_INPUTSPEC_H

#include <cstdint>
#include <string>
#include <vector>

namespace pike {

struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
  std::string dtype = "float32"; // canonical torch name without "torch."
};

/// Largest input the spec may describe, in bytes (1 TiB: above any GPU's memory).
constexpr int64_t kMaxInputBytes = int64_t(1) << 40;

struct InputSpec {
  std::vector<TensorSpec> inputs;

  /// Accepts a JSON file path ({"inputs":[{"name","shape","dtype"}]}) or an
  /// inline list "1x3x32x32xf32,16xi64" (dtype suffix optional, f32 default).
  /// On failure (also: an input above kMaxInputBytes) returns false and sets
  /// `error` to a sentence naming the cause.
  static bool parse(const std::string &text, InputSpec &spec, std::string &error);
};

/// "f32", "float", "torch.float32" -> "float32"; empty string if unknown.
std::string canonicalDType(const std::string &name);

} // namespace pike

#endif
