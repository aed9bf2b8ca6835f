#!/usr/bin/env python3
"""CPU emulation of generated elementwise launchers: runs the CUDA kernel code
itself, vector paths included, which the host references (always scalar) cannot.

usage: emulate_check.py BUNDLE_DIR [BUNDLE_DIR ...]

Each bundle holds cu/<slot>.cu (pike-generate-kernels dump-dir), host/<slot>.json
(host-ref-dir: signature) and ref/<slot>.pt (pike-emit-torchscript reference-dir),
as for gpu_check.py. Every launcher is compiled with g++ against a shim of the
few CUDA constructs grid-stride elementwise kernels use (no warp intrinsics:
a kernel needing them fails to compile here, loudly); each
`kernel<<<grid, block, smem, stream>>>(args)` becomes a loop running every
thread of the grid one after the other. A kernel calling __syncthreads (static
shared memory: the axis reductions' slice combine) runs its blocks one after
the other, each block's threads as real threads meeting at a barrier. The C ABI entry is called twice with
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
typedef void *cudaStream_t;
typedef int cudaError_t;
enum { cudaSuccess = 0 };
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };
struct dim3 { unsigned x, y, z; dim3(unsigned a = 1, unsigned b = 1, unsigned c = 1) : x(a), y(b), z(c) {} };
struct uint3 { unsigned x, y, z; };
static dim3 gridDim, blockDim;
static uint3 blockIdx;
static thread_local uint3 threadIdx;
static inline cudaError_t cudaGetLastError() { return cudaSuccess; }
template <class F> static inline cudaError_t cudaFuncSetAttribute(F, cudaFuncAttribute, int) { return cudaSuccess; }
template <class F> static void pike_emu_launch(dim3 g, dim3 b, F run) {
  gridDim = g; blockDim = b;
  for (unsigned bz = 0; bz < g.z; ++bz) for (unsigned by = 0; by < g.y; ++by) for (unsigned bx = 0; bx < g.x; ++bx)
    for (unsigned tz = 0; tz < b.z; ++tz) for (unsigned ty = 0; ty < b.y; ++ty) for (unsigned tx = 0; tx < b.x; ++tx) {
      blockIdx = {bx, by, bz}; threadIdx = {tx, ty, tz}; run();
    }
}
#if PIKE_EMU_THREADS
#include <barrier>
#include <thread>
#include <vector>
#define __shared__ static
static std::barrier<> *pike_emu_barrier;
static inline void __syncthreads() { pike_emu_barrier->arrive_and_wait(); }
template <class F> static void pike_emu_launch_threads(dim3 g, dim3 b, F run) {
  gridDim = g; blockDim = b;
  for (unsigned bz = 0; bz < g.z; ++bz) for (unsigned by = 0; by < g.y; ++by) for (unsigned bx = 0; bx < g.x; ++bx) {
    blockIdx = {bx, by, bz};
    std::barrier<> bar(b.x * b.y * b.z);
    pike_emu_barrier = &bar;
    std::vector<std::thread> threads;
    for (unsigned tz = 0; tz < b.z; ++tz) for (unsigned ty = 0; ty < b.y; ++ty) for (unsigned tx = 0; tx < b.x; ++tx)
      threads.emplace_back([=] { threadIdx = {tx, ty, tz}; run(); });
    for (std::thread &t : threads) t.join();
  }
}
#endif
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

LAUNCH = re.compile(r"(\w+)<<<(dim3\([^)]*\)), (dim3\([^)]*\)), [^>]*>>>\((.*)\);")


def uses_barrier(src):
    return "__syncthreads" in src


def emulated_source(src):
    """The launcher with each triple-chevron launch turned into pike_emu_launch
    (pike_emu_launch_threads for kernels that synchronise their block)."""
    launch = "pike_emu_launch_threads" if uses_barrier(src) else "pike_emu_launch"

    def repl(m):
        return "%s(%s, %s, [&] { %s(%s); });" % (launch, m.group(2), m.group(3), m.group(1), m.group(4))
    out, n = LAUNCH.subn(repl, src)
    if uses_barrier(src):
        out = "#define PIKE_EMU_THREADS 1\n" + out
    if n == 0:
        raise SystemExit("no kernel launch found in the launcher")
    return out


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
    for b in sys.argv[1:]:
        for src in sorted(glob.glob(os.path.join(b, "cu", "*.cu"))):
            slot = os.path.basename(src)[:-3]
            tag = os.path.basename(os.path.normpath(b)) + "/" + slot
            emu = os.path.join(shim_dir, slot + ".cpp")
            with open(emu, "w") as f:
                f.write(emulated_source(open(src).read()))
            so = emu[:-4] + ".so"
            std = "-std=c++20" if uses_barrier(open(src).read()) else "-std=c++17"
            r = subprocess.run(["g++", "-O1", std, "-pthread", "-shared", "-fPIC", "-I" + shim_dir, emu, "-o", so],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print("BUILD-FAIL " + tag + "\n" + r.stderr[-3000:])
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
