#include "pike/Passes/KernelSource.h"
#if __has_include("pike/Codegen/Codegen.h")
#include "pike/Codegen/Codegen.h"
#define PIKE_HAVE_CODEGEN 1
#endif
#include <nlohmann/json.hpp>

using namespace mlir;

FailureOr<std::string> pike::kernelLauncherSource(KernelOp k) {
  if (k.getImpl() == "reference" || !k.getSource())
    return k.emitError() << "slot has no CUDA source to package";
#ifndef PIKE_HAVE_CODEGEN
  return k.emitError() << "pike was built without the kernel generator";
#else
  codegen::GeneratedKernel gen;
  gen.source = k.getSource()->str();
  gen.mode = k.getImpl().str();
  gen.entry = k.getEntry().str();
  if (auto launches = k.getLaunches()) {
    std::string text;
    llvm::raw_string_ostream os(text);
    // Launches are stored as an attribute; the codegen wants JSON.
    nlohmann::json list = nlohmann::json::array();
    for (Attribute a : *launches) {
      auto d = dyn_cast<DictionaryAttr>(a);
      if (!d)
        return k.emitError() << "launch entries must be dictionaries";
      nlohmann::json l;
      for (NamedAttribute e : d) {
        if (auto s = dyn_cast<StringAttr>(e.getValue()))
          l[e.getName().str()] = s.str();
        else if (auto i = dyn_cast<IntegerAttr>(e.getValue()))
          l[e.getName().str()] = i.getInt();
        else if (auto arr = dyn_cast<ArrayAttr>(e.getValue())) {
          nlohmann::json items = nlohmann::json::array();
          for (Attribute x : arr) {
            if (auto xi = dyn_cast<IntegerAttr>(x))
              items.push_back(xi.getInt());
            else if (auto xs = dyn_cast<StringAttr>(x))
              items.push_back(xs.str());
          }
          l[e.getName().str()] = items;
        }
      }
      list.push_back(l);
    }
    gen.launches = list;
  }
  return codegen::hostLauncher(gen, k.getFunctionType().getInputs(),
                               k.getFunctionType().getResults(), k.getEntry().str());
#endif
}
