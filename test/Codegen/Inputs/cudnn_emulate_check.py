#!/usr/bin/env python3
"""CPU emulation of generated cuDNN convolution launchers: runs the launcher's
own host code (graph building, engine filter, fallbacks, variant packs, the
epilogue kernel) against a small cuDNN written here, which executes operation
graphs (convolution and pointwise nodes, virtual intermediates) and the legacy
calls on the CPU, and records what ran.

usage: cudnn_emulate_check.py BUNDLE_DIR [BUNDLE_DIR ...]

Bundles as for emulate_check.py (cu/, host/, ref/). Each launcher is compiled
with g++ against the CUDA shim of emulate_check.py and the cuDNN below, loaded
once per emulated cuDNN ("fusion": every graph finalizes; "nofusion": a graph
with pointwise nodes does not, as where no engine runs it), and called on
16-byte aligned and on offset tensors (the launcher's two alignment classes):
a first call sets the slot up, the second is compared with the TorchScript
reference and prints its trace, e.g.
  OK c0/fg_bias_relu fusion aligned graph[conv,add,relu]
  OK c0/fg_bias_relu6 nofusion aligned graph[conv]+kernel
The emulated engines behave as cuDNN's are documented to: an engine for a graph
with pointwise nodes (a runtime fusion engine) notes tensor cores, the others
not; find returns one FMA algorithm. Prints the number of mismatches last and exits 1
if any: a wrong result, a failed build, or a non-zero return code (printed:
rc=801 is not supported) unless the bundle's name ends in "-only" (the "/only"
variant, which must fail where the fused graph does not run: FAILS) or
contains "-bf16" (the "/half" variant under the bf16 policy: no fallback
either; the convolution reads x and w rounded to bf16, so its reference gets
the slot's first two inputs rounded so; the trace names the conversion
kernel and the bf16 tensors, e.g. "to_half bf16:x bf16:w graph[conv,add,relu]").
"""
import ctypes
import glob
import json
import os
import re
import shutil
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_host_ref import in_layout, make_input  # noqa: E402
from emulate_check import CUDA_SHIM, build_library, run_entry  # noqa: E402

CUDA_EXTRA = r"""
#include <stdlib.h>
#include <string>
enum { cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2, cudaErrorInitializationError = 3,
       cudaErrorLaunchFailure = 719, cudaErrorNotSupported = 801, cudaErrorUnknown = 999 };
static std::string pike_emu_trace_s;
extern "C" const char *pike_emu_trace() { return pike_emu_trace_s.c_str(); }
extern "C" void pike_emu_reset() { pike_emu_trace_s.clear(); }
template <class T> static inline cudaError_t cudaMalloc(T **p, size_t n) { *p = (T *)calloc(1, n ? n : 1); return *p ? cudaSuccess : cudaErrorMemoryAllocation; }
static inline cudaError_t cudaFree(void *p) { free(p); return cudaSuccess; }
static inline cudaError_t cudaMemset(void *p, int v, size_t n) { memset(p, v, n); return cudaSuccess; }
static inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
typedef struct PikeEmuEvent { int unused; } *cudaEvent_t;
static inline cudaError_t cudaEventCreate(cudaEvent_t *e) { *e = new PikeEmuEvent(); return cudaSuccess; }
static inline cudaError_t cudaEventRecord(cudaEvent_t, cudaStream_t) { return cudaSuccess; }
static inline cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
static inline cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t, cudaEvent_t) { *ms = 1.0f; return cudaSuccess; }
static inline cudaError_t cudaEventDestroy(cudaEvent_t e) { delete e; return cudaSuccess; }
struct uint2 { unsigned x, y; };
"""

