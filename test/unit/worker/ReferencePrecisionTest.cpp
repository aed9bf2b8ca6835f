// TF32 detection in a reference TorchScript, the strict-fp32 rewrite, the global
// flag scope and the tolerance rule of the verifier (docs/worker.md,
// "Verification against a TF32 reference"). CPU only.
#include "ReferencePrecision.h"

#include <ATen/Context.h>
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>

using namespace pike::worker;

namespace {

// A traced-and-frozen Conv2d looks like this: aten::_convolution with cuDNN's
// flag baked in as the last argument.
const char *kBakedConv = R"(
def forward(self, x, w):
    return torch._convolution(x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, False, False, True, ALLOW)
)";

torch::jit::Module bakedConv(bool allow) {
  std::string src = kBakedConv;
  src.replace(src.find("ALLOW"), 5, allow ? "True" : "False");
  torch::jit::Module m("BakedConv");
  m.define(src);
  return m;
}

std::vector<c10::IValue> convInputs() {
  torch::manual_seed(7);
  return {torch::randn({1, 144, 8, 8}), torch::randn({16, 144, 3, 3})};
}

constexpr GlobalTf32Flags kStrictFlags{false, false};
constexpr GlobalTf32Flags kAllOn{true, true};

TEST(ReferencePrecision, BakedAllowTf32ConvIsDetectedWhateverTheGlobalFlags) {
  torch::jit::Module m = bakedConv(true);
  Tf32Use use = findTf32Use(m, kStrictFlags);
  ASSERT_EQ(use.baked.size(), 1u);
  EXPECT_TRUE(use.global.empty());
  EXPECT_TRUE(use.any());
  EXPECT_NE(use.baked[0].find("aten::_convolution"), std::string::npos) << use.baked[0];
  EXPECT_NE(use.baked[0].find("allow_tf32=True"), std::string::npos) << use.baked[0];
}

TEST(ReferencePrecision, StrictCopyHasTheFlagFalseAndTheSameCpuResult) {
  torch::jit::Module tf32 = bakedConv(true), strict = bakedConv(true);
  EXPECT_EQ(makeStrictFp32(strict), 1);
  EXPECT_FALSE(findTf32Use(strict, kStrictFlags).any());
  EXPECT_TRUE(findTf32Use(tf32, kStrictFlags).any()) << "the rewrite must not touch the other module";
  // The constant the node now reads is False.
  bool sawConv = false;
  for (torch::jit::Node *n : strict.get_method("forward").graph()->nodes())
    if (n->kind().toQualString() == std::string("aten::_convolution")) {
      sawConv = true;
      EXPECT_EQ(torch::jit::constant_as<bool>(n->inputs().back()), std::optional<bool>(false));
      // cudnn_enabled (often the same pooled True constant) keeps its value.
      EXPECT_EQ(torch::jit::constant_as<bool>(n->input(11)), std::optional<bool>(true));
    }
  EXPECT_TRUE(sawConv);
  // TF32 does not exist on the CPU: both compute the same thing.
  auto in = convInputs();
  at::Tensor a = tf32.forward(in).toTensor(), b = strict.forward(in).toTensor();
  EXPECT_TRUE(at::equal(a, b));
  EXPECT_EQ(makeStrictFp32(strict), 0) << "already strict";
}

TEST(ReferencePrecision, BakedFalseIsStrictAndLeftAlone) {
  torch::jit::Module m = bakedConv(false);
  EXPECT_FALSE(findTf32Use(m, kStrictFlags).any());
  EXPECT_EQ(makeStrictFp32(m), 0);
}

TEST(ReferencePrecision, NonConstantAllowTf32CountsAsTf32AndIsForcedFalse) {
  torch::jit::Module m("FlagArg");
  m.define(R"(
def forward(self, x, w, flag: bool):
    return torch._convolution(x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, False, False, True, flag)
)");
  Tf32Use use = findTf32Use(m, kStrictFlags);
  ASSERT_EQ(use.baked.size(), 1u);
  EXPECT_NE(use.baked[0].find("not a constant"), std::string::npos);
  EXPECT_EQ(makeStrictFp32(m), 1);
  EXPECT_FALSE(findTf32Use(m, kStrictFlags).any());
}

