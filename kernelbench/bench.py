#!/usr/bin/env python3
"""KernelBench-style harness: eager vs torch.compile vs pike, correctness and timing.

Typical use (GPU):
    python kernelbench/bench.py                          # all tasks, all methods
    python kernelbench/bench.py --levels level3 --methods eager,torch_compile
    python kernelbench/bench.py --tasks-dir ~/KernelBench/KernelBench/level1   # official tasks
    python kernelbench/bench.py --pike-packages pkgs/    # pkgs/<task>/{lib/libpike_ops.so,model.pt}
CPU smoke mode (CI):
    python kernelbench/bench.py --device cpu --tasks small --results-dir /tmp/kb
Sharded / cache-warming use (see scripts/device-baseline.sh):
    bench.py --warm-compile-only --shard 0/8 --out-json w0.json    # compile only, fills inductor caches
    bench.py --shard 0/4 --gpu-lock /tmp/gpu.lock --warm-manifest 'w*.json' --out-json r0.json --no-report
    bench.py --merge w*.json r*.json --out-json run.json           # merged JSON + reports + summary

Methods: eager; eager_cudagraph (eager captured once in a torch.cuda.CUDAGraph, inputs copied
into its static buffers, replayed); torch_compile (mode=default), torch_compile_reduce_overhead
(mode="reduce-overhead"), torch_compile_max_autotune (mode="max-autotune", CUDA graphs on),
torch_compile_max_autotune_no_cudagraphs; pike (torch.ops.load_library(<pkg>/lib/libpike_ops.so);
torch.jit.load(<pkg>/model.pt) called with the task's tensor inputs, as exported by export.py
with --seed 0). A method that fails is recorded with its error; the run goes on. Reports add
torch_compile_best per task: the fastest correct torch.compile mode of the same run.
Every run has a run id (--run-id; shards and device calls of one run share it): merges and
summaries refuse to mix runs.
"""
import argparse
import contextlib
import datetime
import glob
import json
import os
import platform
import re
import subprocess
import sys
import time
import traceback

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report  # noqa: E402
import taskload  # noqa: E402

ALL_METHODS = ["eager", "eager_cudagraph", "torch_compile", "torch_compile_reduce_overhead",
               "torch_compile_max_autotune", "torch_compile_max_autotune_no_cudagraphs",
               "eager_tf32", "torch_compile_tf32",
               "pike", "pike_tf32", "pike_nhwc", "pike_bf16"]
# The relaxed-precision baselines: eager and torch.compile's default mode with TF32 on
# for cuBLAS and cuDNN during compilation and every call (what any user gets with
# torch.backends.cuda.matmul.allow_tf32 = True), to compare pike_bf16 with a baseline
# under a relaxed policy too rather than only with strict fp32 ones.
TF32_BASELINES = {"eager_tf32": "eager", "torch_compile_tf32": "torch_compile"}
# What a run does without --methods: every strict baseline and pike (max-autotune without
# CUDA graphs and the TF32 baselines only on request).
DEFAULT_METHODS = [m for m in ALL_METHODS
                   if m != "torch_compile_max_autotune_no_cudagraphs" and m not in TF32_BASELINES]
# pike methods: packages of one model emitted with different options, each from
# its own directory (pike_tf32: --precision=tf32; pike_nhwc: --channels-last=auto;
# pike_bf16: --precision=bf16).
PIKE_PACKAGE_DIRS = {"pike": "pike_packages", "pike_tf32": "pike_tf32_packages",
                     "pike_nhwc": "pike_nhwc_packages", "pike_bf16": "pike_bf16_packages"}
# Methods whose precision policy is relaxed on purpose: checked against eager with
# --relaxed-atol/--relaxed-rtol instead of --atol/--rtol (each entry records what it used).
RELAXED_METHODS = {"pike_bf16", "eager_tf32", "torch_compile_tf32"}
# torch.compile method -> mode. Runs before 2026-12-06 used "torch_compile_max_autotune" for
# mode="max-autotune-no-cudagraphs"; a run JSON names its modes under "compile_modes".
COMPILE_MODES = {"torch_compile": "default", "torch_compile_reduce_overhead": "reduce-overhead",
                 "torch_compile_max_autotune": "max-autotune",
                 "torch_compile_max_autotune_no_cudagraphs": "max-autotune-no-cudagraphs"}
FLUSH_BYTES = 256 * 1024 * 1024


def compiles(method):
    """Methods that run torch.compile (warm-compiled ahead, first call outside the GPU lock)."""
    return method in COMPILE_MODES or TF32_BASELINES.get(method) in COMPILE_MODES


