#!/usr/bin/env python3
"""CPU emulation of generated elementwise launchers: runs the CUDA kernel code
itself, vector paths included, which the host references (always scalar) cannot,
and the cooperative kernels (row reductions, scans, tiled einsum/GEMM) whose
warp shuffles, shared memory and barriers the host references replace by loops.

usage: emulate_check.py BUNDLE_DIR [BUNDLE_DIR ...]

Each bundle holds cu/<slot>.cu (pike-generate-kernels dump-dir), host/<slot>.json
(host-ref-dir: signature) and ref/<slot>.pt (pike-emit-torchscript reference-dir),
as for gpu_check.py. Every launcher is compiled with g++ against a shim of the
few CUDA constructs the generated kernels use; each
`kernel<<<grid, block, smem, stream>>>(args)` becomes a loop running every
thread of the grid one after the other. A kernel that uses shared memory,
`__syncthreads`, `__syncwarp` or warp shuffles runs cooperatively instead: one
host thread per CUDA thread of a block, the blocks one after the other;
`__syncthreads` is a barrier of the block's threads (a thread that returned no
longer counts, as on the GPU), a shuffle a barrier of the warp's threads around
an exchange slot per lane, `__shared__` arrays are statics (one block runs at a
time) and `extern __shared__` memory is a buffer of the launch's size. Tensor
core code (wmma, mma.sync PTX) fails to compile here, loudly. The C ABI entry is called twice with
random inputs: on 16-byte aligned tensors (vector path) and on tensors one
element past an aligned base (the kernel's scalar fallback), and both results
are compared with the slot's TorchScript reference. Prints one line per slot and
path; exits 1 on any mismatch.
"""
import ctypes
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_host_ref import DTYPES, in_layout, make_input  # noqa: E402
from gpu_check import DT, TensorRef, ref_of  # noqa: E402