TEST(ReferencePrecision, SharedTrueConstantKeepsItsOtherUses) {
  torch::jit::Module m("Shared");
  m.define(R"(
def forward(self, x, w):
    y = torch._convolution(x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, False, False, True, True)
    return y, True
)");
  EXPECT_EQ(makeStrictFp32(m), 1);
  auto out = m.forward(convInputs()).toTupleRef().elements();
  EXPECT_TRUE(out[1].toBool());
}

TEST(ReferencePrecision, ConvInASubmoduleAndInANestedBlockIsFound) {
  torch::jit::Module child("Child");
  child.define(R"(
def forward(self, x, w, relu: bool):
    y = x
    if relu:
        y = torch._convolution(x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, False, False, True, True)
    return y
)");
  torch::jit::Module parent("Parent");
  parent.register_module("child", child);
  parent.define(R"(
def forward(self, x, w):
    return self.child.forward(x, w, True)
)");
  Tf32Use use = findTf32Use(parent, kStrictFlags);
  ASSERT_EQ(use.baked.size(), 1u);
  EXPECT_NE(use.baked[0].find("Child"), std::string::npos) << use.baked[0];
  EXPECT_EQ(makeStrictFp32(parent), 1);
  EXPECT_FALSE(findTf32Use(parent, kStrictFlags).any());
}

TEST(ReferencePrecision, GlobalFlagOpsCountOnlyWhileTheirFlagIsOn) {
  torch::jit::Module conv("ScriptedConv");
  conv.define(R"(
def forward(self, x, w):
    return torch.conv2d(x, w)
)");
  EXPECT_FALSE(findTf32Use(conv, kStrictFlags).any());
  EXPECT_FALSE(findTf32Use(conv, {false, true}).any()) << "the cuBLAS flag does not govern convolutions";
  Tf32Use use = findTf32Use(conv, {true, false});
  ASSERT_EQ(use.global.size(), 1u);
  EXPECT_NE(use.global[0].find("cuDNN"), std::string::npos) << use.global[0];
  EXPECT_EQ(makeStrictFp32(conv), 0) << "no baked flag to rewrite: the strict run relies on StrictFp32Scope";

  torch::jit::Module mm("Matmul");
  mm.define(R"(
def forward(self, a, b):
    return torch.mm(a, b)
)");
  EXPECT_FALSE(findTf32Use(mm, {true, false}).any());
  EXPECT_EQ(findTf32Use(mm, {false, true}).global.size(), 1u);
}

TEST(ReferencePrecision, StrictFp32SlotHasNoTf32SiteUnderAnyFlags) {
  // An elementwise slot: the verifier keeps one reference run and atol as given.
  torch::jit::Module m("Elementwise");
  m.define(R"(
def forward(self, x, y):
    return torch.relu(x * y + 1.0)
)");
  EXPECT_FALSE(findTf32Use(m, kAllOn).any());
}

TEST(ReferencePrecision, StrictScopeTurnsTheGlobalFlagsOffAndRestoresThem) {
  auto &ctx = at::globalContext();
  GlobalTf32Flags before = currentGlobalTf32Flags();
  ctx.setAllowTF32CuDNN(true);
  ctx.setAllowTF32CuBLAS(true);
  {
    StrictFp32Scope strict;
    EXPECT_FALSE(ctx.allowTF32CuDNN());
    // What the convolution and RNN paths ask (torch 2.9+'s per-op precision).
    EXPECT_FALSE(ctx.allowTF32CuDNN(at::Float32Op::CONV));
    EXPECT_FALSE(ctx.allowTF32CuDNN(at::Float32Op::RNN));
    EXPECT_FALSE(ctx.allowTF32CuBLAS());
    EXPECT_EQ(ctx.float32MatmulPrecision(), at::Float32MatmulPrecision::HIGHEST);
  }
  EXPECT_TRUE(ctx.allowTF32CuDNN());
  EXPECT_TRUE(ctx.allowTF32CuDNN(at::Float32Op::CONV));
  EXPECT_TRUE(ctx.allowTF32CuBLAS());
  ctx.setAllowTF32CuDNN(before.cudnn);
  ctx.setAllowTF32CuBLAS(before.cublas);
}

