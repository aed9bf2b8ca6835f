// pike package runtime: runs the rewritten model (embedded in this library)
// under a CUDA graph, so a launch-bound model pays the CPU launch cost once.
// The same source for every package: the namespace and policies come from the
// package's src/slots.c (pike_package.h), so it is compiled once and reused.
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/library.h>
#include <torch/script.h>

#include "pike_package.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

extern "C" const char pike_inner_module_start[];
extern "C" const char pike_inner_module_end[];

namespace {

/// One captured input set: the graph was captured on the caller's own tensors
/// and is replayed on them in place, so a call costs no input copies (a
/// memory-bound model would otherwise move its inputs three times).
struct CapturedGraph {
  std::vector<const void *> inputPtrs;
  std::vector<std::vector<int64_t>> inputSizes, inputStrides;
  std::vector<at::ScalarType> inputTypes;
  std::vector<at::Tensor> staticOutputs;
  std::unique_ptr<at::cuda::CUDAGraph> graph; // null: these inputs run without a graph
  bool channelsLast = false;                  // run the channels-last copy of the model
  uint64_t lastUse = 0;
};

/// A PIKE_* switch with the values always|never|auto.
enum class Policy { Always, Never, Auto };
Policy policyFromEnv(const char *name, const char *fallback) {
  const char *v = std::getenv(name);
  std::string s = v && *v ? v : fallback;
  if (s == "always")
    return Policy::Always;
  if (s == "never")
    return Policy::Never;
  TORCH_CHECK(s == "auto", "pike: ", name, " must be always, never or auto, not '", s, "'");
  return Policy::Auto;
}

/// PIKE_CUDA_GRAPH (default auto: per input set, replay + copy-out is timed
/// against a plain run right after capture and the faster one kept; a graph pays
/// off for launch-bound models, not for one big op whose output copy costs more
/// than the launches it saves).
Policy graphPolicy() { return policyFromEnv("PIKE_CUDA_GRAPH", "auto"); }

/// PIKE_CHANNELS_LAST (default: pike-opt --channels-last, auto unless told): a
/// copy of the model whose 4-D floating weights and inputs are channels-last
/// (cuDNN's NHWC kernels); auto times both layouts after capture and keeps the
/// faster one. Outputs are always handed out in PyTorch's default layout.
Policy channelsLastPolicy() { return policyFromEnv("PIKE_CHANNELS_LAST", pike_package_channels_last); }

/// Whether any slot's kernel stores its rank-4 tensors channels-last (the slot
/// table is constant: read once, not on every forward call).
bool packageHasChannelsLastSlots() {
  static const bool has = [] {
    for (const PikePackageSlot *s = pike_package_slots; s->name; ++s)
      if (s->channels_last)
        return true;
    return false;
  }();
  return has;
}

struct DeviceState {
  torch::jit::Module module;
  torch::jit::Module moduleChannelsLast; // valid when hasChannelsLast
  bool hasChannelsLast = false;
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
  bool cublas, cudnn;
  PrecisionPolicy()
      : cublas(at::globalContext().allowTF32CuBLAS()), cudnn(at::globalContext().allowTF32CuDNN()) {
    if (pike_package_allow_tf32) {
      at::globalContext().setAllowTF32CuBLAS(true);
      at::globalContext().setAllowTF32CuDNN(true);
    }
  }
  ~PrecisionPolicy() {
    at::globalContext().setAllowTF32CuBLAS(cublas);
    at::globalContext().setAllowTF32CuDNN(cudnn);
  }
};

bool isImage(const at::Tensor &t) { return t.dim() == 4 && t.is_floating_point(); }

/// A copy of `m` whose 4-D floating buffers (convolution weights) are
/// channels-last; nullopt when it has none (the layout would change nothing).
std::optional<torch::jit::Module> channelsLastCopy(const torch::jit::Module &m) {
  torch::jit::Module copy = m.clone();
  bool any = false;
  for (const auto &b : m.named_buffers(/*recurse=*/false))
    if (isImage(b.value)) {
      copy.setattr(b.name, b.value.contiguous(at::MemoryFormat::ChannelsLast));
      any = true;
    }
  if (!any)
    return std::nullopt;
  return copy;
}

std::vector<at::Tensor> runModule(DeviceState &st, const std::vector<at::Tensor> &inputs,
                                  bool channelsLast) {
  // The model is already optimised: keep TorchScript's own fusers out of it.
  torch::jit::GraphOptimizerEnabledGuard noJitOpt(false);
  PrecisionPolicy precision;
  std::vector<c10::IValue> args;
  for (const auto &t : inputs)
    args.emplace_back(channelsLast && isImage(t) ? t.contiguous(at::MemoryFormat::ChannelsLast) : t);
  std::vector<at::Tensor> out;
  flatten((channelsLast ? st.moduleChannelsLast : st.module).forward(args), out);
  if (channelsLast)
    for (auto &t : out)
      t = t.contiguous();
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

/// One layout of the model captured for an input set.
struct Variant {
  bool channelsLast = false;
  std::unique_ptr<at::cuda::CUDAGraph> graph;
  std::vector<at::Tensor> staticOutputs;
};

/// Warms the layout up outside the graph (lazy handles, workspaces, caches),
/// then captures it; runs on the current stream (a side stream).
Variant captureVariant(DeviceState &st, const std::vector<at::Tensor> &inputs, bool channelsLast,
                       const at::cuda::CUDAStream &stream) {
  Variant v;
  v.channelsLast = channelsLast;
  for (int i = 0; i < 3; ++i)
    runModule(st, inputs, channelsLast);
  stream.synchronize();
  v.graph = std::make_unique<at::cuda::CUDAGraph>();
  v.graph->capture_begin();
  v.staticOutputs = runModule(st, inputs, channelsLast);
  v.graph->capture_end();
  return v;
}

/// Time of one call of `v`: replay + copy-out, or a plain run of its layout.
float timeVariant(DeviceState &st, Variant &v, bool withGraph, const std::vector<at::Tensor> &inputs,
                  const at::cuda::CUDAStream &stream) {
  if (!withGraph)
    return bestOfThree(stream, [&] { runModule(st, inputs, v.channelsLast); });
  return bestOfThree(stream, [&] {
    v.graph->replay();
    for (const auto &t : v.staticOutputs)
      t.clone();
  });
}

/// Captures the module on `inputs` themselves (no static copies) in every
/// layout the policies allow and keeps the fastest way to run it (with or
/// without its graph, as PIKE_CUDA_GRAPH allows); null when capture fails (the
/// reason is kept and the module then runs without graphs).
std::unique_ptr<CapturedGraph> capture(DeviceState &st, const std::vector<at::Tensor> &inputs) {
  auto g = std::make_unique<CapturedGraph>();
  for (const auto &t : inputs) {
    g->inputPtrs.push_back(t.data_ptr());
    g->inputSizes.push_back(t.sizes().vec());
    g->inputStrides.push_back(t.strides().vec());
    g->inputTypes.push_back(t.scalar_type());
  }
  const Policy nhwc = st.hasChannelsLast ? channelsLastPolicy() : Policy::Never;
  std::vector<bool> layouts;
  if (nhwc != Policy::Always)
    layouts.push_back(false);
  if (nhwc != Policy::Never)
    layouts.push_back(true);
  const bool timePlain = graphPolicy() == Policy::Auto;
  auto current = at::cuda::getCurrentCUDAStream();
  auto side = at::cuda::getStreamFromPool();
  try {
    at::cuda::CUDAEvent ready;
    ready.record(current);
    ready.block(side);
    {
      c10::cuda::CUDAStreamGuard guard(side);
      Variant best;
      bool bestWithGraph = true;
      float bestMs = -1;
      for (bool layout : layouts) {
        Variant v = captureVariant(st, inputs, layout, side);
        if (layouts.size() == 1 && !timePlain) { // nothing to choose between
          best = std::move(v);
          break;
        }
        bool better = false;
        for (bool withGraph : {true, false}) {
          if (!withGraph && !timePlain)
            continue;
          float ms = timeVariant(st, v, withGraph, inputs, side);
          if (bestMs < 0 || ms < bestMs) {
            bestMs = ms;
            bestWithGraph = withGraph;
            better = true;
          }
        }
        if (better)
          best = std::move(v); // the loser's graph and memory pool go here
      }
      g->channelsLast = best.channelsLast;
      if (bestWithGraph) {
        g->graph = std::move(best.graph);
        g->staticOutputs = std::move(best.staticOutputs);
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
    if (channelsLastPolicy() != Policy::Never)
      if (std::optional<torch::jit::Module> copy = channelsLastCopy(st.module)) {
        st.moduleChannelsLast = *copy;
        st.hasChannelsLast = true;
      }
    st.loaded = true;
  }
  // Without graphs there is nothing timed, so "always" picks channels-last, and
  // "auto" does when the package has channels-last slots (pike.layout = "nhwc":
  // with NCHW activations each of them would transpose its inputs every call).
  const bool plainChannelsLast =
      st.hasChannelsLast && (channelsLastPolicy() == Policy::Always ||
                             (channelsLastPolicy() == Policy::Auto && packageHasChannelsLastSlots()));
  if (!device.is_cuda() || !st.captureError.empty() || graphPolicy() == Policy::Never)
    return runModule(st, inputs, plainChannelsLast);
  ++st.calls;
  CapturedGraph *g = nullptr;
  for (auto &c : st.graphs)
    if (capturedFor(*c, inputs))
      g = c.get();
  if (!g) {
    std::unique_ptr<CapturedGraph> fresh = capture(st, inputs);
    if (!fresh)
      return runModule(st, inputs, plainChannelsLast);
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
    return runModule(st, inputs, g->channelsLast);
  // Replays on the current stream, where the caller's inputs are ordered (the
  // usual PyTorch contract for reading a tensor inside an op).
  g->graph->replay();
  // The graph's output buffers are reused by the next replay: hand out copies.
  std::vector<at::Tensor> out;
  for (const auto &t : g->staticOutputs)
    out.push_back(t.clone());
  return out;
}

/// <namespace>::graph_forward, registered when the library is loaded.
struct GraphForwardRegistration {
  torch::Library lib{torch::Library::FRAGMENT, pike_package_namespace, std::nullopt, __FILE__, __LINE__};
  GraphForwardRegistration() { lib.def("graph_forward(Tensor[] inputs) -> Tensor[]", &graphForward); }
};
GraphForwardRegistration graphForwardRegistration;

} // namespace
