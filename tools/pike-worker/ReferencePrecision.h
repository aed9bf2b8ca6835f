// Whether a slot's reference TorchScript computes in TF32, its strict-fp32 twin,
// and the tolerance rule that judges a candidate against the strict answer
// (docs/worker.md, "Verification against a TF32 reference"). LibTorch only, no
// CUDA: the detection and the rewrite are unit-tested on CPU.
#pragma once

#include <torch/script.h>

#include <string>
#include <vector>

namespace pike::worker {

/// The process-wide TF32 switches an op without a baked flag consults at run time.
struct GlobalTf32Flags {
  bool cudnn = false;  ///< at::globalContext().allowTF32CuDNN(): convolutions, RNNs
  bool cublas = false; ///< at::globalContext().allowTF32CuBLAS(): matmul family
};
GlobalTf32Flags currentGlobalTf32Flags();

/// Where a reference may compute in TF32.
struct Tf32Use {
  /// Nodes with an `allow_tf32` argument that is a constant True or not a
  /// constant (tracing writes cuDNN's flag into every aten::_convolution; the
  /// op then ignores the global flag).
  std::vector<std::string> baked;
  /// Nodes of the conv/RNN (cuDNN flag) or matmul (cuBLAS flag) families while
  /// that global flag is on.
  std::vector<std::string> global;
  bool any() const { return !baked.empty() || !global.empty(); }
  /// "aten::_convolution in forward" etc., for the reply (at most `limit`).
  std::vector<std::string> sites(size_t limit = 8) const;
};

/// Scans every method of `m` and of its submodules (nested blocks included).
Tf32Use findTf32Use(const torch::jit::Module &m, GlobalTf32Flags flags);

/// Sets every `allow_tf32` argument in every method of `m` and its submodules to
/// a constant False (a fresh constant, so shared constants elsewhere keep their
/// value). Call before the module first runs (executors cache optimised graphs).
/// Returns how many nodes changed.
int makeStrictFp32(torch::jit::Module &m);

/// Both global TF32 switches (cuDNN, cuBLAS) set to `allow` for its lifetime,
/// restored after.
class Tf32FlagsScope {
public:
  explicit Tf32FlagsScope(bool allow);
  ~Tf32FlagsScope();
  Tf32FlagsScope(const Tf32FlagsScope &) = delete;
  Tf32FlagsScope &operator=(const Tf32FlagsScope &) = delete;

private:
  GlobalTf32Flags saved_;
};

/// Strict: the reference's strict-fp32 twin runs under it.
struct StrictFp32Scope : Tf32FlagsScope {
  StrictFp32Scope() : Tf32FlagsScope(false) {}
};

/// Both on, as a package under a relaxed precision policy runs PyTorch (its
/// runtime's allow_tf32): the reference is timed so when the client says its
/// package falls back to that (timing.reference_tf32).
struct Tf32OnScope : Tf32FlagsScope {
  Tf32OnScope() : Tf32FlagsScope(true) {}
};

/// A candidate may differ from the strict reference by this multiple of the
/// reference's own TF32 deviation (kernelbench/bench.py TF32_NOISE_FACTOR: a
/// candidate as close to the strict answer as TF32 eager is, <= 2 noise, is
/// within 3 noise of eager too).
constexpr double kTf32NoiseFactor = 3.0;

/// max |tf32 - strict| over the elements where both are finite (0 for
/// non-floating outputs, empty tensors, or differing shapes/dtypes, which the
/// signature check rejects anyway). Never NaN or infinite.
double tf32Noise(const at::Tensor &tf32, const at::Tensor &strict);

/// The absolute tolerance of one output: max(atol, kTf32NoiseFactor * noise).
/// A noise that is not a finite non-negative number widens nothing.
double tf32Atol(double atol, double noise);

} // namespace pike::worker
