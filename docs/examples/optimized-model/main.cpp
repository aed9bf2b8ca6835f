// Runs a pike-optimised model through LibTorch. Linking the package library is
// all it takes: its ops register when the library loads.
//
//   run_model 16x64x56x56 [more input shapes...]
#include <torch/script.h>
#include <torch/torch.h>

#include <iostream>
#include <sstream>

static std::vector<int64_t> parseShape(const std::string &text) {
  std::vector<int64_t> shape;
  std::stringstream ss(text);
  std::string dim;
  while (std::getline(ss, dim, 'x'))
    shape.push_back(std::stoll(dim));
  return shape;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    std::cerr << "usage: run_model SHAPE [SHAPE...]   (e.g. 16x64x56x56)\n";
    return 2;
  }
  if (!torch::cuda::is_available()) {
    std::cerr << "run_model: no CUDA device; the package's kernels need one\n";
    return 3;
  }
  torch::jit::Module model = torch::jit::load(PIKE_MODEL_FILE, torch::kCUDA);
  model.eval();
  std::vector<torch::jit::IValue> inputs;
  for (int i = 1; i < argc; ++i)
    inputs.push_back(torch::randn(parseShape(argv[i]), torch::kCUDA));
  torch::NoGradGuard noGrad;
  torch::jit::IValue out = model.forward(inputs);
  torch::cuda::synchronize();
  if (out.isTensor())
    std::cout << "output " << out.toTensor().sizes() << "\n";
  else
    std::cout << "outputs: " << out.toTuple()->elements().size() << "\n";
  return 0;
}