// timing.reference_tf32: the reference timed as a relaxed policy's package runs
// it, both switches on (the matmul precision then allows TF32), restored after.
TEST(ReferencePrecision, Tf32OnScopeTurnsTheGlobalFlagsOnAndRestoresThem) {
  auto &ctx = at::globalContext();
  GlobalTf32Flags before = currentGlobalTf32Flags();
  ctx.setAllowTF32CuDNN(false);
  ctx.setAllowTF32CuBLAS(false);
  {
    Tf32OnScope on;
    EXPECT_TRUE(ctx.allowTF32CuDNN());
    EXPECT_TRUE(ctx.allowTF32CuDNN(at::Float32Op::CONV));
    EXPECT_TRUE(ctx.allowTF32CuBLAS());
    EXPECT_NE(ctx.float32MatmulPrecision(), at::Float32MatmulPrecision::HIGHEST);
  }
  EXPECT_FALSE(ctx.allowTF32CuDNN());
  EXPECT_FALSE(ctx.allowTF32CuBLAS());
  EXPECT_EQ(ctx.float32MatmulPrecision(), at::Float32MatmulPrecision::HIGHEST);
  ctx.setAllowTF32CuDNN(before.cudnn);
  ctx.setAllowTF32CuBLAS(before.cublas);
}

TEST(ReferencePrecision, NoiseIsTheLargestFiniteDifference) {
  at::Tensor a = torch::tensor({1.0f, 2.0f, NAN, INFINITY, 5.0f});
  at::Tensor b = torch::tensor({1.0f, 2.5f, 3.0f, 4.0f, 4.75f});
  EXPECT_DOUBLE_EQ(tf32Noise(a, b), 0.5);
  EXPECT_DOUBLE_EQ(tf32Noise(a, a.clone()), 0.0);
  EXPECT_DOUBLE_EQ(tf32Noise(torch::tensor({1, 2}), torch::tensor({1, 9})), 0.0) << "integers have no TF32";
  EXPECT_DOUBLE_EQ(tf32Noise(torch::zeros({2}), torch::zeros({3})), 0.0);
  EXPECT_DOUBLE_EQ(tf32Noise(torch::zeros({0}), torch::zeros({0})), 0.0);
  EXPECT_DOUBLE_EQ(tf32Noise(torch::tensor({-FLT_MAX}), torch::tensor({FLT_MAX})), 2.0 * FLT_MAX);
}

TEST(ReferencePrecision, ToleranceIsAtolOrThreeTimesTheNoise) {
  EXPECT_DOUBLE_EQ(tf32Atol(1e-2, 0.0), 1e-2) << "no noise: exactly as a strict slot";
  EXPECT_DOUBLE_EQ(tf32Atol(1e-2, 1e-3), 1e-2);
  EXPECT_DOUBLE_EQ(tf32Atol(1e-2, 0.01), 3 * 0.01);
  EXPECT_DOUBLE_EQ(tf32Atol(1e-2, 0.0125), kTf32NoiseFactor * 0.0125);
  EXPECT_DOUBLE_EQ(tf32Atol(1e-2, std::numeric_limits<double>::quiet_NaN()), 1e-2);
  EXPECT_DOUBLE_EQ(tf32Atol(1e-2, std::numeric_limits<double>::infinity()), 1e-2);
  EXPECT_DOUBLE_EQ(tf32Atol(1e-2, -1.0), 1e-2);
}

} // namespace