CUDNN_SHIM = r"""
#pragma once
#include <cuda_runtime.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <map>
#include <string>
#include <vector>
typedef enum { CUDNN_STATUS_SUCCESS = 0, CUDNN_STATUS_BAD_PARAM = 3, CUDNN_STATUS_NOT_SUPPORTED = 9 } cudnnStatus_t;
typedef enum { CUDNN_DATA_FLOAT = 0, CUDNN_DATA_HALF = 2, CUDNN_DATA_BFLOAT16 = 9 } cudnnDataType_t;
typedef enum { CUDNN_CONVOLUTION = 0, CUDNN_CROSS_CORRELATION = 1 } cudnnConvolutionMode_t;
typedef enum { CUDNN_TENSOR_NCHW = 0, CUDNN_TENSOR_NHWC = 1 } cudnnTensorFormat_t;
typedef enum { CUDNN_DEFAULT_MATH = 0, CUDNN_TENSOR_OP_MATH = 1, CUDNN_FMA_MATH = 3 } cudnnMathType_t;
typedef enum { CUDNN_ACTIVATION_RELU = 1, CUDNN_ACTIVATION_IDENTITY = 5 } cudnnActivationMode_t;
typedef enum { CUDNN_NOT_PROPAGATE_NAN = 0 } cudnnNanPropagation_t;
typedef enum { CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM = 1,
               CUDNN_CONVOLUTION_FWD_ALGO_COUNT = 8 } cudnnConvolutionFwdAlgo_t;
typedef enum { CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0 } cudnnConvolutionBwdDataAlgo_t;
typedef struct { cudnnConvolutionFwdAlgo_t algo; cudnnStatus_t status; float time; size_t memory; int determinism; cudnnMathType_t mathType; } cudnnConvolutionFwdAlgoPerf_t;
struct PikeEmu4d { int64_t d[4], s[4]; };
struct PikeEmuConv { int64_t pad[2], str[2], dil[2]; int groups; };
struct PikeEmuAct { int mode; };
typedef struct PikeEmuHandle { int unused; } *cudnnHandle_t;
typedef PikeEmu4d *cudnnTensorDescriptor_t;
typedef PikeEmu4d *cudnnFilterDescriptor_t;
typedef PikeEmuConv *cudnnConvolutionDescriptor_t;
typedef PikeEmuAct *cudnnActivationDescriptor_t;

// --- the computations --------------------------------------------------------
static inline int64_t pike_emu_at(const PikeEmu4d &t, int64_t n, int64_t c, int64_t h, int64_t w) {
  return n * t.s[0] + c * t.s[1] + h * t.s[2] + w * t.s[3];
}
// y = conv(x, w) (cross-correlation, groups from the channel counts).
static void pike_emu_conv(const float *x, const PikeEmu4d &xt, const float *w, const PikeEmu4d &wt, float *y,
                          const PikeEmu4d &yt, const int64_t *pad, const int64_t *str, const int64_t *dil) {
  int64_t G = xt.d[1] / wt.d[1], cog = yt.d[1] / G;
  for (int64_t n = 0; n < yt.d[0]; ++n) for (int64_t k = 0; k < yt.d[1]; ++k)
    for (int64_t p = 0; p < yt.d[2]; ++p) for (int64_t q = 0; q < yt.d[3]; ++q) {
      double acc = 0;
      int64_t g = k / cog;
      for (int64_t c = 0; c < wt.d[1]; ++c) for (int64_t r = 0; r < wt.d[2]; ++r) for (int64_t s = 0; s < wt.d[3]; ++s) {
        int64_t h = p * str[0] - pad[0] + r * dil[0], ww = q * str[1] - pad[1] + s * dil[1];
        if (h < 0 || h >= xt.d[2] || ww < 0 || ww >= xt.d[3]) continue;
        acc += (double)x[pike_emu_at(xt, n, g * wt.d[1] + c, h, ww)] * w[pike_emu_at(wt, k, c, r, s)];
      }
      y[pike_emu_at(yt, n, k, p, q)] = (float)acc;
    }
}
static inline PikeEmu4d pike_emu_packed(int fmt, int64_t n, int64_t c, int64_t h, int64_t w) {
  PikeEmu4d t = {{n, c, h, w}, {c * h * w, h * w, w, 1}};
  if (fmt == CUDNN_TENSOR_NHWC) { t.s[0] = h * w * c; t.s[1] = 1; t.s[2] = w * c; t.s[3] = c; }
  return t;
}

// --- the descriptor (legacy) API ------------------------------------------------
static inline cudnnStatus_t cudnnCreate(cudnnHandle_t *h) { *h = new PikeEmuHandle(); return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnSetStream(cudnnHandle_t, cudaStream_t) { return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnCreateTensorDescriptor(PikeEmu4d **d) { *d = new PikeEmu4d(); return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnCreateFilterDescriptor(PikeEmu4d **d) { *d = new PikeEmu4d(); return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnCreateConvolutionDescriptor(PikeEmuConv **d) { *d = new PikeEmuConv(); (*d)->groups = 1; return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnCreateActivationDescriptor(PikeEmuAct **d) { *d = new PikeEmuAct(); return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnSetTensor4dDescriptor(PikeEmu4d *d, cudnnTensorFormat_t f, cudnnDataType_t, int n, int c, int h, int w) { *d = pike_emu_packed(f, n, c, h, w); return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnSetFilter4dDescriptor(PikeEmu4d *d, cudnnDataType_t, cudnnTensorFormat_t f, int k, int c, int h, int w) { *d = pike_emu_packed(f, k, c, h, w); return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnSetConvolution2dDescriptor(PikeEmuConv *d, int ph, int pw, int sh, int sw, int dh, int dw, cudnnConvolutionMode_t, cudnnDataType_t) {
  d->pad[0] = ph; d->pad[1] = pw; d->str[0] = sh; d->str[1] = sw; d->dil[0] = dh; d->dil[1] = dw; return CUDNN_STATUS_SUCCESS;
}
static inline cudnnStatus_t cudnnSetConvolutionGroupCount(PikeEmuConv *d, int g) { d->groups = g; return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnSetConvolutionMathType(PikeEmuConv *, cudnnMathType_t) { return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnSetActivationDescriptor(PikeEmuAct *d, cudnnActivationMode_t m, cudnnNanPropagation_t, double) { d->mode = m; return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t pike_emu_one_algo(int *found, cudnnConvolutionFwdAlgoPerf_t *perf) {
  perf[0].algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM; perf[0].status = CUDNN_STATUS_SUCCESS; perf[0].time = 1;
  perf[0].memory = 0; perf[0].determinism = 1; perf[0].mathType = CUDNN_FMA_MATH; *found = 1; return CUDNN_STATUS_SUCCESS;
}
static inline cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(cudnnHandle_t, PikeEmu4d *, PikeEmu4d *, PikeEmuConv *, PikeEmu4d *, int, int *found, cudnnConvolutionFwdAlgoPerf_t *perf) { return pike_emu_one_algo(found, perf); }
static inline cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t, PikeEmu4d *, PikeEmu4d *, PikeEmuConv *, PikeEmu4d *, int, int *found, cudnnConvolutionFwdAlgoPerf_t *perf) { return pike_emu_one_algo(found, perf); }
static inline cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t, PikeEmu4d *, PikeEmu4d *, PikeEmuConv *, PikeEmu4d *, cudnnConvolutionFwdAlgo_t, size_t *b) { *b = 0; return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t, const void *alpha, PikeEmu4d *xd, const void *x, PikeEmu4d *wd, const void *w, PikeEmuConv *cd, cudnnConvolutionFwdAlgo_t, void *, size_t, const void *, PikeEmu4d *yd, void *y) {
  pike_emu_conv((const float *)x, *xd, (const float *)w, *wd, (float *)y, *yd, cd->pad, cd->str, cd->dil);
  pike_emu_trace_s += "forward";
  return CUDNN_STATUS_SUCCESS;
}
// y = act(conv(x) + alpha2 * z + bias)
static inline cudnnStatus_t cudnnConvolutionBiasActivationForward(cudnnHandle_t, const void *, PikeEmu4d *xd, const void *x, PikeEmu4d *wd, const void *w, PikeEmuConv *cd, cudnnConvolutionFwdAlgo_t, void *, size_t, const void *alpha2, PikeEmu4d *zd, const void *z, PikeEmu4d *, const void *bias, PikeEmuAct *act, PikeEmu4d *yd, void *y) {
  const PikeEmu4d &t = *yd;
  std::vector<float> c(t.d[0] * t.d[1] * t.d[2] * t.d[3] * 4 + 16);
  pike_emu_conv((const float *)x, *xd, (const float *)w, *wd, c.data(), t, cd->pad, cd->str, cd->dil);
  float a2 = *(const float *)alpha2;
  for (int64_t n = 0; n < t.d[0]; ++n) for (int64_t k = 0; k < t.d[1]; ++k) for (int64_t p = 0; p < t.d[2]; ++p) for (int64_t q = 0; q < t.d[3]; ++q) {
    int64_t i = pike_emu_at(t, n, k, p, q);
    float v = c[i] + ((const float *)bias)[k] + (a2 != 0 ? a2 * ((const float *)z)[pike_emu_at(*zd, n, k, p, q)] : 0.0f);
    ((float *)y)[i] = act->mode == CUDNN_ACTIVATION_RELU ? (v > 0 ? v : 0) : v;
  }
  pike_emu_trace_s += std::string("legacy[") + (act->mode == CUDNN_ACTIVATION_RELU ? "relu" : "identity") + (a2 != 0 ? ",z" : "") + "]";
  return CUDNN_STATUS_SUCCESS;
}

// --- the backend (graph) API ------------------------------------------------------
typedef enum { CUDNN_TYPE_HANDLE = 0, CUDNN_TYPE_DATA_TYPE, CUDNN_TYPE_BOOLEAN, CUDNN_TYPE_INT64, CUDNN_TYPE_FLOAT,
               CUDNN_TYPE_DOUBLE, CUDNN_TYPE_VOID_PTR, CUDNN_TYPE_CONVOLUTION_MODE, CUDNN_TYPE_HEUR_MODE,
               CUDNN_TYPE_POINTWISE_MODE, CUDNN_TYPE_BACKEND_DESCRIPTOR, CUDNN_TYPE_NUMERICAL_NOTE } cudnnBackendAttributeType_t;
typedef enum { CUDNN_BACKEND_POINTWISE_DESCRIPTOR = 0, CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR, CUDNN_BACKEND_ENGINE_DESCRIPTOR,
               CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR, CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR,
               CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR, CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR,
               CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR, CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, CUDNN_BACKEND_TENSOR_DESCRIPTOR } cudnnBackendDescriptorType_t;
typedef enum {
  CUDNN_ATTR_POINTWISE_MODE, CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_ATTR_POINTWISE_RELU_LOWER_CLIP, CUDNN_ATTR_POINTWISE_RELU_UPPER_CLIP,
  CUDNN_ATTR_POINTWISE_RELU_LOWER_CLIP_SLOPE, CUDNN_ATTR_POINTWISE_SWISH_BETA,
  CUDNN_ATTR_CONVOLUTION_COMP_TYPE, CUDNN_ATTR_CONVOLUTION_CONV_MODE, CUDNN_ATTR_CONVOLUTION_DILATIONS, CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES,
  CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS,
  CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_ATTR_ENGINECFG_ENGINE,
  CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE,
  CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC,
  CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y,
  CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_ATTR_OPERATION_POINTWISE_BDESC, CUDNN_ATTR_OPERATION_POINTWISE_YDESC,
  CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_ATTR_TENSOR_DATA_TYPE,
  CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_ATTR_TENSOR_STRIDES, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_ATTR_TENSOR_IS_VIRTUAL,
  CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_ATTR_VARIANT_PACK_WORKSPACE,
  CUDNN_ATTR_ENGINE_NUMERICAL_NOTE, PIKE_EMU_ATTR_GRAPH
} cudnnBackendAttributeName_t;
typedef enum { CUDNN_HEUR_MODE_INSTANT = 0, CUDNN_HEUR_MODE_B = 1, CUDNN_HEUR_MODE_FALLBACK = 2, CUDNN_HEUR_MODE_A = 3 } cudnnBackendHeurMode_t;
typedef enum { CUDNN_NUMERICAL_NOTE_TENSOR_CORE = 0, CUDNN_NUMERICAL_NOTE_TYPE_COUNT = 8 } cudnnBackendNumericalNote_t;
typedef enum { CUDNN_POINTWISE_ADD = 0, CUDNN_POINTWISE_RELU_FWD = 100, CUDNN_POINTWISE_TANH_FWD = 101, CUDNN_POINTWISE_SIGMOID_FWD = 102,
               CUDNN_POINTWISE_GELU_FWD = 104, CUDNN_POINTWISE_SWISH_FWD = 106, CUDNN_POINTWISE_GELU_APPROX_TANH_FWD = 107,
               CUDNN_POINTWISE_IDENTITY = 21 } cudnnPointwiseMode_t;
struct PikeEmuDesc {
  int type;
  bool finalized = false;
  std::map<int, std::vector<char>> attrs;
};
typedef PikeEmuDesc *cudnnBackendDescriptor_t;
static inline cudnnStatus_t cudnnBackendCreateDescriptor(cudnnBackendDescriptorType_t t, cudnnBackendDescriptor_t *d) { *d = new PikeEmuDesc(); (*d)->type = t; return CUDNN_STATUS_SUCCESS; }
static inline cudnnStatus_t cudnnBackendDestroyDescriptor(cudnnBackendDescriptor_t d) { delete d; return CUDNN_STATUS_SUCCESS; }
static inline size_t pike_emu_size(cudnnBackendAttributeType_t t) {
  switch (t) {
  case CUDNN_TYPE_BOOLEAN: return sizeof(bool);
  case CUDNN_TYPE_FLOAT: return sizeof(float);
  case CUDNN_TYPE_INT64: case CUDNN_TYPE_DOUBLE: return 8;
  case CUDNN_TYPE_HANDLE: case CUDNN_TYPE_VOID_PTR: case CUDNN_TYPE_BACKEND_DESCRIPTOR: return sizeof(void *);
  default: return sizeof(int); // enums
  }
}
static inline cudnnStatus_t cudnnBackendSetAttribute(cudnnBackendDescriptor_t d, cudnnBackendAttributeName_t n, cudnnBackendAttributeType_t t, int64_t count, const void *v) {
  if (d->finalized) return CUDNN_STATUS_BAD_PARAM;
  const char *p = (const char *)v;
  d->attrs[n] = std::vector<char>(p, p + count * pike_emu_size(t));
  return CUDNN_STATUS_SUCCESS;
}
template <class T> static inline const T *pike_emu_get(cudnnBackendDescriptor_t d, int n, int64_t *count = nullptr) {
  auto it = d->attrs.find(n);
  if (it == d->attrs.end()) { if (count) *count = 0; return nullptr; }
  if (count) *count = (int64_t)(it->second.size() / sizeof(T));
  return (const T *)it->second.data();
}
// The ops of the graph a configuration / engine / plan runs.
static inline cudnnBackendDescriptor_t pike_emu_graph(cudnnBackendDescriptor_t d) { return *pike_emu_get<cudnnBackendDescriptor_t>(d, PIKE_EMU_ATTR_GRAPH); }
static inline bool pike_emu_fused(cudnnBackendDescriptor_t graph) { int64_t n = 0; pike_emu_get<cudnnBackendDescriptor_t>(graph, CUDNN_ATTR_OPERATIONGRAPH_OPS, &n); return n > 1; }
static inline cudnnStatus_t cudnnBackendFinalize(cudnnBackendDescriptor_t d) {
  if (d->type == CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR && pike_emu_fused(d) && getenv("PIKE_EMU_NO_FUSION"))
    return CUDNN_STATUS_NOT_SUPPORTED;
  if (d->type == CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR) {
    cudnnBackendDescriptor_t cfg = *pike_emu_get<cudnnBackendDescriptor_t>(d, CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG);
    cudnnBackendDescriptor_t g = pike_emu_graph(cfg);
    cudnnBackendSetAttribute(d, PIKE_EMU_ATTR_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &g);
  }
  d->finalized = true;
  return CUDNN_STATUS_SUCCESS;
}
static inline cudnnStatus_t cudnnBackendGetAttribute(cudnnBackendDescriptor_t d, cudnnBackendAttributeName_t n, cudnnBackendAttributeType_t, int64_t requested, int64_t *count, void *out) {
  if (n == CUDNN_ATTR_ENGINEHEUR_RESULTS) { // one configuration per heuristic mode
    *count = 1;
    if (requested > 0) {
      cudnnBackendDescriptor_t g = *pike_emu_get<cudnnBackendDescriptor_t>(d, CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH);
      cudnnBackendSetAttribute(((cudnnBackendDescriptor_t *)out)[0], PIKE_EMU_ATTR_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &g);
    }
    return CUDNN_STATUS_SUCCESS;
  }
  if (n == CUDNN_ATTR_ENGINECFG_ENGINE) {
    cudnnBackendDescriptor_t g = pike_emu_graph(d);
    cudnnBackendSetAttribute(*(cudnnBackendDescriptor_t *)out, PIKE_EMU_ATTR_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &g);
    *count = 1;
    return CUDNN_STATUS_SUCCESS;
  }
  if (n == CUDNN_ATTR_ENGINE_NUMERICAL_NOTE) { // runtime fusion engines use tensor cores
    *count = pike_emu_fused(pike_emu_graph(d)) ? 1 : 0;
    if (*count && requested > 0) ((cudnnBackendNumericalNote_t *)out)[0] = CUDNN_NUMERICAL_NOTE_TENSOR_CORE;
    return CUDNN_STATUS_SUCCESS;
  }
  if (n == CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE) { *(int64_t *)out = 64; *count = 1; return CUDNN_STATUS_SUCCESS; }
  return CUDNN_STATUS_NOT_SUPPORTED;
}
static inline PikeEmu4d pike_emu_tensor(cudnnBackendDescriptor_t t) {
  PikeEmu4d r;
  for (int i = 0; i < 4; ++i) { r.d[i] = pike_emu_get<int64_t>(t, CUDNN_ATTR_TENSOR_DIMENSIONS)[i]; r.s[i] = pike_emu_get<int64_t>(t, CUDNN_ATTR_TENSOR_STRIDES)[i]; }
  return r;
}
static inline cudnnStatus_t cudnnBackendExecute(cudnnHandle_t, cudnnBackendDescriptor_t plan, cudnnBackendDescriptor_t vp) {
  int64_t nu = 0, nops = 0;
  const int64_t *uids = pike_emu_get<int64_t>(vp, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, &nu);
  void *const *ptrs = pike_emu_get<void *>(vp, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS);
  const cudnnBackendDescriptor_t *ops = pike_emu_get<cudnnBackendDescriptor_t>(pike_emu_graph(plan), CUDNN_ATTR_OPERATIONGRAPH_OPS, &nops);
  std::map<int64_t, std::vector<float>> virt, widened;
  bool missing = false;
  auto data = [&](cudnnBackendDescriptor_t t) -> float * {
    int64_t uid = *pike_emu_get<int64_t>(t, CUDNN_ATTR_TENSOR_UNIQUE_ID);
    if (*pike_emu_get<bool>(t, CUDNN_ATTR_TENSOR_IS_VIRTUAL)) {
      PikeEmu4d s = pike_emu_tensor(t);
      std::vector<float> &v = virt[uid];
      if (v.empty()) v.resize(s.d[0] * s.d[1] * s.d[2] * s.d[3]);
      return v.data();
    }
    for (int64_t i = 0; i < nu; ++i) if (uids[i] == uid) {
      // A bf16 tensor (an input here): its values widened to fp32, as the
      // engines read them; the packed size (dense strides) is the element count.
      if (*pike_emu_get<int>(t, CUDNN_ATTR_TENSOR_DATA_TYPE) == CUDNN_DATA_BFLOAT16) {
        PikeEmu4d s = pike_emu_tensor(t);
        std::vector<float> &v = widened[uid];
        v.resize(s.d[0] * s.d[1] * s.d[2] * s.d[3]);
        for (size_t e = 0; e < v.size(); ++e) {
          uint32_t bits = (uint32_t)((const uint16_t *)ptrs[i])[e] << 16;
          memcpy(&v[e], &bits, 4);
        }
        pike_emu_trace_s += "bf16:" + std::string(1, (char)uid) + " ";
        return v.data();
      }
      if (*pike_emu_get<int>(t, CUDNN_ATTR_TENSOR_DATA_TYPE) != CUDNN_DATA_FLOAT) { missing = true; return nullptr; }
      return (float *)ptrs[i];
    }
    missing = true;
    return nullptr;
  };
  std::string names;
  for (int64_t o = 0; o < nops; ++o) {
    cudnnBackendDescriptor_t op = ops[o];
    if (op->type == CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR) {
      cudnnBackendDescriptor_t xt = *pike_emu_get<cudnnBackendDescriptor_t>(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X);
      cudnnBackendDescriptor_t wt = *pike_emu_get<cudnnBackendDescriptor_t>(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W);
      cudnnBackendDescriptor_t yt = *pike_emu_get<cudnnBackendDescriptor_t>(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y);
      cudnnBackendDescriptor_t c = *pike_emu_get<cudnnBackendDescriptor_t>(op, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC);
      float *x = data(xt), *w = data(wt), *y = data(yt);
      if (missing) return CUDNN_STATUS_BAD_PARAM;
      pike_emu_conv(x, pike_emu_tensor(xt), w, pike_emu_tensor(wt), y, pike_emu_tensor(yt),
                    pike_emu_get<int64_t>(c, CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS), pike_emu_get<int64_t>(c, CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES),
                    pike_emu_get<int64_t>(c, CUDNN_ATTR_CONVOLUTION_DILATIONS));
      names += std::string(names.empty() ? "" : ",") + "conv";
      continue;
    }
    cudnnBackendDescriptor_t pw = *pike_emu_get<cudnnBackendDescriptor_t>(op, CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR);
    int mode = *pike_emu_get<int>(pw, CUDNN_ATTR_POINTWISE_MODE);
    cudnnBackendDescriptor_t xt = *pike_emu_get<cudnnBackendDescriptor_t>(op, CUDNN_ATTR_OPERATION_POINTWISE_XDESC);
    cudnnBackendDescriptor_t yt = *pike_emu_get<cudnnBackendDescriptor_t>(op, CUDNN_ATTR_OPERATION_POINTWISE_YDESC);
    const cudnnBackendDescriptor_t *bt = pike_emu_get<cudnnBackendDescriptor_t>(op, CUDNN_ATTR_OPERATION_POINTWISE_BDESC);
    float *x = data(xt), *y = data(yt), *b = bt ? data(*bt) : nullptr;
    if (missing) return CUDNN_STATUS_BAD_PARAM;
    PikeEmu4d X = pike_emu_tensor(xt), Y = pike_emu_tensor(yt), B = bt ? pike_emu_tensor(*bt) : X;
    for (int64_t n = 0; n < Y.d[0]; ++n) for (int64_t c = 0; c < Y.d[1]; ++c) for (int64_t h = 0; h < Y.d[2]; ++h) for (int64_t w = 0; w < Y.d[3]; ++w) {
      float v = x[pike_emu_at(X, n, c, h, w)], r = v;
      if (mode == CUDNN_POINTWISE_ADD) // b broadcast over its size-1 dims
        r = v + b[pike_emu_at(B, B.d[0] > 1 ? n : 0, B.d[1] > 1 ? c : 0, B.d[2] > 1 ? h : 0, B.d[3] > 1 ? w : 0)];
      else if (mode == CUDNN_POINTWISE_RELU_FWD) {
        double lo = *pike_emu_get<double>(pw, CUDNN_ATTR_POINTWISE_RELU_LOWER_CLIP), hi = *pike_emu_get<double>(pw, CUDNN_ATTR_POINTWISE_RELU_UPPER_CLIP);
        r = v <= lo ? (float)lo : (v > hi ? (float)hi : v);
      } else if (mode == CUDNN_POINTWISE_SWISH_FWD)
        r = v / (1.0f + expf(-(float)*pike_emu_get<double>(pw, CUDNN_ATTR_POINTWISE_SWISH_BETA) * v));
      else if (mode == CUDNN_POINTWISE_SIGMOID_FWD) r = 1.0f / (1.0f + expf(-v));
      else if (mode == CUDNN_POINTWISE_TANH_FWD) r = tanhf(v);
      else if (mode == CUDNN_POINTWISE_GELU_FWD) r = 0.5f * v * (1.0f + erff(v * 0.70710678f));
      else if (mode == CUDNN_POINTWISE_IDENTITY) r = v;
      else return CUDNN_STATUS_NOT_SUPPORTED;
      y[pike_emu_at(Y, n, c, h, w)] = r;
    }
    const char *name = mode == CUDNN_POINTWISE_ADD ? "add" : mode == CUDNN_POINTWISE_RELU_FWD ? "relu" : mode == CUDNN_POINTWISE_SWISH_FWD ? "swish" : mode == CUDNN_POINTWISE_IDENTITY ? "identity" : "act";
    names += std::string(",") + name;
  }
  pike_emu_trace_s += "graph[" + names + "]";
  return CUDNN_STATUS_SUCCESS;
}
"""