CUDA_SHIM = r"""
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <algorithm>
typedef void *cudaStream_t;
typedef int cudaError_t;
enum { cudaSuccess = 0 };
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };
struct dim3 { unsigned x, y, z; dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {} };
struct uint3 { unsigned x, y, z; };
static dim3 gridDim, blockDim;
static thread_local uint3 blockIdx, threadIdx;
static inline cudaError_t cudaGetLastError() { return cudaSuccess; }
template <class F> static inline cudaError_t cudaFuncSetAttribute(F, cudaFuncAttribute, int) { return cudaSuccess; }
#ifndef PIKE_EMU_COOPERATIVE
template <class F> static void pike_emu_launch(dim3 g, dim3 b, size_t, F run) {
  gridDim = g; blockDim = b;
  for (unsigned bz = 0; bz < g.z; ++bz) for (unsigned by = 0; by < g.y; ++by) for (unsigned bx = 0; bx < g.x; ++bx)
    for (unsigned tz = 0; tz < b.z; ++tz) for (unsigned ty = 0; ty < b.y; ++ty) for (unsigned tx = 0; tx < b.x; ++tx) {
      blockIdx = {bx, by, bz}; threadIdx = {tx, ty, tz}; run();
    }
}
#else
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
// A barrier whose party count shrinks when a thread leaves (returns from the
// kernel): on the GPU exited threads no longer take part in __syncthreads.
struct PikeEmuBarrier {
  std::mutex m;
  std::condition_variable cv;
  int parties = 0, arrived = 0;
  unsigned long gen = 0;
  void release() { arrived = 0; ++gen; cv.notify_all(); }
  void wait() {
    std::unique_lock<std::mutex> l(m);
    unsigned long g = gen;
    if (++arrived >= parties) release();
    else cv.wait(l, [&] { return gen != g; });
  }
  void leave() {
    std::unique_lock<std::mutex> l(m);
    --parties;
    if (parties > 0 && arrived >= parties) release();
  }
};
static PikeEmuBarrier pike_emu_block, pike_emu_done, pike_emu_warps[32];
static unsigned long long pike_emu_xchg[1024];
static thread_local int pike_emu_tid;
alignas(256) static unsigned char pike_emu_dyn_smem[256 * 1024];
static void pike_emu_arm(unsigned n) {
  pike_emu_block.parties = (int)n;
  for (unsigned w = 0; w * 32 < n; ++w) pike_emu_warps[w].parties = (int)std::min(32u, n - w * 32);
}
template <class F> static void pike_emu_launch(dim3 g, dim3 b, size_t smem, F run) {
  gridDim = g; blockDim = b;
  const unsigned n = b.x * b.y * b.z;
  if (n > 1024 || smem > sizeof(pike_emu_dyn_smem)) { fprintf(stderr, "emulator: launch too large\n"); abort(); }
  pike_emu_arm(n);
  pike_emu_done.parties = (int)n;
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < n; ++t)
    threads.emplace_back([&, t] {
      pike_emu_tid = (int)t;
      threadIdx = {t % b.x, t / b.x % b.y, t / (b.x * b.y)};
      for (unsigned bz = 0; bz < g.z; ++bz) for (unsigned by = 0; by < g.y; ++by) for (unsigned bx = 0; bx < g.x; ++bx) {
        blockIdx = {bx, by, bz};
        run();
        pike_emu_block.leave();
        pike_emu_warps[t / 32].leave();
        // Every thread of the block is done before the next block starts: the
        // last one re-arms the block and warp barriers.
        {
          std::unique_lock<std::mutex> l(pike_emu_done.m);
          unsigned long gen = pike_emu_done.gen;
          if (++pike_emu_done.arrived >= pike_emu_done.parties) { pike_emu_arm(n); pike_emu_done.release(); }
          else pike_emu_done.cv.wait(l, [&] { return pike_emu_done.gen != gen; });
        }
      }
    });
  for (auto &th : threads) th.join();
}
static inline void __syncthreads() { pike_emu_block.wait(); }
static inline void __syncwarp(unsigned = 0xffffffffu) { pike_emu_warps[pike_emu_tid / 32].wait(); }
// Lane `src` of the caller's warp (the caller's own value when `src` is out of
// the width segment, as CUDA does).
template <class T> static inline T pike_emu_shfl(T v, int src, int width) {
  static_assert(sizeof(T) <= 8, "shuffle of a value wider than 8 bytes");
  const int lane = pike_emu_tid % 32, seg = lane / width * width;
  if (src < seg || src >= seg + width) src = lane;
  PikeEmuBarrier &w = pike_emu_warps[pike_emu_tid / 32];
  memcpy(&pike_emu_xchg[pike_emu_tid], &v, sizeof(T));
  w.wait();
  T r;
  memcpy(&r, &pike_emu_xchg[pike_emu_tid - lane + src], sizeof(T));
  w.wait();
  return r;
}
template <class T> static inline T __shfl_sync(unsigned, T v, int src, int width = 32) {
  return pike_emu_shfl(v, pike_emu_tid % 32 / width * width + src % width, width);
}
template <class T> static inline T __shfl_xor_sync(unsigned, T v, int mask, int width = 32) {
  return pike_emu_shfl(v, (pike_emu_tid % 32) ^ mask, width);
}
template <class T> static inline T __shfl_up_sync(unsigned, T v, unsigned d, int width = 32) {
  return pike_emu_shfl(v, pike_emu_tid % 32 - (int)d, width);
}
template <class T> static inline T __shfl_down_sync(unsigned, T v, unsigned d, int width = 32) {
  return pike_emu_shfl(v, pike_emu_tid % 32 + (int)d, width);
}
#define __shared__ static
#define __align__(n) alignas(n)
#endif
// Without the dynamic shared memory size (cudnn_emulate_check.py's launches).
template <class F> static void pike_emu_launch(dim3 g, dim3 b, F run) { pike_emu_launch(g, b, 0, run); }
struct float2 { float x, y; };
struct float4 { float x, y, z, w; };
static inline float2 make_float2(float a, float b) { return {a, b}; }
static inline float4 make_float4(float a, float b, float c, float d) { return {a, b, c, d}; }
static inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
template <class T> static inline T __ldg(const T *p) { return *p; }
static inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
static inline double rsqrt(double x) { return 1.0 / sqrt(x); }
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __restrict__ __restrict
#define __constant__ static const
"""

LAUNCH = re.compile(r"(\w+)<<<(dim3\([^)]*\)), (dim3\([^)]*\)), ([^,>]*), [^>]*>>>\((.*)\);")
# What makes a kernel cooperative: its threads meet or share memory.
COOPERATIVE = re.compile(r"__syncthreads|__syncwarp|__shfl_\w*sync|__shared__")
DYNAMIC_SMEM = re.compile(r"extern __shared__ (?:__align__\(\d+\) )?(\w+) (\w+)\[\];")


