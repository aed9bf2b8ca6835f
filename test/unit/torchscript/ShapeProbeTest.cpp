// The shape probe's fallback for an operator without a meta kernel: the node runs
// for real on zeros of its inputs' shapes, and a tensor list among its inputs must
// be materialised too (all of it meta is the usual case: every element came from a
// node that ran on shapes).
#include "ShapeProbe.h"

#include <gtest/gtest.h>
#include <torch/csrc/jit/ir/irparser.h>

namespace {

using pike::ProbeMode;

// aten::_histogramdd_from_bin_tensors has no meta kernel in torch 2.11 and takes a
// Tensor[] (the bin edges), built here from two graph inputs.
constexpr const char *kHistogramGraph = R"IR(
graph(%self : Tensor, %x : Tensor, %e0 : Tensor, %e1 : Tensor):
  %none : NoneType = prim::Constant()
  %false : bool = prim::Constant[value=0]()
  %edges : Tensor[] = prim::ListConstruct(%e0, %e1)
  %h : Tensor = aten::_histogramdd_from_bin_tensors(%x, %edges, %none, %false)
  return (%h)
)IR";

std::vector<pike::TensorSpec> histogramInputs() {
  pike::TensorSpec x, e0, e1;
  x.shape = {10, 2};
  e0.shape = {4};
  e1.shape = {5};
  for (pike::TensorSpec *s : {&x, &e0, &e1})
    s->dtype = "float32";
  return {x, e0, e1};
}

TEST(ShapeProbe, ANodeWithoutAMetaKernelGetsItsTensorListMaterialised) {
  auto graph = std::make_shared<torch::jit::Graph>();
  torch::jit::parseIR(kHistogramGraph, graph.get());
  for (ProbeMode mode : {ProbeMode::Meta, ProbeMode::Real}) {
    pike::ProbedValues values;
    pike::ProbeFailure failure;
    ASSERT_TRUE(pike::probeShapes(*graph, c10::IValue(), histogramInputs(), mode, 1024, values, failure))
        << (mode == ProbeMode::Meta ? "meta: " : "real: ") << failure.message;
    const torch::jit::Value *h = graph->outputs()[0];
    ASSERT_TRUE(values.count(h));
    ASSERT_TRUE(values.at(h).isTensor());
    // 3 bins along the first dimension (4 edges), 4 along the second (5 edges).
    EXPECT_EQ(values.at(h).toTensor().sizes(), (std::vector<int64_t>{3, 4}));
  }
}

} // namespace
