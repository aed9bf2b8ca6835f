// pike package runtime: runs the rewritten model (embedded in this library)
// under a CUDA graph, so a launch-bound model pays the CPU launch cost once.
// pike substitutes the package's op namespace for @PIKE_NS@.
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/library.h>
#include <torch/script.h>

#include <map>
#include <memory>
#include <mutex>
#include <sstream>

extern "C" const char pike_inner_module_start[];
extern "C" const char pike_inner_module_end[];

namespace {

struct DeviceState {
  torch::jit::Module module;
  bool loaded = false;
  std::vector<at::Tensor> staticInputs;
  std::vector<at::Tensor> staticOutputs;
  std::unique_ptr<at::cuda::CUDAGraph> graph;
  std::string captureError; // non-empty: run without a graph
};

std::mutex stateMutex;
std::map<int, DeviceState> states;

void flatten(const c10::IValue &v, std::vector<at::Tensor> &out) {
  if (v.isTensor()) {
    out.push_back(v.toTensor());
  } else if (v.isTuple()) {
    for (const auto &e : v.toTupleRef().elements())
      flatten(e, out);
  } else if (v.isList()) {
    for (const auto &e : v.toListRef())
      flatten(e, out);
  } else {
    TORCH_CHECK(false, "pike: the model returned a non-tensor value");
  }
}

/// The package's precision policy for the library calls it leaves to PyTorch
/// (cuBLAS/cuDNN). fp32 keeps the process's own settings (PyTorch's defaults:
/// cuDNN convolutions may use TF32, cuBLAS matmuls may not), so the package
/// computes what eager PyTorch computes; tf32 turns TF32 on for both. The
/// process-wide flags are restored after every call.
struct PrecisionPolicy {
  static constexpr bool kAllowTF32 = @PIKE_ALLOW_TF32@;
  bool cublas, cudnn;
  PrecisionPolicy()
      : cublas(at::globalContext().allowTF32CuBLAS()), cudnn(at::globalContext().allowTF32CuDNN()) {
    if (kAllowTF32) {
      at::globalContext().setAllowTF32CuBLAS(true);
      at::globalContext().setAllowTF32CuDNN(true);
    }
  }
  ~PrecisionPolicy() {
    at::globalContext().setAllowTF32CuBLAS(cublas);
    at::globalContext().setAllowTF32CuDNN(cudnn);
  }
};

std::vector<at::Tensor> runModule(DeviceState &st, const std::vector<at::Tensor> &inputs) {
  // The model is already optimised: keep TorchScript's own fusers out of it.
  torch::jit::GraphOptimizerEnabledGuard noJitOpt(false);
  PrecisionPolicy precision;
  std::vector<c10::IValue> args(inputs.begin(), inputs.end());
  std::vector<at::Tensor> out;
  flatten(st.module.forward(args), out);
  return out;
}

bool sameSignature(const std::vector<at::Tensor> &a, const std::vector<at::Tensor> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].sizes() != b[i].sizes() || a[i].scalar_type() != b[i].scalar_type() ||
        a[i].device() != b[i].device())
      return false;
  return true;
}

void capture(DeviceState &st, const std::vector<at::Tensor> &inputs) {
  st.staticInputs.clear();
  for (const auto &t : inputs)
    st.staticInputs.push_back(t.detach().clone().contiguous());
  auto current = at::cuda::getCurrentCUDAStream();
  auto side = at::cuda::getStreamFromPool();
  try {
    at::cuda::CUDAEvent ready;
    ready.record(current);
    ready.block(side);
    {
      c10::cuda::CUDAStreamGuard guard(side);
      // Warm-up outside the graph: lazy handles, workspaces and caches.
      for (int i = 0; i < 3; ++i)
        runModule(st, st.staticInputs);
      side.synchronize();
      st.graph = std::make_unique<at::cuda::CUDAGraph>();
      st.graph->capture_begin();
      st.staticOutputs = runModule(st, st.staticInputs);
      st.graph->capture_end();
    }
    at::cuda::CUDAEvent done;
    done.record(side);
    done.block(current);
  } catch (const std::exception &e) {
    st.graph.reset();
    st.staticOutputs.clear();
    st.captureError = e.what();
    TORCH_WARN("pike: CUDA graph capture failed, running without a graph: ", e.what());
  }
}

std::vector<at::Tensor> graphForward(std::vector<at::Tensor> inputs) {
  TORCH_CHECK(!inputs.empty(), "pike: graph_forward needs at least one input");
  torch::NoGradGuard noGrad;
  const at::Device device = inputs[0].device();
  std::lock_guard<std::mutex> lock(stateMutex);
  DeviceState &st = states[device.is_cuda() ? device.index() : -1];
  if (!st.loaded) {
    std::string bytes(pike_inner_module_start, pike_inner_module_end - pike_inner_module_start);
    std::istringstream in(bytes);
    st.module = torch::jit::load(in, device);
    st.module.eval();
    st.loaded = true;
  }
  if (!device.is_cuda() || !st.captureError.empty())
    return runModule(st, inputs);
  if (!st.graph || !sameSignature(st.staticInputs, inputs))
    capture(st, inputs);
  if (!st.graph)
    return runModule(st, inputs);
  for (size_t i = 0; i < inputs.size(); ++i)
    st.staticInputs[i].copy_(inputs[i], /*non_blocking=*/true);
  st.graph->replay();
  // The graph's output buffers are reused by the next replay: hand out copies.
  std::vector<at::Tensor> out;
  for (const auto &t : st.staticOutputs)
    out.push_back(t.clone());
  return out;
}

} // namespace

TORCH_LIBRARY_FRAGMENT(@PIKE_NS@, m) {
  m.def("graph_forward(Tensor[] inputs) -> Tensor[]", &graphForward);
}
