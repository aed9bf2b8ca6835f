#include "ReferencePrecision.h"

#include <ATen/Context.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace pike::worker {
namespace {

// Ops without an allow_tf32 argument that read the global cuDNN flag
// (at::convolution and its wrappers pass ctx.allowTF32CuDNN() on to
// _convolution; cuDNN RNNs read it too).
const std::set<std::string> kCudnnFlagOps = {
    "aten::convolution",         "aten::conv1d",           "aten::conv2d",
    "aten::conv3d",              "aten::conv_transpose1d", "aten::conv_transpose2d",
    "aten::conv_transpose3d",    "aten::_convolution",     "aten::_convolution_mode",
    "aten::cudnn_convolution_relu", "aten::cudnn_convolution_add_relu", "aten::lstm",
    "aten::gru",                 "aten::rnn_tanh",         "aten::rnn_relu",
    "aten::_cudnn_rnn"};
// Ops that reach cuBLAS fp32 GEMMs, which follow the global cuBLAS flag.
const std::set<std::string> kCublasFlagOps = {
    "aten::mm",        "aten::bmm",         "aten::addmm",   "aten::addbmm",     "aten::baddbmm",
    "aten::matmul",    "aten::linear",      "aten::einsum",  "aten::tensordot",  "aten::bilinear",
    "aten::addmv",     "aten::mv",          "aten::inner",   "aten::chain_matmul", "aten::linalg_multi_dot",
    "aten::linalg_matmul", "aten::_addmm_activation", "aten::conv_tbc", "aten::scaled_dot_product_attention",
    "aten::_scaled_dot_product_attention_math"};

// Index of the argument named allow_tf32 in the node's schema, or -1.
int allowTf32Index(const torch::jit::Node *n) {
  const c10::FunctionSchema *s = n->maybeSchema();
  if (!s)
    return -1;
  for (size_t i = 0; i < s->arguments().size(); ++i)
    if (s->arguments()[i].name() == "allow_tf32")
      return i < n->inputs().size() ? static_cast<int>(i) : -1;
  return -1;
}

template <typename Fn> void forEachNode(torch::jit::Block *b, const Fn &fn) {
  for (torch::jit::Node *n : b->nodes()) {
    fn(n);
    for (torch::jit::Block *sub : n->blocks())
      forEachNode(sub, fn);
  }
}

// Every method graph of m and of every submodule (a traced, unfrozen module
// keeps its layers' code in the submodules' forward methods).
template <typename Fn> void forEachGraph(const torch::jit::Module &m, const Fn &fn) {
  for (const torch::jit::Module &sub : m.modules())
    for (const torch::jit::Method &method : sub.get_methods())
      fn(method.graph(), sub.type()->name() ? sub.type()->name()->name() + "." + method.name() : method.name());
}

} // namespace

GlobalTf32Flags currentGlobalTf32Flags() {
  return {at::globalContext().allowTF32CuDNN(), at::globalContext().allowTF32CuBLAS()};
}

std::vector<std::string> Tf32Use::sites(size_t limit) const {
  std::vector<std::string> out;
  for (const auto *list : {&baked, &global})
    for (const auto &s : *list)
      if (out.size() < limit)
        out.push_back(s);
  return out;
}

Tf32Use findTf32Use(const torch::jit::Module &m, GlobalTf32Flags flags) {
  Tf32Use use;
  forEachGraph(m, [&](const std::shared_ptr<torch::jit::Graph> &g, const std::string &where) {
    forEachNode(g->block(), [&](torch::jit::Node *n) {
      std::string kind = n->kind().toQualString();
      if (int i = allowTf32Index(n); i >= 0) {
        std::optional<bool> v = torch::jit::constant_as<bool>(n->input(i));
        if (!v)
          use.baked.push_back(kind + " in " + where + " (allow_tf32 not a constant)");
        else if (*v)
          use.baked.push_back(kind + " in " + where + " (allow_tf32=True)");
        return;
      }
      if ((flags.cudnn && kCudnnFlagOps.count(kind)) || (flags.cublas && kCublasFlagOps.count(kind)))
        use.global.push_back(kind + " in " + where + " (global " + (kCudnnFlagOps.count(kind) ? "cuDNN" : "cuBLAS") +
                             " TF32 flag)");
    });
  });
  return use;
}

int makeStrictFp32(torch::jit::Module &m) {
  int changed = 0;
  forEachGraph(m, [&](const std::shared_ptr<torch::jit::Graph> &g, const std::string &) {
    forEachNode(g->block(), [&](torch::jit::Node *n) {
      int i = allowTf32Index(n);
      if (i < 0)
        return;
      std::optional<bool> v = torch::jit::constant_as<bool>(n->input(i));
      if (v && !*v)
        return;
      torch::jit::WithInsertPoint guard(n);
      n->replaceInput(i, g->insertConstant(false));
      ++changed;
    });
  });
  return changed;
}

Tf32FlagsScope::Tf32FlagsScope(bool allow) : saved_(currentGlobalTf32Flags()) {
  at::globalContext().setAllowTF32CuDNN(allow);
  at::globalContext().setAllowTF32CuBLAS(allow);
}

Tf32FlagsScope::~Tf32FlagsScope() {
  at::globalContext().setAllowTF32CuDNN(saved_.cudnn);
  at::globalContext().setAllowTF32CuBLAS(saved_.cublas);
}

double tf32Noise(const at::Tensor &tf32, const at::Tensor &strict) {
  if (!tf32.defined() || !strict.defined() || !tf32.is_floating_point() || !strict.is_floating_point() ||
      !tf32.sizes().equals(strict.sizes()) || tf32.numel() == 0)
    return 0.0;
  at::Tensor a = tf32.to(at::kDouble), b = strict.to(at::kDouble);
  at::Tensor both = a.isfinite() & b.isfinite();
  at::Tensor diff = at::where(both, (a - b).abs(), at::zeros_like(a));
  double n = diff.max().item<double>();
  return std::isfinite(n) ? n : 0.0;
}

double tf32Atol(double atol, double noise) {
  if (!(noise >= 0) || !std::isfinite(noise))
    return atol;
  return std::max(atol, kTf32NoiseFactor * noise);
}

} // namespace pike::worker