class AllowTF32:
    """TF32 on for cuBLAS and cuDNN inside the block, the previous settings restored after."""

    def __enter__(self):
        self.prev = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True

    def __exit__(self, *exc):
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = self.prev
        return False


def with_tf32(fn):
    def run(*args):
        with AllowTF32():
            return fn(*args)
    return run


# ---------------------------------------------------------------- environment
def card_slug(name):
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "unknown"


def nvidia_smi():
    q = "name,driver_version,clocks.sm,clocks.mem,clocks.max.sm,clocks.max.mem,power.draw,power.limit,temperature.gpu"
    try:
        out = subprocess.run(["nvidia-smi", f"--query-gpu={q}", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20)
        if out.returncode != 0:
            return {"error": out.stderr.strip()[:200]}
        vals = [v.strip() for v in out.stdout.strip().splitlines()[0].split(",")]
        return dict(zip(q.split(","), vals))
    except Exception as e:  # noqa: BLE001
        return {"error": f"{type(e).__name__}: {e}"[:200]}


def environment(device):
    env = {"torch": torch.__version__, "python": platform.python_version(), "host": platform.node(),
           "cuda": torch.version.cuda, "device": device}
    if device == "cuda":
        props = torch.cuda.get_device_properties(0)
        env["device_name"] = torch.cuda.get_device_name(0)
        env["card"] = card_slug(env["device_name"])
        env["sm_count"] = props.multi_processor_count
        env["l2_bytes"] = getattr(props, "L2_cache_size", None)
        env["memory_bytes"] = props.total_memory
        env["tf32_matmul"] = torch.backends.cuda.matmul.allow_tf32
        env["tf32_cudnn"] = torch.backends.cudnn.allow_tf32
    else:
        env["device_name"] = platform.processor() or platform.machine()
        env["card"] = "cpu"
    return env


# ---------------------------------------------------------------- helpers
def to_device(obj, device):
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, list):
        return [to_device(o, device) for o in obj]
    if isinstance(obj, tuple):
        return tuple(to_device(o, device) for o in obj)
    return obj


def sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


def err_text(e):
    tb = traceback.format_exc(limit=6)
    return f"{type(e).__name__}: {str(e)[:1500]}\n{tb[-1500:]}"


@contextlib.contextmanager
def gpu_lock(path):
    """Serialises GPU execution between processes (fcntl lock on PATH); no-op without PATH."""
    if not path:
        yield
        return
    import fcntl
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


# A method whose outputs differ from eager's by more than atol/rtol still matches when
# the difference stays within this multiple of eager's own TF32 deviation (eager with
# cuDNN's default TF32 vs eager in strict fp32, same inputs): deep CNNs in TF32 move by
# up to 3 % of their output between two correct graphs (ResNet-50 on the H100), so
# atol=rtol=1e-2 called correct fp32 graphs wrong. If got is as close to the strict
# result as eager is (<= 2 noise), it is within 3 noise of eager.
TF32_NOISE_FACTOR = 3.0


def compare(got, ref, atol, rtol, noise=None):
    """(ok, max_abs_err, message). `noise`: per output, eager's own TF32 deviation; a
    match that needed it says so in the message."""
    if len(got) != len(ref):
        return False, None, f"returned {len(got)} tensors, eager returns {len(ref)}"
    worst, note = 0.0, ""
    for i, (g, r) in enumerate(zip(got, ref)):
        if g.shape != r.shape:
            return False, None, f"output {i}: shape {tuple(g.shape)} != eager {tuple(r.shape)}"
        g, r = g.float(), r.float()
        if not torch.isfinite(g).all() and not torch.equal(torch.isfinite(g), torch.isfinite(r)):
            return False, float("nan"), f"output {i}: non-finite values where eager has none"
        diff = (g - r).abs()
        fin = torch.isfinite(r)
        err = float(diff[fin].max()) if fin.any() else 0.0
        worst = max(worst, err)
        if not torch.allclose(g, r, atol=atol, rtol=rtol, equal_nan=True):
            bound = TF32_NOISE_FACTOR * noise[i] if noise else 0.0
            if not (bound > 0 and err <= bound):
                extra = f" (eager's own TF32 deviation x{TF32_NOISE_FACTOR:g}: {bound:.3g})" if bound else ""
                return False, worst, f"output {i}: max abs err {err:.3g} outside atol=rtol{extra}"
            note = (f"output {i}: max abs err {err:.3g} outside atol=rtol, within {TF32_NOISE_FACTOR:g}x "
                    f"eager's own TF32 deviation ({noise[i]:.3g})")
    return True, worst, note


