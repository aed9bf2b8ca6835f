#!/usr/bin/env python3
"""GPU check of generated slots (run on a CUDA machine with torch and nvcc).

usage: gpu_check.py [--time] [--tol T] BUNDLE_DIR [BUNDLE_DIR ...]

Each bundle holds cu/<slot>.cu (pike-generate-kernels dump-dir), host/<slot>.json
(host-ref-dir: signature) and ref/<slot>.pt (pike-emit-torchscript reference-dir).
Every launcher is built into a shared library, called through the C ABI on the
current stream with random inputs, and compared with the TorchScript reference
run on the CPU. Prints one line per slot; exits 1 on any failure. --tol sets
the relative tolerance (1e-4; TF32 kernels need about 5e-3, the harness uses 1e-2).
"""
import concurrent.futures as cf
import ctypes
import glob
import json
import os
import subprocess
import sys

import torch

DT = {"f32": (torch.float32, 0), "f64": (torch.float64, 3), "i1": (torch.bool, 6),
      "i64": (torch.int64, 4), "i32": (torch.int32, 5), "i8": (torch.int8, 8), "ui8": (torch.uint8, 7)}


class TensorRef(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("ndim", ctypes.c_int32),
                ("sizes", ctypes.c_int64 * 8)]


def ref_of(t, code):
    r = TensorRef()
    r.data = t.data_ptr()
    r.dtype = code
    r.ndim = t.dim()
    for i, s in enumerate(t.shape):
        r.sizes[i] = s
    return r


def cudnn_root():
    """cuDNN as the worker resolves it (pike/WorkerClient/CudnnLocation.h): PIKE_CUDNN_DIR,
    else the pip package beside torch (site-packages/nvidia/cudnn), else the toolkit."""
    def layout(root):
        if not os.path.isfile(os.path.join(root, "include", "cudnn.h")):
            return None
        for lib in ("lib", "lib64"):
            for name in ("libcudnn.so.9", "libcudnn.so"):
                if os.path.isfile(os.path.join(root, lib, name)):
                    return os.path.join(root, "include"), os.path.join(root, lib), name
        return None
    env = os.environ.get("PIKE_CUDNN_DIR")
    if env:
        found = layout(env)
        if not found:
            sys.exit("PIKE_CUDNN_DIR=%s has no include/cudnn.h with libcudnn.so.9 in lib/ or lib64/" % env)
        return found
    torch_site = os.path.dirname(os.path.dirname(os.path.abspath(torch.__file__)))
    for root in (os.path.join(torch_site, "nvidia", "cudnn"), os.environ.get("CUDA_HOME", "/usr/local/cuda")):
        found = layout(root)
        if found:
            return found
    return None


def build(src):
    so = src[:-3] + ".so"
    cmd = ["nvcc", "-arch=sm_90", "-std=c++17", "-shared", "-Xcompiler", "-fPIC", "-O2",
           "-Iinclude", src, "-o", so, "-lcublasLt", "-lcublas"]
    if "#include <cudnn.h>" in open(src).read():
        found = cudnn_root()
        if not found:
            return src, so, 1, "cuDNN not found (set PIKE_CUDNN_DIR)"
        inc, lib, name = found
        cmd += ["-I" + inc, "-L" + lib, "-l:" + name, "-Xlinker", "-rpath=" + lib]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return src, so, r.returncode, r.stderr[-3000:]


