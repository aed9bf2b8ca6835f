// pike package runtime: registers one custom op <namespace>::<slot> per kernel
// slot listed in src/slots.c. It checks the static signature, lays the inputs
// out as the kernel reads them (contiguous, or channels-last for rank-4 tensors
// of a channels-last slot), allocates the outputs likewise and calls the slot's
// C ABI entry on the current stream. The same
// source for every package (the slots are data), so it is compiled once.
#include <ATen/ATen.h>
#include <ATen/cuda/CUDAContext.h>
#include <cuda_runtime.h>
#include <torch/library.h>

#include "pike_package.h"

#include <memory>
#include <string>
#include <vector>

namespace {

int32_t pikeDType(at::ScalarType t) {
  switch (t) {
  case at::kFloat: return PIKE_FLOAT32;
  case at::kHalf: return PIKE_FLOAT16;
  case at::kBFloat16: return PIKE_BFLOAT16;
  case at::kDouble: return PIKE_FLOAT64;
  case at::kLong: return PIKE_INT64;
  case at::kInt: return PIKE_INT32;
  case at::kBool: return PIKE_BOOL;
  case at::kByte: return PIKE_UINT8;
  case at::kChar: return PIKE_INT8;
  default: return -1;
  }
}

at::ScalarType scalarType(int32_t d) {
  switch (d) {
  case PIKE_FLOAT16: return at::kHalf;
  case PIKE_BFLOAT16: return at::kBFloat16;
  case PIKE_FLOAT64: return at::kDouble;
  case PIKE_INT64: return at::kLong;
  case PIKE_INT32: return at::kInt;
  case PIKE_BOOL: return at::kBool;
  case PIKE_UINT8: return at::kByte;
  case PIKE_INT8: return at::kChar;
  default: return at::kFloat;
  }
}

std::string schemaOf(const PikePackageSlot &s) {
  std::string out = std::string(s.name) + "(";
  for (int32_t i = 0; i < s.num_inputs; ++i)
    out += (i ? ", Tensor x" : "Tensor x") + std::to_string(i);
  out += ") -> ";
  if (s.num_outputs == 1)
    return out + "Tensor";
  out += "(";
  for (int32_t i = 0; i < s.num_outputs; ++i)
    out += i ? ", Tensor" : "Tensor";
  return out + ")";
}

/// The boxed kernel of one slot: inputs from the stack, outputs onto it.
class SlotKernel final : public c10::OperatorKernel {
public:
  explicit SlotKernel(const PikePackageSlot &slot)
      : slot_(slot), qualified_(std::string(pike_package_namespace) + "::" + slot.name) {}

  void operator()(const c10::OperatorHandle &, c10::DispatchKeySet, torch::jit::Stack *stack) {
    const size_t n = static_cast<size_t>(slot_.num_inputs);
    std::vector<at::Tensor> inputs;
    for (size_t i = 0; i < n; ++i)
      inputs.push_back(torch::jit::peek(*stack, i, n).toTensor());
    torch::jit::drop(*stack, n);
    for (at::Tensor &r : call(std::move(inputs)))
      stack->emplace_back(std::move(r));
  }

private:
  std::vector<at::Tensor> call(std::vector<at::Tensor> inputs) const {
    const char *name = qualified_.c_str();
    std::vector<PikeTensorRef> in(inputs.size()), out(static_cast<size_t>(slot_.num_outputs));
    const int64_t *sizes = slot_.in_sizes;
    for (size_t i = 0; i < inputs.size(); ++i) {
      at::IntArrayRef want(sizes, static_cast<size_t>(slot_.in_ndim[i]));
      sizes += slot_.in_ndim[i];
      TORCH_CHECK(inputs[i].is_cuda(), name, ": input ", i, " is not on a CUDA device");
      TORCH_CHECK(inputs[i].sizes() == want, name, ": input ", i, " has shape ", inputs[i].sizes(),
                  ", the kernel was built for ", want);
      // The layout the kernel reads: a no-op where the input already has it
      // (a channels-last slot in the package's channels-last model copy).
      inputs[i] = inputs[i].contiguous(channelsLast(want.size()) ? at::MemoryFormat::ChannelsLast
                                                                 : at::MemoryFormat::Contiguous);
      in[i].data = inputs[i].data_ptr();
      in[i].ndim = static_cast<int32_t>(inputs[i].dim());
      in[i].dtype = pikeDType(inputs[i].scalar_type());
      for (int64_t d = 0; d < inputs[i].dim(); ++d)
        in[i].sizes[d] = inputs[i].size(d);
    }
    std::vector<at::Tensor> results;
    sizes = slot_.out_sizes;
    for (size_t i = 0; i < out.size(); ++i) {
      std::vector<int64_t> shape(sizes, sizes + slot_.out_ndim[i]);
      sizes += slot_.out_ndim[i];
      at::ScalarType dtype = scalarType(slot_.out_dtype[i]);
      at::TensorOptions options = inputs.empty() ? at::TensorOptions().device(at::kCUDA).dtype(dtype)
                                                 : inputs[0].options().dtype(dtype);
      if (channelsLast(shape.size()))
        options = options.memory_format(at::MemoryFormat::ChannelsLast);
      results.push_back(at::empty(shape, options));
      out[i].data = results.back().data_ptr();
      out[i].ndim = static_cast<int32_t>(shape.size());
      out[i].dtype = slot_.out_dtype[i];
      for (size_t d = 0; d < shape.size(); ++d)
        out[i].sizes[d] = shape[d];
    }
    auto stream = at::cuda::getCurrentCUDAStream();
    int rc = slot_.entry(in.data(), static_cast<int32_t>(in.size()), out.data(), static_cast<int32_t>(out.size()),
                         reinterpret_cast<CUstream_st *>(stream.stream()));
    TORCH_CHECK(rc == 0, name, " failed: ",
                rc == -1 ? "shape mismatch" : cudaGetErrorString(static_cast<cudaError_t>(rc)));
    return results;
  }

  /// Whether a tensor of this rank at the slot's boundary is stored channels-last.
  bool channelsLast(size_t rank) const { return slot_.channels_last && rank == 4; }

  const PikePackageSlot &slot_;
  std::string qualified_;
};

/// Registered when the library is loaded; lives as long as the library.
struct SlotRegistration {
  std::unique_ptr<torch::Library> defs, impls;
  SlotRegistration() {
    if (!pike_package_slots[0].name)
      return;
    defs = std::make_unique<torch::Library>(torch::Library::FRAGMENT, pike_package_namespace, std::nullopt,
                                            __FILE__, __LINE__);
    impls = std::make_unique<torch::Library>(torch::Library::IMPL, pike_package_namespace,
                                             c10::DispatchKey::CUDA, __FILE__, __LINE__);
    for (const PikePackageSlot *s = pike_package_slots; s->name; ++s) {
      defs->def(schemaOf(*s).c_str());
      impls->impl(s->name, torch::CppFunction::makeFromBoxedFunctor(std::make_unique<SlotKernel>(*s)));
    }
  }
};
SlotRegistration registration;

} // namespace
