// The built-in kernel generator over a module's slots (pike-generate-kernels:
// tests and the LLM-free path). Every slot still on its reference implementation gets the
// generator's first candidate (or the `candidate`-th, optionally mutated, with
// the `knobs` override on top); slots the generator cannot handle keep their
// reference body and get a remark.
#include "pike/Dialect/SlotLayout.h"
#include "pike/Tuning/GenerateKernels.h"
#include "pike/Dialect/AttrNames.h"
#include "pike/Codegen/Codegen.h"
#include "pike/Tuning/SlotSupport.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

using namespace mlir;
using namespace pike;

namespace {

nlohmann::json signature(KernelOp k) {
  auto one = [](Type t) {
    auto rt = cast<RankedTensorType>(t);
    std::string dt;
    llvm::raw_string_ostream os(dt);
    os << rt.getElementType();
    return nlohmann::json{{"shape", rt.getShape()}, {"dtype", dt}};
  };
  nlohmann::json s = {{"inputs", nlohmann::json::array()}, {"outputs", nlohmann::json::array()}};
  // Channels-last tensors as the worker's signature marks them (slotSignature).
  for (auto [i, t] : llvm::enumerate(k.getFunctionType().getInputs())) {
    s["inputs"].push_back(one(t));
    // As the worker fills it, so the CPU checks test the same domain.
    s["inputs"].back()["init"] = slotInputInit(k, i);
    if (isChannelsLastTensor(k, t))
      s["inputs"].back()["layout"] = kLayoutNhwc.str();
  }
  for (Type t : k.getFunctionType().getResults()) {
    s["outputs"].push_back(one(t));
    if (isChannelsLastTensor(k, t))
      s["outputs"].back()["layout"] = kLayoutNhwc.str();
  }
  return s;
}

bool writeFile(Operation *at, StringRef dir, StringRef name, StringRef text) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    at->emitError() << "cannot create '" << dir << "': " << ec.message();
    return false;
  }
  SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    at->emitError() << "cannot write '" << path << "': " << ec.message();
    return false;
  }
  os << text;
  return true;
}

} // namespace

LogicalResult pike::generateKernels(ModuleOp module, const GenerateKernelsOptions &options) {
  nlohmann::json overrides = nlohmann::json::object();
  if (!options.knobs.empty()) {
    // The pass-option parser strips one level of braces: `knobs={"a":1}` arrives
    // as `"a":1`, so a value that is not an object gets them back.
    std::string text = options.knobs;
    size_t first = text.find_first_not_of(" \t");
    if (first != std::string::npos && text[first] != '{')
      text = "{" + text + "}";
    overrides = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (overrides.is_discarded() || !overrides.is_object()) {
      module.emitError() << "knobs= is not a JSON object: " << options.knobs;
      return failure();
    }
  }
  bool failedAny = false;
  SmallVector<KernelOp> kernels;
  module.walk([&](KernelOp k) { kernels.push_back(k); });
  for (KernelOp k : kernels) {
    if (k.getImpl() != "reference")
      continue;
    if (!options.hostRefDir.empty()) {
      std::string sym = "pike_host_" + k.getSymName().str();
      // No host reference (e.g. a conv slot): the device generation below still runs
      // and reports the slot.
      // Without one the signature is still written (symbol null): the GPU and
      // emulation checks read it.
      auto ref = codegen::generateHostReference(k, sym, /*errorsAsRemarks=*/true);
      if (succeeded(ref) && !writeFile(k, options.hostRefDir, (k.getSymName() + ".cpp").str(), *ref))
        failedAny = true;
      nlohmann::json meta = {{"symbol", succeeded(ref) ? nlohmann::json(sym) : nlohmann::json()},
                             {"signature", signature(k)}};
      if (!writeFile(k, options.hostRefDir, (k.getSymName() + ".json").str(), meta.dump(2)))
        failedAny = true;
    }
    std::vector<codegen::Knobs> space = codegen::candidateKnobs(k);
    codegen::Knobs base;
    if (!space.empty())
      base = space[std::min<size_t>(options.candidate, space.size() - 1)];
    if (options.mutateSeed >= 0)
      base = codegen::mutate(k, base, (uint64_t)options.mutateSeed);
    codegen::Knobs kn = codegen::mergeKnobs(base, overrides);
    if (options.listKnobs) {
      nlohmann::json list = nlohmann::json::array();
      for (const codegen::Knobs &c : space)
        list.push_back(c.toJson());
      k->setAttr(pike::kCandidatesAttr, StringAttr::get(k.getContext(), list.dump()));
    }
    auto gen = options.strict ? codegen::generate(k, kn) : codegen::tryGenerate(k, kn);
    if (failed(gen)) {
      failedAny |= options.strict;
      continue;
    }
    std::string entry = k.getEntry().str();
    std::string source = gen->source;
    auto ins = k.getFunctionType().getInputs();
    auto outs = k.getFunctionType().getResults();
    if (gen->mode == "nvcc")
      source = codegen::hostLauncher(*gen, ins, outs, entry);
    OpBuilder b(k);
    k.setImpl(gen->mode);
    k.setEntry(entry);
    k.setSourceAttr(b.getStringAttr(source));
    if (gen->mode == "nvrtc")
      k.setLaunchesAttr(launchesToAttr(k.getContext(), gen->launches));
    else
      k.removeLaunchesAttr();
    k->setAttr(pike::kKnobsAttr, b.getStringAttr(gen->knobs.toJson().dump()));
    k->setAttr(pike::kSummaryAttr, b.getStringAttr(gen->summary));
    if (!options.dumpDir.empty()) {
      codegen::GeneratedKernel g = *gen;
      g.source = gen->source;
      if (!writeFile(k, options.dumpDir, (k.getSymName() + ".cu").str(),
                     codegen::hostLauncher(g, ins, outs, entry)))
        failedAny = true;
    }
  }
  return failure(failedAny);
}