def main():
    args = sys.argv[1:]
    timing = "--time" in args
    tol = 1e-4
    if "--tol" in args:
        i = args.index("--tol")
        tol = float(args[i + 1])
        del args[i:i + 2]
    jobs = []
    for b in [a for a in args if a != "--time"]:
        for src in sorted(glob.glob(os.path.join(b, "cu", "*.cu"))):
            jobs.append(src)
    with cf.ThreadPoolExecutor(max_workers=os.cpu_count() or 8) as ex:
        built = list(ex.map(build, jobs))
    bad = 0
    gen = torch.Generator().manual_seed(0)
    for src, so, rc, log in built:
        b = os.path.dirname(os.path.dirname(src))
        slot = os.path.basename(src)[:-3]
        tag = os.path.basename(b) + "/" + slot
        if rc != 0:
            print("BUILD-FAIL " + tag + "\n" + log)
            bad += 1
            continue
        meta_path = os.path.join(b, "host", slot + ".json")
        if not os.path.exists(meta_path) or not os.path.exists(os.path.join(b, "ref", slot + ".pt")):
            print("SKIP " + tag + " (no signature)")
            continue
        sig = json.load(open(meta_path))["signature"]
        ins = []
        for s in sig["inputs"]:
            dt, _ = DT[s["dtype"]]
            if dt == torch.bool:
                ins.append(torch.rand(s["shape"], generator=gen) > 0.5)
            elif dt.is_floating_point and s.get("init") == "positive":  # as the worker fills it
                ins.append(torch.rand(s["shape"], generator=gen, dtype=dt) + 0.5)
            elif dt.is_floating_point:
                ins.append(torch.randn(s["shape"], generator=gen, dtype=dt))
            else:
                ins.append(torch.randint(-5, 6, s["shape"], generator=gen).to(dt))
        # Channels-last tensors ("layout": "nhwc", pike.layout slots) as the kernel reads them.
        def laid_out(t, s):
            cl = s.get("layout") == "nhwc"
            return t.contiguous(memory_format=torch.channels_last) if cl else t.contiguous()
        dins = [laid_out(t.cuda(), s) for t, s in zip(ins, sig["inputs"])]
        outs = [laid_out(torch.full(s["shape"], float("nan"), device="cuda").to(DT[s["dtype"]][0]), s)
                for s in sig["outputs"]]
        in_refs = (TensorRef * max(1, len(dins)))(*[ref_of(t, DT[s["dtype"]][1]) for t, s in zip(dins, sig["inputs"])])
        out_refs = (TensorRef * max(1, len(outs)))(*[ref_of(t, DT[s["dtype"]][1]) for t, s in zip(outs, sig["outputs"])])
        lib = ctypes.CDLL(so)
        fn = getattr(lib, "pike_" + slot)
        fn.restype = ctypes.c_int
        stream = torch.cuda.current_stream().cuda_stream
        rc = fn(in_refs, len(dins), out_refs, len(outs), ctypes.c_void_p(stream))
        torch.cuda.synchronize()
        if rc != 0:
            print("RUN-FAIL %s rc=%d" % (tag, rc))
            bad += 1
            continue
        if timing:  # reference on the GPU too (large GEMMs are slow on the CPU)
            ref = torch.jit.load(os.path.join(b, "ref", slot + ".pt"), map_location="cuda")
            with torch.no_grad():
                want = ref(*dins)
        else:
            ref = torch.jit.load(os.path.join(b, "ref", slot + ".pt"))
            with torch.no_grad():
                want = ref(*ins)
        if isinstance(want, torch.Tensor):
            want = [want]
        ok = True
        worst = 0.0
        for got, w in zip(outs, want):
            got, w = got.cpu(), w.cpu()
            w = w.to(got.dtype)
            if got.dtype.is_floating_point:
                scale = max(1.0, float(w.abs().nan_to_num(0, 0, 0).max()) if w.numel() else 1.0)
                d = (got - w).abs().nan_to_num(0.0, 0.0, 0.0)
                worst = max(worst, float(d.max()) / scale if d.numel() else 0.0)
                if not torch.allclose(got, w, rtol=tol, atol=tol * scale, equal_nan=True):
                    ok = False
            elif not torch.equal(got, w):
                ok = False
        extra = ""
        if timing and ok:
            def bench(f, n=50):
                for _ in range(5):
                    f()
                torch.cuda.synchronize()
                t0, t1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                t0.record()
                for _ in range(n):
                    f()
                t1.record()
                torch.cuda.synchronize()
                return t0.elapsed_time(t1) / n * 1000.0
            gen_us = bench(lambda: fn(in_refs, len(dins), out_refs, len(outs), ctypes.c_void_p(stream)))
            with torch.no_grad():
                ref_us = bench(lambda: ref(*dins))
            extra = " gen_us=%.1f ref_us=%.1f speedup=%.2f" % (gen_us, ref_us, ref_us / gen_us)
        print(("OK " if ok else "MISMATCH ") + tag + " rel_err=%.3g" % worst + extra)
        bad += 0 if ok else 1
    print("failures: %d" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