def tf32_noise(model, inputs, refs, device):
    """Per seed, per output: max |eager (TF32 defaults) - eager (strict fp32)|; None
    where TF32 cannot apply (CPU) or nothing moved."""
    if device != "cuda":
        return [None] * len(inputs)
    out = []
    with taskload.strict_fp32():
        for inp, ref in zip(inputs, refs):
            strict = taskload.flat_outputs(model(*inp))
            n = [float((r.float() - t.float()).abs()[torch.isfinite(t.float())].max())
                 if r.is_floating_point() and r.shape == t.shape and r.numel() else 0.0
                 for r, t in zip(ref, strict)]
            out.append(n if any(n) else None)
    return out


def percentile(sorted_vals, q):
    if not sorted_vals:
        return None
    k = (len(sorted_vals) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (k - lo)


def stats_of(times_ms):
    s = sorted(times_ms)
    med = percentile(s, 0.5)
    return {"median_ms": med, "min_ms": s[0], "max_ms": s[-1], "mean_ms": sum(s) / len(s),
            "p10_ms": percentile(s, 0.1), "p90_ms": percentile(s, 0.9),
            "spread": (percentile(s, 0.9) - percentile(s, 0.1)) / med if med else None, "reps": len(s)}


class Timer:
    """Adaptive-rep timing: warm-up, estimate, then reps to fill a time budget."""

    def __init__(self, device, budget_s, warmup_s, min_reps, max_reps, flush_bytes):
        self.device = device
        self.budget_s = budget_s
        self.warmup_s = warmup_s
        self.min_reps = min_reps
        self.max_reps = max_reps
        self.flush = None
        if device == "cuda" and flush_bytes > 0:
            self.flush = torch.empty(flush_bytes // 4, dtype=torch.float32, device="cuda")

    def _flush(self):
        if self.flush is not None:
            self.flush.zero_()

    def measure(self, fn, args):
        if self.device == "cuda":
            return self._measure_cuda(fn, args)
        return self._measure_cpu(fn, args)

    def _measure_cuda(self, fn, args):
        # warm-up: at least 2 calls and warmup_s seconds
        t0 = time.perf_counter()
        n = 0
        while n < 2 or time.perf_counter() - t0 < self.warmup_s:
            fn(*args)
            n += 1
            if n >= 2:
                torch.cuda.synchronize()
            if n >= 200:
                break
        est = self._cuda_reps(fn, args, 3)
        per = max(sorted(est)[1], 1e-3)
        reps = int(min(self.max_reps, max(self.min_reps, self.budget_s * 1000.0 / (per + 0.05))))
        return stats_of(self._cuda_reps(fn, args, reps))

    def _cuda_reps(self, fn, args, reps):
        starts = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
        ends = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
        for i in range(reps):
            self._flush()
            starts[i].record()
            fn(*args)
            ends[i].record()
        torch.cuda.synchronize()
        return [s.elapsed_time(e) for s, e in zip(starts, ends)]

    def _measure_cpu(self, fn, args):
        t0 = time.perf_counter()
        n = 0
        while n < 2 or (time.perf_counter() - t0 < self.warmup_s and n < 50):
            fn(*args)
            n += 1
        times = []
        t_start = time.perf_counter()
        while len(times) < self.min_reps or (time.perf_counter() - t_start < self.budget_s
                                             and len(times) < self.max_reps):
            a = time.perf_counter()
            fn(*args)
            times.append((time.perf_counter() - a) * 1000.0)
        return stats_of(times)


# ---------------------------------------------------------------- methods
class Skip(Exception):
    pass


_loaded_libs = set()


class EagerCudaGraph:
    """The eager model captured once in a torch.cuda.CUDAGraph and replayed.

    What any user gets without a compiler: static input buffers, a few warm-up calls on
    a side stream (cuBLAS/cuDNN workspaces, lazy initialisation) and one capture. A call
    copies its tensor arguments into the static buffers (as torch.compile's
    reduce-overhead mode does for inputs it does not own), replays, and returns the
    graph's output tensors, which the next call overwrites."""

    def __init__(self, model, example_inputs, warmup_calls=3):
        tensors, self.template = taskload.flatten(list(example_inputs))
        self.static = [t.clone() for t in tensors]
        args = taskload.unflatten(self.template, self.static)
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(warmup_calls):
                model(*args)
        torch.cuda.current_stream().wait_stream(side)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.out = model(*args)

    def __call__(self, *inputs):
        tensors, _ = taskload.flatten(list(inputs))
        if len(tensors) != len(self.static):
            raise ValueError(f"captured with {len(self.static)} input tensors, called with {len(tensors)}")
        for dst, src in zip(self.static, tensors):
            if dst is not src:
                dst.copy_(src)
        self.graph.replay()
        return self.out


def build_method(method, model, task, args, device, example_inputs=None):
    """Returns (callable, takes_flat_tensors)."""
    if method == "eager":
        return model, False
    if method in TF32_BASELINES:
        fn, flat = build_method(TF32_BASELINES[method], model, task, args, device, example_inputs)
        return with_tf32(fn), flat
    if method == "eager_cudagraph":
        if device != "cuda":
            raise Skip("eager_cudagraph needs a CUDA device")
        return EagerCudaGraph(model, example_inputs), False
    if method in COMPILE_MODES:
        torch._dynamo.reset()
        mode = COMPILE_MODES[method]
        if args.compile_backend != "inductor":      # modes are inductor options
            return torch.compile(model, backend=args.compile_backend), False
        return torch.compile(model, mode=None if mode == "default" else mode), False
    if method in PIKE_PACKAGE_DIRS:
        root = getattr(args, PIKE_PACKAGE_DIRS[method])
        if not root:
            raise Skip(f"no --{method.replace('_', '-')}-packages given")
        pkg = os.path.join(root, task)
        if not os.path.isdir(pkg):
            raise Skip(f"no pike package at {pkg}")
        lib = os.path.join(pkg, "lib", "libpike_ops.so")
        if os.path.exists(lib) and lib not in _loaded_libs:
            torch.ops.load_library(lib)
            _loaded_libs.add(lib)
        m = torch.jit.load(os.path.join(pkg, "model.pt"), map_location=device)
        return m.eval(), True
    raise ValueError(f"unknown method {method}")


def call(fn, flat, inputs):
    if flat:
        tensors, _ = taskload.flatten(inputs)
        return fn(*tensors)
    return fn(*inputs)


def bench_task(path, args, timer, device, warm_status, deadline):
    name, level = taskload.task_name(path), taskload.task_level(path)
    rec = {"task": name, "level": level, "path": os.path.relpath(path, args.tasks_dir), "run_id": args.run_id,
           "methods": {}}
    mod = taskload.load_task(path)
    small = args.small and taskload.has_small(mod)
    rec["small"] = small
    model = taskload.make_model(mod, 0, small).to(device)
    seeds = list(range(args.seeds))
    inputs = [to_device(taskload.make_inputs(mod, s, small), device) for s in seeds]
    rec["inputs"] = [{"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", "")}
                     for t in taskload.flatten(inputs[0])[0]]
    rec["bound_constants"] = taskload.bound_constants(taskload.flatten(inputs[0])[1])
    with torch.no_grad(), gpu_lock(args.gpu_lock):
        refs = [taskload.flat_outputs(model(*inp)) for inp in inputs]
        noise = tf32_noise(model, inputs, refs, device)
        sync(device)
    if any(noise):
        rec["eager_tf32_noise"] = [max(n) if n else 0.0 for n in noise]
    for method in args.methods:
        e = {"status": "error", "correct": False}
        rec["methods"][method] = e
        if time.time() > deadline:
            e.update(status="skipped", error="time box reached before this method")
            continue
        ws = warm_status.get((name, method)) if warm_status is not None else None
        if compiles(method) and warm_status is not None:
            if ws is None and method not in args.compile_unwarmed:
                e.update(status="skipped", error="warm compile did not finish within its time box")
                continue
            if ws is None:
                # --compile-unwarmed: compiled here, outside the GPU lock (its first call is
                # the compile), rather than leaving the task without this mode
                e["compiled_inline"] = True
                ws = {"ok": True, "compile_s": None}
            e["warm_compile_s"] = ws.get("compile_s")
            if not ws.get("ok"):
                e["error"] = "warm compile failed: " + str(ws.get("error"))
                continue
        try:
            with torch.no_grad():
                t0 = time.perf_counter()
                # graph capture is GPU work: under the lock; compilation is not
                with gpu_lock(args.gpu_lock if method == "eager_cudagraph" else None):
                    fn, flat = build_method(method, model, name, args, device, inputs[0])
                # first call: torch.compile's compilation outside the GPU lock; every other
                # method's first call is GPU work (a pike package captures its CUDA graph)
                with gpu_lock(args.gpu_lock if not compiles(method) else None):
                    out = call(fn, flat, inputs[0])
                    sync(device)
                e["compile_s"] = time.perf_counter() - t0
                del out
                atol, rtol = ((args.relaxed_atol, args.relaxed_rtol) if method in RELAXED_METHODS
                              else (args.atol, args.rtol))
                e["atol"], e["rtol"] = atol, rtol
                with gpu_lock(args.gpu_lock):
                    errs, ok, msg = [], True, ""
                    for inp, ref, nz in zip(inputs, refs, noise):
                        got = taskload.flat_outputs(call(fn, flat, inp))
                        sync(device)
                        good, err, why = compare(got, ref, atol, rtol, nz)
                        errs.append(err)
                        if good and why:
                            e["tf32_noise_match"] = why
                        if not good and ok:
                            ok, msg = False, why
                    e["max_abs_err"] = errs
                    e["correct"] = ok
                    if not ok:
                        e["mismatch"] = msg
                    e["time"] = timer.measure(lambda *a: call(fn, flat, a), inputs[0])
                    e["status"] = "ok" if ok else "incorrect"
        except Skip as s:
            e.update(status="skipped", error=str(s))
        except Exception as ex:  # noqa: BLE001
            e.update(status="error", error=err_text(ex))
        finally:
            fn = None                      # a captured graph's memory goes with it
            if compiles(method):
                torch._dynamo.reset()
    del model, inputs, refs, noise
    if device == "cuda":
        torch.cuda.empty_cache()
    return rec


def warm_task_method(path, method, args, device):
    """Compile one task with one torch.compile mode and run it once (fills the caches)."""
    name = taskload.task_name(path)
    r = {"task": name, "level": taskload.task_level(path), "method": method, "ok": False}
    t0 = time.perf_counter()
    try:
        mod = taskload.load_task(path)
        small = args.small and taskload.has_small(mod)
        model = taskload.make_model(mod, 0, small).to(device)
        inp = to_device(taskload.make_inputs(mod, 0, small), device)
        with torch.no_grad():
            fn, flat = build_method(method, model, name, args, device)
            call(fn, flat, inp)
            sync(device)
        r["ok"] = True
    except Exception as ex:  # noqa: BLE001
        r["error"] = err_text(ex)
    finally:
        torch._dynamo.reset()
    r["compile_s"] = time.perf_counter() - t0
    return r


# ---------------------------------------------------------------- selection
def parse_task_range(text):
    """'18-29' -> (18, 29); '5' -> (5, 5)."""
    try:
        lo, _, hi = text.partition("-")
        lo, hi = int(lo), int(hi or lo)
    except ValueError:
        raise SystemExit(f"bench.py: error: bad --task-range {text!r} (expected N or N-M)") from None
    if lo > hi:
        raise SystemExit(f"bench.py: error: bad --task-range {text!r}: {lo} > {hi}")
    return lo, hi


def task_number(path):
    """The leading number of a task file name (18_resnet50.py -> 18); -1 without one."""
    m = re.match(r"(\d+)", os.path.basename(path))
    return int(m.group(1)) if m else -1


def select_tasks(args):
    names = None
    smoke = False
    if args.tasks:
        if args.tasks.strip() == "small":
            smoke = True
        else:
            names = [n.strip() for n in args.tasks.split(",") if n.strip()]
    levels = [lv.strip() for lv in args.levels.split(",")] if args.levels else None
    paths = taskload.discover(args.tasks_dir, levels, names)
    if names:
        found = {taskload.task_name(p) for p in paths} | {f"{taskload.task_level(p)}/{taskload.task_name(p)}" for p in paths}
        missing = [n for n in names if n not in found]
        if missing:
            raise SystemExit(f"bench.py: error: no task file for: {', '.join(missing)} under {args.tasks_dir}")
    if args.task_range:
        lo, hi = parse_task_range(args.task_range)
        paths = [p for p in paths if lo <= task_number(p) <= hi]
    if smoke:
        firsts = {}
        for p in paths:
            firsts.setdefault(taskload.task_level(p), p)
        paths = list(firsts.values())
        args.small = True
    if args.shard:
        i, n = (int(x) for x in args.shard.split("/"))
        if not (0 <= i < n):
            raise SystemExit(f"bench.py: error: bad --shard {args.shard}")
        paths = paths[i::n]
    return paths


def load_warm_manifest(pattern):
    status = {}
    for p in sorted(glob.glob(pattern)):
        try:
            with open(p) as f:
                data = json.load(f)
        except (OSError, json.JSONDecodeError):
            continue
        for r in data.get("warm", []):
            status[(r["task"], r["method"])] = r
    return status


def _strip_options(argv, names):
    """argv without the given options (and their values, in '--x v' or '--x=v' form)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in names:
            skip = True
            continue
        if any(a.startswith(n + "=") for n in names):
            continue
        out.append(a)
    return out


def parallel_warm(args, out_path):
    """--warm-compile-only --jobs N: N shard processes in parallel; returns their combined records."""
    base = _strip_options(sys.argv[1:], {"--jobs", "--out-json", "--shard"})
    procs, parts = [], []
    for i in range(args.jobs):
        part = f"{out_path}.part{i}"
        parts.append(part)
        cmd = [sys.executable, os.path.abspath(__file__), *base, "--shard", f"{i}/{args.jobs}", "--out-json", part]
        procs.append(subprocess.Popen(cmd))
    for p in procs:
        p.wait()
    records = []
    for part in parts:
        try:
            with open(part) as f:
                records += json.load(f).get("warm", [])
            os.remove(part)
        except (OSError, json.JSONDecodeError):
            pass
    return records


def write_json(path, obj):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, default=repr)
    os.replace(tmp, path)


def default_json_path(results_dir, card):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return os.path.join(results_dir, f"{card}-{stamp}.json")


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- merge
run_id_of = report.run_id_of


def check_one_run(runs, paths=None):
    """Parts (shards, device calls) merge only when they are one harness run: the same run id
    (given to every part with --run-id), card and torch version."""
    names = paths or [f"part {i}" for i in range(len(runs))]
    for key, what in (("run_id", "run id"), ("card", "card"), ("torch", "torch version")):
        seen = {}
        for name, r in zip(names, runs):
            seen.setdefault(run_id_of(r) if key == "run_id" else r.get(key), []).append(os.path.basename(name))
        if len(seen) > 1:
            listing = "; ".join(f"{v}: {', '.join(n)}" for v, n in seen.items())
            raise SystemExit(f"bench.py: error: --merge refuses to mix harness runs: different {what}s ({listing}). "
                             "Parts of one run share --run-id; compare methods only within one run.")


def merge(paths, out_path, results_dir, make_report=True):
    runs, warms, all_docs = [], [], []
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        all_docs.append(d)
        (warms if d.get("kind") == "warm" else runs).append(d)
    if not runs:
        raise SystemExit("bench.py: error: --merge got no run JSONs (only warm-compile ones)")
    check_one_run(runs, paths=[p for p, d in zip(paths, all_docs) if d.get("kind") != "warm"])
    base = {k: v for k, v in runs[0].items() if k not in ("tasks", "planned", "skipped_tasks", "shard")}
    tasks, planned, skipped, notes = {}, [], [], list(base.get("notes", []))
    for r in runs:
        for t in r.get("tasks", []):
            key = (t["level"], t["task"])
            if key in tasks:
                raise SystemExit(f"bench.py: error: --merge: {key[0]}/{key[1]} is in two parts of run "
                                 f"{base.get('run_id')}; a run times each task once (drop one part)")
            tasks[key] = t
        planned += r.get("planned", [])
        for n in r.get("notes", []):
            if n not in notes:
                notes.append(n)
    warm_index = {}
    for w in warms:
        for r in w.get("warm", []):
            warm_index[(r["task"], r["method"])] = r
    for t in tasks.values():
        for m, e in t["methods"].items():
            wr = warm_index.get((t["task"], m))
            if wr is not None and "warm_compile_s" not in e:
                e["warm_compile_s"] = wr.get("compile_s")
    done = {f"{lv}/{n}" for (lv, n) in tasks}
    skipped = sorted(set(planned) - done)
    base["tasks"] = sorted(tasks.values(), key=lambda t: (t["level"], t["task"]))
    base["planned"] = sorted(set(planned))
    base["skipped_tasks"] = skipped
    base["notes"] = notes
    base["merged_from"] = [os.path.basename(p) for p in paths]
    base["run_id"] = run_id_of(runs[0])
    # parts may time different methods (e.g. a level without pike packages)
    base["methods"] = list(dict.fromkeys(m for r in runs for m in r.get("methods", [])))
    base["compile_modes"] = {k: v for r in runs for k, v in (r.get("compile_modes") or {}).items()}
    base["hosts"] = sorted({h for r in runs for h in (r.get("hosts") or [r.get("host")]) if h})
    base["finished"] = max((r.get("finished") or "") for r in runs) or None
    base["started"] = min((r.get("started") or "~") for r in runs)
    if warms:
        base["warm_compile"] = {"workers": len(warms), "started": min(w.get("started", "~") for w in warms),
                                "finished": max(w.get("finished", "") for w in warms)}
    write_json(out_path, base)
    written = [out_path]
    if make_report:
        written += report.write_reports(base, out_path, results_dir)
    return written


# ---------------------------------------------------------------- main
def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks-dir", default=os.path.join(HERE, "tasks"),
                    help="directory of KernelBench-format files, searched recursively; level from folder name")
    ap.add_argument("--levels", help="comma list, e.g. level1,level3")
    ap.add_argument("--tasks", help="comma list of task names (or level/name), or 'small' for the CI smoke set "
                                    "(first task of each level, small shapes)")
    ap.add_argument("--methods", default=",".join(DEFAULT_METHODS), help=f"comma list from {ALL_METHODS}")
    ap.add_argument("--task-range", help="N-M: only tasks whose file name starts with a number in [N, M]")
    ap.add_argument("--run-id", help="id of this harness run; every shard and device call of one run passes the "
                                     "same id (default: <card>-<UTC time>-<pid>)")
    ap.add_argument("--device", default=None, help="cuda (default when available) or cpu")
    ap.add_argument("--small", action="store_true", help="use get_small_inputs() shapes where defined")
    ap.add_argument("--seeds", type=int, default=3, help="input seeds for the correctness check (>= 1)")
    ap.add_argument("--atol", type=float, default=1e-2)
    ap.add_argument("--relaxed-atol", type=float, default=5e-2,
                    help=f"atol for the relaxed-precision methods {sorted(RELAXED_METHODS)}")
    ap.add_argument("--relaxed-rtol", type=float, default=5e-2,
                    help=f"rtol for the relaxed-precision methods {sorted(RELAXED_METHODS)}")
    ap.add_argument("--rtol", type=float, default=1e-2)
    ap.add_argument("--time-budget", type=float, default=0.5, help="seconds of timed reps per method and task")
    ap.add_argument("--warmup", type=float, default=0.05, help="seconds of warm-up calls per method and task")
    ap.add_argument("--min-reps", type=int, default=5)
    ap.add_argument("--max-reps", type=int, default=1000)
    ap.add_argument("--flush-mb", type=int, default=FLUSH_BYTES // 2**20, help="L2 flush buffer (MiB), 0 = off")
    ap.add_argument("--pike-packages", help="DIR with DIR/<task>/lib/libpike_ops.so and DIR/<task>/model.pt")
    ap.add_argument("--pike-tf32-packages", help="like --pike-packages, for the method pike_tf32 "
                    "(packages emitted with --precision=tf32)")
    ap.add_argument("--pike-bf16-packages", help="like --pike-packages, for the method pike_bf16 "
                    "(packages emitted with --precision=bf16; checked with --relaxed-atol/--relaxed-rtol)")
    ap.add_argument("--pike-nhwc-packages", help="like --pike-packages, for the method pike_nhwc "
                    "(packages emitted with --channels-last=auto)")
    ap.add_argument("--shard", help="i/n: run tasks[i::n] only")
    ap.add_argument("--warm-compile-only", action="store_true",
                    help="compile each task with each torch.compile method and run it once; no timing")
    ap.add_argument("--compile-backend", default="inductor",
                    help="torch.compile backend for the torch_compile* methods (tests use 'eager' for speed)")
    ap.add_argument("--jobs", type=int, default=1,
                    help="with --warm-compile-only: run N shard processes in parallel and combine their JSONs")
    ap.add_argument("--compile-unwarmed", default="", type=lambda v: [m for m in v.split(",") if m],
                    help="comma list of torch.compile methods to compile in the timing process when the "
                         "warm manifest has no record of them (default: none, such a method is skipped); "
                         "meant for modes without GPU autotuning (torch_compile, torch_compile_reduce_overhead)")
    ap.add_argument("--warm-manifest", help="glob of --warm-compile-only JSONs: compile methods that did not "
                                            "finish warming are skipped, failed ones recorded without retry")
    ap.add_argument("--gpu-lock", help="lock file serialising GPU timing between parallel processes")
    ap.add_argument("--deadline", type=float, help="unix time after which no new task/method is started")
    ap.add_argument("--time-limit", type=float, help="seconds from start after which no new task/method is started")
    ap.add_argument("--results-dir", default=os.path.join(HERE, "results"))
    ap.add_argument("--out-json", help="output JSON path (default RESULTS_DIR/<card>-<UTC timestamp>.json)")
    ap.add_argument("--no-report", action="store_true", help="JSON only: no markdown, plots or summary")
    ap.add_argument("--merge", nargs="+", metavar="JSON", help="merge shard (and warm) JSONs, then report")
    ap.add_argument("--report", metavar="JSON", help="(re)write markdown, plots and summary for a run JSON")
    ap.add_argument("--note", action="append", default=[], help="free-text note stored in the JSON")
    args = ap.parse_args(argv)
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    bad = [m for m in args.methods if m not in ALL_METHODS]
    if bad:
        ap.error(f"unknown method(s) {bad}; choose from {ALL_METHODS}")
    if args.seeds < 1:
        ap.error("--seeds must be >= 1")
    return args


def main(argv=None):
    try:
        return _main(argv)
    except report.MixedRunsError as e:
        raise SystemExit(f"bench.py: error: {e}") from None


def _main(argv=None):
    args = parse_args(argv)
    if args.report:
        with open(args.report) as f:
            run = json.load(f)
        for p in report.write_reports(run, args.report, args.results_dir):
            print("wrote", p)
        return 0
    if args.merge:
        out = args.out_json
        if not out:
            with open(args.merge[0]) as f:
                card = json.load(f).get("card", "unknown")
            out = default_json_path(args.results_dir, card)
        for p in merge(args.merge, out, args.results_dir, make_report=not args.no_report):
            print("wrote", p)
        return 0

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("bench.py: error: --device cuda but torch.cuda.is_available() is False")
    t_start = time.time()
    deadline = args.deadline or float("inf")
    if args.time_limit:
        deadline = min(deadline, t_start + args.time_limit)
    paths = select_tasks(args)
    env = environment(device)
    out_path = args.out_json or default_json_path(args.results_dir, env["card"])
    if not args.run_id:
        args.run_id = f"{env['card']}-{datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}"
    planned = [f"{taskload.task_level(p)}/{taskload.task_name(p)}" for p in paths]
    run = dict(env)
    run.update({"kind": "warm" if args.warm_compile_only else "run", "run_id": args.run_id, "hosts": [env["host"]],
                "compile_modes": {m: COMPILE_MODES[m] for m in args.methods if m in COMPILE_MODES},
                "started": now_iso(),
                "methods": args.methods, "seeds": args.seeds, "atol": args.atol, "rtol": args.rtol,
                "relaxed_tolerance": {"methods": sorted(RELAXED_METHODS), "atol": args.relaxed_atol,
                                      "rtol": args.relaxed_rtol},
                "small": args.small, "time_budget_s": args.time_budget, "flush_mb": args.flush_mb,
                "shard": args.shard, "planned": planned, "compile_backend": args.compile_backend, "argv": sys.argv[1:], "notes": list(args.note),
                "clocks_start": nvidia_smi() if device == "cuda" else {}})

    if args.warm_compile_only and args.jobs > 1 and not args.shard:
        run["warm"] = parallel_warm(args, out_path)
        run["finished"] = now_iso()
        write_json(out_path, run)
        print("wrote", out_path)
        return 0
    if args.warm_compile_only:
        run["warm"] = []
        cm = [m for m in args.methods if compiles(m)]
        for method in cm:                 # methods outer: every task gets the default mode first
            for p in paths:
                if time.time() > deadline:
                    break
                r = warm_task_method(p, method, args, device)
                run["warm"].append(r)
                print(f"[warm] {r['level']}/{r['task']} {method}: {'ok' if r['ok'] else 'FAILED'} "
                      f"{r['compile_s']:.1f}s", flush=True)
                run["finished"] = now_iso()
                write_json(out_path, run)
        run["finished"] = now_iso()
        write_json(out_path, run)
        print("wrote", out_path)
        return 0

    warm_status = load_warm_manifest(args.warm_manifest) if args.warm_manifest else None
    timer = Timer(device, args.time_budget, args.warmup, args.min_reps, args.max_reps,
                  args.flush_mb * 2**20 if device == "cuda" else 0)
    run["tasks"] = []
    for p in paths:
        if time.time() > deadline:
            break
        t0 = time.time()
        try:
            rec = bench_task(p, args, timer, device, warm_status, deadline)
        except Exception as ex:  # noqa: BLE001 - task-level failure (load, build, eager)
            rec = {"task": taskload.task_name(p), "level": taskload.task_level(p), "run_id": args.run_id, "methods": {
                m: {"status": "error", "correct": False, "error": "task setup failed: " + err_text(ex)}
                for m in args.methods}}
        rec["wall_s"] = time.time() - t0
        run["tasks"].append(rec)
        summary = ", ".join(f"{m}={_short(e)}" for m, e in rec["methods"].items())
        print(f"[{rec['level']}/{rec['task']}] {summary}  ({rec['wall_s']:.1f}s)", flush=True)
        run["finished"] = now_iso()
        write_json(out_path, run)
    done = {f"{t['level']}/{t['task']}" for t in run["tasks"]}
    run["skipped_tasks"] = [p for p in planned if p not in done]
    run["finished"] = now_iso()
    run["clocks_end"] = nvidia_smi() if device == "cuda" else {}
    write_json(out_path, run)
    print("wrote", out_path)
    if not args.no_report:
        for w in report.write_reports(run, out_path, args.results_dir):
            print("wrote", w)
    return 0


def _short(e):
    if e.get("status") == "ok":
        return f"{e['time']['median_ms']:.3f}ms"
    if e.get("status") == "incorrect":
        return "WRONG"
    return e.get("status", "?")


if __name__ == "__main__":
    sys.exit(main())