LAUNCH = re.compile(r"(\w+)<<<([^,]+), ([^,]+), [^>]*>>>\((.*)\);")

# cuda_bf16.h on the CPU: the type and the round-to-nearest-even conversions
# the "/half" launchers call.
BF16_SHIM = r"""
#pragma once
#include <stdint.h>
#include <string.h>
struct __nv_bfloat16 { uint16_t x; };
struct __nv_bfloat162 { __nv_bfloat16 x, y; };
static inline __nv_bfloat16 __float2bfloat16_rn(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return {(uint16_t)((u >> 16) | 0x40)}; // NaN stays NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return {(uint16_t)(u >> 16)};
}
static inline __nv_bfloat162 __floats2bfloat162_rn(float a, float b) { return {__float2bfloat16_rn(a), __float2bfloat16_rn(b)}; }
"""


def emulated_source(src):
    """The launcher with its epilogue kernel launch run on the CPU (and traced)."""
    def repl(m):
        what = "to_half " if m.group(1) == "pike_to_half" else "+kernel"
        return ('{ pike_emu_trace_s += "%s"; pike_emu_launch(dim3(%s), dim3(%s), [&] { %s(%s); }); }'
                % (what, m.group(2), m.group(3), m.group(1), m.group(4)))
    return LAUNCH.sub(repl, src)


