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

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

extern "C" const char pike_inner_module_start[];
extern "C" const char pike_inner_module_end[];

namespace {

/// One captured graph, replayed for the exact input buffers it was captured on:
/// the graph reads the caller's tensors in place, so a call costs no input
/// copies (a memory-bound model would otherwise move its inputs three times).
struct CapturedGraph {
  std::vector<const void *> inputPtrs;
  std::vector<std::vector<int64_t>> inputSizes, inputStrides;
  std::vector<at::ScalarType> inputTypes;
  std::vector<at::Tensor> staticOutputs;
  std::unique_ptr<at::cuda::CUDAGraph> graph; // null: these inputs run without a graph
  uint64_t lastUse = 0;
};

/// PIKE_CUDA_GRAPH=always|never|auto (default auto: per input set, replay+copy-out
/// is timed against a plain run right after capture and the faster one kept; a
/// graph pays off for launch-bound models, not for one big op whose output copy
/// costs more than the launches it saves).
enum class GraphPolicy { Always, Never, Auto };
GraphPolicy graphPolicy() {
  const char *v = std::getenv("PIKE_CUDA_GRAPH");
  std::string s = v ? v : "auto";
  if (s == "always")
    return GraphPolicy::Always;
  if (s == "never")
    return GraphPolicy::Never;
  TORCH_CHECK(s == "auto", "pike: PIKE_CUDA_GRAPH must be always, never or auto, not '", s, "'");
  return GraphPolicy::Auto;
}

struct DeviceState {
  torch::jit::Module module;
  bool loaded = false;
  std::vector<std::unique_ptr<CapturedGraph>> graphs; // at most kMaxGraphs, LRU
  uint64_t calls = 0;
  std::string captureError; // non-empty: run without a graph
};

/// Graphs kept per device (each holds its own memory pool for intermediates):
/// inference loops reuse a few input buffers; a caller that passes fresh
/// tensors every call re-captures (correct, but slow).
constexpr size_t kMaxGraphs = 4;

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

bool capturedFor(const CapturedGraph &g, const std::vector<at::Tensor> &inputs) {
  if (g.inputPtrs.size() != inputs.size())
    return false;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (g.inputPtrs[i] != inputs[i].data_ptr() || g.inputTypes[i] != inputs[i].scalar_type() ||
        inputs[i].sizes() != c10::IntArrayRef(g.inputSizes[i]) ||
        inputs[i].strides() != c10::IntArrayRef(g.inputStrides[i]))
      return false;
  return true;
}

/// Best of three CUDA-event timings of `fn` on `stream`, in milliseconds.
template <typename Fn> float bestOfThree(const at::cuda::CUDAStream &stream, Fn &&fn) {
  float best = 0;
  for (int i = 0; i < 3; ++i) {
    at::cuda::CUDAEvent start(cudaEventDefault), stop(cudaEventDefault);
    start.record(stream);
    fn();
    stop.record(stream);
    stop.synchronize();
    float ms = start.elapsed_time(stop);
    best = i == 0 ? ms : std::min(best, ms);
  }
  return best;
}

/// Whether replaying `g` and copying its outputs out beats running the module.
bool graphPays(DeviceState &st, CapturedGraph &g, const std::vector<at::Tensor> &inputs,
               const at::cuda::CUDAStream &stream) {
  float plain = bestOfThree(stream, [&] { runModule(st, inputs); });
  float graphed = bestOfThree(stream, [&] {
    g.graph->replay();
    for (const auto &t : g.staticOutputs)
      t.clone();
  });
  return graphed < plain;
}

/// Captures the module on `inputs` themselves (no static copies); null when
/// capture fails (the reason is kept and the module then runs without graphs).
std::unique_ptr<CapturedGraph> capture(DeviceState &st, const std::vector<at::Tensor> &inputs) {
  auto g = std::make_unique<CapturedGraph>();
  for (const auto &t : inputs) {
    g->inputPtrs.push_back(t.data_ptr());
    g->inputSizes.push_back(t.sizes().vec());
    g->inputStrides.push_back(t.strides().vec());
    g->inputTypes.push_back(t.scalar_type());
  }
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
        runModule(st, inputs);
      side.synchronize();
      g->graph = std::make_unique<at::cuda::CUDAGraph>();
      g->graph->capture_begin();
      g->staticOutputs = runModule(st, inputs);
      g->graph->capture_end();
      if (graphPolicy() == GraphPolicy::Auto && !graphPays(st, *g, inputs, side)) {
        g->graph.reset();
        g->staticOutputs.clear();
      }
    }
    at::cuda::CUDAEvent done;
    done.record(side);
    done.block(current);
  } catch (const std::exception &e) {
    st.captureError = e.what();
    TORCH_WARN("pike: CUDA graph capture failed, running without a graph: ", e.what());
    return nullptr;
  }
  return g;
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
  if (!device.is_cuda() || !st.captureError.empty() || graphPolicy() == GraphPolicy::Never)
    return runModule(st, inputs);
  ++st.calls;
  CapturedGraph *g = nullptr;
  for (auto &c : st.graphs)
    if (capturedFor(*c, inputs))
      g = c.get();
  if (!g) {
    std::unique_ptr<CapturedGraph> fresh = capture(st, inputs);
    if (!fresh)
      return runModule(st, inputs);
    if (st.graphs.size() >= kMaxGraphs) {
      auto oldest = std::min_element(st.graphs.begin(), st.graphs.end(),
                                     [](const auto &a, const auto &b) { return a->lastUse < b->lastUse; });
      st.graphs.erase(oldest);
    }
    st.graphs.push_back(std::move(fresh));
    g = st.graphs.back().get();
  }
  g->lastUse = st.calls;
  if (!g->graph)
    return runModule(st, inputs);
  // Replays on the current stream, where the caller's inputs are ordered (the
  // usual PyTorch contract for reading a tensor inside an op).
  g->graph->replay();
  // The graph's output buffers are reused by the next replay: hand out copies.
  std::vector<at::Tensor> out;
  for (const auto &t : g->staticOutputs)
    out.push_back(t.clone());
  return out;
}

} // namespace

TORCH_LIBRARY_FRAGMENT(@PIKE_NS@, m) {
  m.def("graph_forward(Tensor[] inputs) -> Tensor[]", &graphForward);
}