def emulated_source(src):
    """The launcher with each triple-chevron launch turned into pike_emu_launch
    (cooperative when the kernels need it), dynamic shared memory a buffer."""
    def repl(m):
        return "pike_emu_launch(%s, %s, %s, [&] { %s(%s); });" % (m.group(2), m.group(3), m.group(4), m.group(1),
                                                                  m.group(5))
    out, n = LAUNCH.subn(repl, src)
    if n == 0:
        raise SystemExit("no kernel launch found in the launcher")
    out = DYNAMIC_SMEM.sub(lambda m: "%s *%s = reinterpret_cast<%s *>(pike_emu_dyn_smem);" % (
        m.group(1), m.group(2), m.group(1)), out)
    if COOPERATIVE.search(src):
        out = "#define PIKE_EMU_COOPERATIVE 1\n" + out
    return out


def build_library(source, emu, flags):
    """Writes `source` to `emu` (a .cpp in the shim directory, whose headers it
    includes) and builds a shared library beside it: (path, None), or (None, the
    tail of the compiler's errors)."""
    with open(emu, "w") as f:
        f.write(source)
    so = emu[:-4] + ".so"
    r = subprocess.run(["g++", "-O1", "-std=c++17", "-shared", "-fPIC", *flags, "-I" + os.path.dirname(emu), emu,
                        "-o", so], capture_output=True, text=True)
    return (so, None) if r.returncode == 0 else (None, r.stderr[-3000:])


def run_entry(fn, sig, ins, offset):
    """Calls the entry on copies of `ins` (and fresh outputs) that start `offset`
    elements into 64-byte aligned buffers; returns the outputs."""
    keep = []

    def place(t, spec):
        buf = torch.empty(t.numel() + offset + 16, dtype=t.dtype)
        flat = buf[offset:offset + t.numel()]
        if spec.get("layout") == "nhwc":  # channels-last: memory in N, H, W, C order
            n, c, h, w = t.shape
            view = flat.view(n, h, w, c).permute(0, 3, 1, 2)
        else:
            view = flat.view(t.shape)
        view.copy_(t)
        keep.append(buf)
        return view

    dins = [place(t, s) for t, s in zip(ins, sig["inputs"])]
    outs = [place(torch.full(s["shape"], float("nan")).to(DTYPES[s["dtype"]]), s) for s in sig["outputs"]]
    in_refs = (TensorRef * max(1, len(dins)))(*[ref_of(t, DT[s["dtype"]][1]) for t, s in zip(dins, sig["inputs"])])
    out_refs = (TensorRef * max(1, len(outs)))(*[ref_of(t, DT[s["dtype"]][1]) for t, s in zip(outs, sig["outputs"])])
    rc = fn(in_refs, len(dins), out_refs, len(outs), None)
    return rc, [o.clone() for o in outs]


def main():
    bad = 0
    shim_dir = tempfile.mkdtemp(prefix="pike-emu-")
    with open(os.path.join(shim_dir, "cuda_runtime.h"), "w") as f:
        f.write(CUDA_SHIM)
    gen = torch.Generator().manual_seed(0)
    for bi, b in enumerate(sys.argv[1:]):
        for src in sorted(glob.glob(os.path.join(b, "cu", "*.cu"))):
            slot = os.path.basename(src)[:-3]
            tag = os.path.basename(os.path.normpath(b)) + "/" + slot
            # One file per bundle and slot: dlopen returns the library already
            # loaded from a path, so bundles sharing slot names (the same slots
            # under other knobs) would all run the first bundle's code.
            so, errors = build_library(emulated_source(open(src).read()),
                                       os.path.join(shim_dir, "b%d_%s.cpp" % (bi, slot)), ["-pthread"])
            if errors:
                print("BUILD-FAIL " + tag + "\n" + errors)
                bad += 1
                continue
            sig = json.load(open(os.path.join(b, "host", slot + ".json")))["signature"]
            fn = getattr(ctypes.CDLL(so), "pike_" + slot)
            fn.restype = ctypes.c_int
            ins = [in_layout(make_input(s, gen), s) for s in sig["inputs"]]
            ref = torch.jit.load(os.path.join(b, "ref", slot + ".pt"))
            with torch.no_grad():
                want = ref(*ins)
            want = [want] if isinstance(want, torch.Tensor) else list(want)
            for path, offset in (("aligned", 0), ("offset", 1)):
                rc, outs = run_entry(fn, sig, ins, offset)
                ok = rc == 0 and len(outs) == len(want)
                for got, w in zip(outs, want):
                    w = w.to(got.dtype)
                    if got.dtype.is_floating_point:
                        ok &= torch.allclose(got, w, rtol=2e-5, atol=2e-5, equal_nan=True)
                    else:
                        ok &= torch.equal(got, w)
                print(("OK " if ok else "MISMATCH ") + tag + " " + path + ("" if rc == 0 else " rc=%d" % rc))
                bad += 0 if ok else 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