def main():
    bad = 0
    shim_dir = tempfile.mkdtemp(prefix="pike-cudnn-emu-")
    with open(os.path.join(shim_dir, "cuda_runtime.h"), "w") as f:
        f.write(CUDA_SHIM + CUDA_EXTRA)
    with open(os.path.join(shim_dir, "cudnn.h"), "w") as f:
        f.write(CUDNN_SHIM)
    with open(os.path.join(shim_dir, "cuda_bf16.h"), "w") as f:
        f.write(BF16_SHIM)
    gen = torch.Generator().manual_seed(0)
    for b in sys.argv[1:]:
        bundle = os.path.basename(os.path.normpath(b))
        for src in sorted(glob.glob(os.path.join(b, "cu", "*.cu"))):
            slot = os.path.basename(src)[:-3]
            tag = bundle + "/" + slot
            so, errors = build_library(emulated_source(open(src).read()),
                                       os.path.join(shim_dir, bundle + "-" + slot + ".cpp"), ["-w"])
            if errors:
                print("BUILD-FAIL " + tag + "\n" + errors)
                bad += 1
                continue
            sig = json.load(open(os.path.join(b, "host", slot + ".json")))["signature"]
            ins = [in_layout(make_input(s, gen), s) for s in sig["inputs"]]
            ref = torch.jit.load(os.path.join(b, "ref", slot + ".pt"))
            if "-bf16" in bundle:
                # "/half" bundles: the convolution reads x and w (the slot's
                # first two inputs) rounded to bf16; the reference gets them so.
                ins_ref = [t.to(torch.bfloat16).to(t.dtype) if i < 2 else t for i, t in enumerate(ins)]
            else:
                ins_ref = ins
            with torch.no_grad():
                want = ref(*ins_ref)
            want = [want] if isinstance(want, torch.Tensor) else list(want)
            for mode in ("fusion", "nofusion"):
                # A fresh copy per emulated cuDNN: the slot's state is a static.
                lib_path = so[:-3] + "-" + mode + ".so"
                shutil.copy(so, lib_path)
                if mode == "nofusion":
                    os.environ["PIKE_EMU_NO_FUSION"] = "1"
                else:
                    os.environ.pop("PIKE_EMU_NO_FUSION", None)
                lib = ctypes.CDLL(lib_path)
                fn = getattr(lib, "pike_" + slot)
                fn.restype = ctypes.c_int
                lib.pike_emu_trace.restype = ctypes.c_char_p
                for path, offset in (("aligned", 0), ("offset", 1)):
                    rc, _ = run_entry(fn, sig, ins, offset)  # sets the slot up
                    lib.pike_emu_reset()
                    if rc == 0:
                        rc, outs = run_entry(fn, sig, ins, offset)
                    trace = lib.pike_emu_trace().decode()
                    ok = rc == 0 and all(torch.allclose(g, w.to(g.dtype), rtol=1e-4, atol=1e-4, equal_nan=True)
                                         for g, w in zip(outs, want))
                    # "/only" and "/half" (no fallback) fail where the fused graph does not run.
                    expected_fail = rc != 0 and (bundle.endswith("-only") or "-bf16" in bundle)
                    print(("OK " if ok else "FAILS " if expected_fail else "MISMATCH ") + tag + " " + mode + " " +
                          path + " " + (trace if rc == 0 else "rc=%d" % rc))
                    bad += 0 if ok or expected_fail else 1
    print("mismatches: %d" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
