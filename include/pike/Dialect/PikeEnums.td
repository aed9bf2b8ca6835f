#ifndef PIKE_ENUMS_TD
#define PIKE_ENUMS_TD

include "mlir/IR/EnumAttr.td"

// The IR keeps these as strings (`impl = "nvrtc"`, `pike.fusion_group
// "softmax"`); the enums are their one list, with the spelling of each value.
// genSpecializedAttr = 0: only the C++ enum, stringify and symbolize.

def Pike_KernelImpl : I32EnumAttr<"KernelImpl", "how a kernel slot runs", [
    I32EnumAttrCase<"Reference", 0, "reference">, // the reference body through LibTorch
    I32EnumAttrCase<"Nvcc", 1, "nvcc">,           // host launcher + kernels in `source`
    I32EnumAttrCase<"Nvrtc", 2, "nvrtc">          // device-only `source` with static `launches`
  ]> {
  let cppNamespace = "::pike";
  let genSpecializedAttr = 0;
}

def Pike_FusionPattern : I32EnumAttr<"FusionPattern", "why pike-fuse grouped ops", [
    I32EnumAttrCase<"Elementwise", 0, "elementwise">,
    I32EnumAttrCase<"GemmEpilogue", 1, "gemm_epilogue">,
    I32EnumAttrCase<"ConvEpilogue", 2, "conv_epilogue">,
    I32EnumAttrCase<"NormActivation", 3, "norm_activation">,
    I32EnumAttrCase<"Softmax", 4, "softmax">,
    I32EnumAttrCase<"Attention", 5, "attention">,
    I32EnumAttrCase<"Reduction", 6, "reduction">,
    I32EnumAttrCase<"Single", 7, "single">,
    I32EnumAttrCase<"Pooling", 8, "pooling">  // elementwise prologue recomputed inside a 2-d pooling
  ]> {
  let cppNamespace = "::pike";
  let genSpecializedAttr = 0;
}

#endif
