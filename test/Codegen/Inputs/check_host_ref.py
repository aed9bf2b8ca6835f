#!/usr/bin/env python3
"""Checks the generator's host references (plain C++ built from the same
expression printer as the CUDA kernels) against the slots' TorchScript
references on CPU.

usage: check_host_ref.py HOST_REF_DIR REFERENCE_PT_DIR [--cxx g++] [--seed N]

HOST_REF_DIR holds <slot>.cpp/<slot>.json from `pike-generate-kernels{host-ref-dir=}`;
REFERENCE_PT_DIR holds <slot>.pt from `pike-emit-torchscript{reference-dir=}`.
Prints one line per slot and exits 1 on any mismatch.
"""
import argparse
import ctypes
import glob
import json
import os
import subprocess
import sys

import torch

DTYPES = {"f32": torch.float32, "f64": torch.float64, "i1": torch.bool, "i64": torch.int64,
          "i32": torch.int32, "i8": torch.int8, "ui8": torch.uint8, "i16": torch.int16}


def make_input(spec, gen):
    """Random values; floating inputs the signature's "init" marks "positive"
    (variances, mean squares) in [0.5, 1.5) as the worker fills them, other
    floating inputs wider normal noise, integers both signs."""
    dt = DTYPES[spec["dtype"]]
    shape = spec["shape"]
    init = spec.get("init", "normal")
    if dt == torch.bool:
        return torch.rand(shape, generator=gen) > 0.5
    if dt.is_floating_point:
        if init == "positive":
            return (torch.rand(shape, generator=gen, dtype=torch.float64) + 0.5).to(dt)
        return (torch.randn(shape, generator=gen, dtype=torch.float64) * 2).to(dt)
    return torch.randint(-5, 6, shape, generator=gen).to(dt)


def in_layout(t, spec):
    """`t` stored as the signature says: channels-last for "layout": "nhwc"
    (pike.layout slots), contiguous otherwise."""
    if spec.get("layout") == "nhwc":
        return t.contiguous(memory_format=torch.channels_last)
    return t.contiguous()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host_ref_dir")
    ap.add_argument("reference_dir")
    ap.add_argument("--cxx", default=os.environ.get("CXX", "g++"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rtol", type=float, default=2e-5)
    ap.add_argument("--atol", type=float, default=2e-5)
    args = ap.parse_args()
    metas = sorted(glob.glob(os.path.join(args.host_ref_dir, "*.json")))
    if not metas:
        print("no host references found", file=sys.stderr)
        return 1
    bad = 0
    for meta_path in metas:
        slot = os.path.splitext(os.path.basename(meta_path))[0]
        meta = json.load(open(meta_path))
        if meta.get("symbol") is None:  # a slot without a host reference (its signature only)
            continue
        src = os.path.join(args.host_ref_dir, slot + ".cpp")
        lib = os.path.join(args.host_ref_dir, slot + ".so")
        subprocess.check_call([args.cxx, "-O1", "-std=c++17", "-shared", "-fPIC", "-o", lib, src])
        fn = getattr(ctypes.CDLL(lib), meta["symbol"])
        fn.restype = None
        gen = torch.Generator().manual_seed(args.seed)
        inputs = [in_layout(make_input(s, gen), s) for s in meta["signature"]["inputs"]]
        outputs = [in_layout(torch.empty(s["shape"], dtype=DTYPES[s["dtype"]]), s)
                   for s in meta["signature"]["outputs"]]
        in_ptrs = (ctypes.c_void_p * max(1, len(inputs)))(*[t.data_ptr() for t in inputs])
        out_ptrs = (ctypes.c_void_p * max(1, len(outputs)))(*[t.data_ptr() for t in outputs])
        fn(in_ptrs, out_ptrs)
        ref = torch.jit.load(os.path.join(args.reference_dir, slot + ".pt"))
        with torch.no_grad():
            expect = ref(*inputs)
        if isinstance(expect, torch.Tensor):
            expect = [expect]
        ok = len(expect) == len(outputs)
        worst = 0.0
        for got, want in zip(outputs, expect):
            want = want.to(got.dtype)
            if got.shape != want.shape:
                ok = False
                continue
            if got.dtype.is_floating_point:
                if not torch.allclose(got, want, rtol=args.rtol, atol=args.atol, equal_nan=True):
                    ok = False
                diff = (got - want).abs().nan_to_num(0.0)
                worst = max(worst, float(diff.max()) if diff.numel() else 0.0)
            elif not torch.equal(got, want):
                ok = False
        print(("OK " if ok else "MISMATCH ") + slot + " max_abs_err=%.3g" % worst)
        bad += 0 if ok else 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
