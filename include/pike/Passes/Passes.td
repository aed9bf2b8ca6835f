#ifndef PIKE_PASSES_TD
#define PIKE_PASSES_TD

include "mlir/Pass/PassBase.td"

def PikeFuse : Pass<"pike-fuse", "mlir::func::FuncOp"> {
  let summary = "Group ops into fusion regions (epilogues, elementwise chains, norm/softmax/attention patterns)";
  let description = [{
    Greedy producer-consumer fusion. A contraction (linear/matmul/conv), a
    normalization, a softmax, a reduction or an elementwise op seeds a group;
    single-use elementwise consumers join it as an epilogue; an elementwise
    chain may end in a softmax or reduction; matmul -> scale/mask -> softmax ->
    matmul becomes an attention group. Views and data movement stay outside.
  }];
  let options = [
    Option<"maxOps", "max-ops", "unsigned", /*default=*/"16",
           "Most ops one group may hold">,
    Option<"fuseEpilogues", "epilogues", "bool", /*default=*/"true",
           "Fuse elementwise consumers into contractions and normalizations">,
    Option<"fuseAttention", "attention", "bool", /*default=*/"true",
           "Recognise matmul-softmax-matmul attention groups">,
    Option<"singles", "singles", "bool", /*default=*/"true",
           "Wrap compute ops that join no group into single-op groups">
  ];
  let dependentDialects = ["pike::PikeDialect"];
}

def PikeOutline : Pass<"pike-outline", "mlir::ModuleOp"> {
  let summary = "Outline each fusion group into a pike.kernel slot with the C ABI and call it";
  let options = [
    Option<"prefix", "prefix", "std::string", /*default=*/"\"region_\"",
           "Symbol prefix of the kernel slots">
  ];
  let dependentDialects = ["pike::PikeDialect"];
}

def PikeRegionReport : Pass<"pike-region-report", "mlir::ModuleOp"> {
  let summary = "Report fusion regions / kernel slots: ops, shapes, FLOPs and bytes";
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"-\"",
           "Where the report goes ('-' for stderr, a path ending in .json for JSON)">
  ];
}


def PikeEmitTorchScript : Pass<"pike-emit-torchscript", "mlir::ModuleOp"> {
  let summary = "Write @forward as a TorchScript module and each kernel slot's reference module";
  let description = [{
    The inverse of the importer: every pike.aten becomes the ATen call it
    names, weights become registered buffers (so `.to(device)` moves them) and
    pike.call runs the slot's reference body. Used to check that import and
    partitioning preserve semantics, and to give the worker its references.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"\"",
           "Path of the TorchScript file for @forward (empty: none)">,
    Option<"referenceDir", "reference-dir", "std::string", /*default=*/"\"\"",
           "Directory receiving <slot>.pt reference modules (empty: none)">
  ];
}


def PikeEmitPackage : Pass<"pike-emit-package", "mlir::ModuleOp"> {
  let summary = "Write the AOT package: kernels, custom-op library sources, rewritten module, CMake config, report";
  let description = [{
    Every pike.kernel whose impl is not `reference` becomes a custom op
    `<ns>::<slot>` backed by its C ABI source; the others run their reference
    ops. With `cuda-graphs`, model.pt replays the whole model as one CUDA graph.
  }];
  let options = [
    Option<"outputDir", "output-dir", "std::string", /*default=*/"\"\"",
           "Package directory">,
    Option<"cudaGraphs", "cuda-graphs", "bool", /*default=*/"true",
           "Run the model as one CUDA graph">,
    Option<"build", "build", "bool", /*default=*/"false",
           "Build lib/libpike_ops.so with CMake after writing the sources">,
    Option<"cudaArch", "cuda-arch", "std::string", /*default=*/"\"90\"",
           "CMAKE_CUDA_ARCHITECTURES of the library">
  ];
}

#endif
