// pike-region-report: what the partitioner produced, per region: ops, pattern,
// signature, an estimate of FLOPs and of the bytes a fused kernel must move.
#include "pike/Dialect/OpRegistry.h"
#include "pike/Dialect/AttrNames.h"
#include "pike/Passes/Passes.h"
#include "pike/Tuning/SlotSupport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

namespace pike {
#define GEN_PASS_DEF_PIKEREGIONREPORT
#include "pike/Passes/Passes.h.inc"
} // namespace pike

using namespace mlir;
using namespace pike;

namespace {

int64_t bytesOf(Type t) {
  auto tt = cast<RankedTensorType>(t);
  return tt.getNumElements() * std::max<int64_t>(1, tt.getElementTypeBitWidth() / 8);
}

std::string typeString(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

/// Multiply-adds count twice; elementwise and reductions once per element.
int64_t flopsOf(AtenOp op) {
  StringRef n = op.getName();
  auto out = cast<RankedTensorType>(op.getOutputs()[0].getType());
  int64_t outElems = out.getNumElements();
  auto in0 = op.getInputs().empty() ? RankedTensorType()
                                    : cast<RankedTensorType>(op.getInputs()[0].getType());
  if ((n == "aten::linear" || n == "aten::matmul" || n == "aten::mm" || n == "aten::bmm" ||
       n == "aten::addmm") && in0 && in0.getRank() >= 1) {
    int64_t k = n == "aten::addmm" ? cast<RankedTensorType>(op.getInputs()[1].getType()).getShape().back()
                                   : in0.getShape().back();
    return 2 * outElems * k;
  }
  if (n.contains("conv") && op.getInputs().size() >= 2) {
    auto w = cast<RankedTensorType>(op.getInputs()[1].getType());
    int64_t perOut = 1;
    for (int64_t d : w.getShape().drop_front())
      perOut *= d;
    return 2 * outElems * perOut;
  }
  if (in0)
    return std::max(outElems, in0.getNumElements());
  return outElems;
}

struct RegionReportPass : public pike::impl::PikeRegionReportBase<RegionReportPass> {
  using PikeRegionReportBase::PikeRegionReportBase;

  void runOnOperation() override {
    nlohmann::ordered_json regions = nlohmann::ordered_json::array();
    auto describe = [&](Operation *region, StringRef name, StringRef pattern, Block &body,
                        TypeRange inputs, TypeRange outputs) {
      nlohmann::ordered_json r;
      r["name"] = name.str();
      r["pattern"] = pattern.str();
      std::vector<std::string> ops;
      int64_t flops = 0;
      for (Operation &op : body.without_terminator())
        if (auto aten = dyn_cast<AtenOp>(op)) {
          ops.push_back(aten.getName().str());
          flops += flopsOf(aten);
        }
      int64_t bytes = 0;
      std::vector<std::string> in, out;
      for (Type t : inputs) {
        bytes += bytesOf(t);
        in.push_back(typeString(t));
      }
      for (Type t : outputs) {
        bytes += bytesOf(t);
        out.push_back(typeString(t));
      }
      r["ops"] = ops;
      r["inputs"] = in;
      r["outputs"] = out;
      r["flops"] = flops;
      r["bytes"] = bytes;
      if (auto kernel = dyn_cast<KernelOp>(region)) {
        r["impl"] = kernel.getImpl().str();
        r["fingerprint"] = slotFingerprint(kernel);
        // Eager profile of -pike-search / -pike-llm-search order=profile.
        if (auto ms = kernel->getAttrOfType<FloatAttr>(pike::kReferenceMsAttr))
          r["reference_ms"] = ms.getValueAsDouble();
        // A budgeted profile's estimate for a slot it did not measure.
        if (auto ms = kernel->getAttrOfType<FloatAttr>(pike::kReferenceMsEstimatedAttr))
          r["reference_ms_estimated"] = ms.getValueAsDouble();
        if (auto share = kernel->getAttrOfType<FloatAttr>(pike::kEagerShareAttr))
          r["eager_share"] = share.getValueAsDouble();
        // Slots computing the same function, searched once (pike-search).
        if (auto shared = kernel->getAttrOfType<IntegerAttr>(pike::kSharedByAttr))
          r["shared_by"] = shared.getInt();
      }
      regions.push_back(r);
    };
    unsigned groupIndex = 0;
    getOperation().walk([&](Operation *op) {
      if (auto k = dyn_cast<KernelOp>(op)) {
        auto pattern = k->getAttrOfType<StringAttr>(pike::kPatternAttr);
        describe(op, k.getSymName(), pattern ? pattern.getValue() : "?", k.getBody().front(),
                 k.getFunctionType().getInputs(), k.getFunctionType().getResults());
      } else if (auto g = dyn_cast<FusionGroupOp>(op)) {
        describe(op, ("group_" + std::to_string(groupIndex++)), g.getPattern(), g.getBody().front(),
                 g.getInputs().getTypes(), g.getResultTypes());
      }
    });
    int64_t unfused = 0;
    getOperation().walk([&](AtenOp op) {
      if (!op->getParentOfType<FusionGroupOp>() && !op->getParentOfType<KernelOp>())
        ++unfused;
    });

    std::string text;
    llvm::raw_string_ostream os(text);
    if (StringRef(output).ends_with(".json")) {
      nlohmann::ordered_json doc = {{"regions", regions}, {"ops_outside_regions", unfused}};
      os << doc.dump(2) << "\n";
    } else {
      os << "// pike region report: " << regions.size() << " regions, " << unfused
         << " ops outside regions\n";
      for (auto &r : regions) {
        os << "// " << r["name"].get<std::string>() << " [" << r["pattern"].get<std::string>()
           << "] ops=" << r["ops"].size() << " flops=" << r["flops"].get<int64_t>()
           << " bytes=" << r["bytes"].get<int64_t>() << " :";
        for (auto &o : r["ops"])
          os << " " << o.get<std::string>();
        if (r.contains("reference_ms"))
          os << " | eager " << llvm::format("%.4g", r["reference_ms"].get<double>()) << " ms";
        if (r.contains("reference_ms_estimated"))
          os << (r.contains("reference_ms") ? " (profile: ~" : " | eager ~")
             << llvm::format("%.4g", r["reference_ms_estimated"].get<double>()) << " ms estimated"
             << (r.contains("reference_ms") ? ")" : "");
        if (r.contains("eager_share"))
          os << " (" << llvm::format("%.1f", 100 * r["eager_share"].get<double>()) << "%)";
        if (r.contains("shared_by"))
          os << " | " << r["shared_by"].get<int64_t>() << " slots share this kernel";
        os << "\n";
      }
    }
    os.flush();
    if (output == "-") {
      llvm::errs() << text;
      return;
    }
    std::error_code ec;
    llvm::raw_fd_ostream file(output, ec);
    if (ec) {
      getOperation().emitError() << "cannot write region report '" << output
                                 << "': " << ec.message();
      return signalPassFailure();
    }
    file << text;
  }
};

} // namespace
