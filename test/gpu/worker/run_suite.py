#!/usr/bin/env python3
"""GPU suite and benchmark for pike-worker (run on a GPU host by scripts/device-worker.sh).

Suite: every case of corpus/manifest.json (correct kernels on both paths, and
cheating/broken candidates) is evaluated by a real pike-worker and must get its
expected status. Benchmark: end-to-end latency (request to reply, cold compile
cache) per candidate on the NVRTC and nvcc paths, next to
torch.utils.cpp_extension.load_inline for the elementwise kernel.

References are TorchScript modules generated here with torch.jit.script.
"""
import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

TASKS = {
    "elementwise": {
        "inputs": [{"shape": [4096, 1024], "dtype": "float32", "init": "normal"},
                   {"shape": [4096, 1024], "dtype": "float32", "init": "normal"}],
        "outputs": [{"shape": [4096, 1024], "dtype": "float32"}],
    },
    # Too large for any GPU: the worker's own allocations fail (out-of-memory path).
    "elementwise_huge": {
        "inputs": [{"shape": [25000, 1000000], "dtype": "float32", "init": "normal"},
                   {"shape": [25000, 1000000], "dtype": "float32", "init": "normal"}],
        "outputs": [{"shape": [25000, 1000000], "dtype": "float32"}],
    },
    "reduction": {
        "inputs": [{"shape": [2048, 4096], "dtype": "float32", "init": "uniform"}],
        "outputs": [{"shape": [2048], "dtype": "float32"}],
    },
    "gemm": {
        "inputs": [{"shape": [1024, 512], "dtype": "float32", "init": "normal"},
                   {"shape": [512, 1024], "dtype": "float32", "init": "normal"}],
        "outputs": [{"shape": [1024, 1024], "dtype": "float32"}],
    },
}


def make_references(directory):
    import torch

    class Elementwise(torch.nn.Module):
        def forward(self, x, y):
            return x * torch.sigmoid(y)

    class Reduction(torch.nn.Module):
        def forward(self, x):
            return x.sum(dim=1)

    class Gemm(torch.nn.Module):
        def forward(self, a, b):
            return a @ b

    paths = {}
    for name, mod in [("elementwise", Elementwise()), ("reduction", Reduction()), ("gemm", Gemm())]:
        p = os.path.join(directory, name + ".pt")
        torch.jit.script(mod).save(p)
        paths[name] = p
    paths["elementwise_huge"] = paths["elementwise"]
    return paths


class Worker:
    """Minimal client: one pike-worker process on stdin/stdout, replies matched by id."""

    def __init__(self, exe, cache, stderr_path, env=None):
        self.exe = exe
        self.stderr = open(stderr_path, "ab")
        self.proc = subprocess.Popen([exe, "--cache-dir", cache], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr,
                                     env=env or os.environ.copy(), bufsize=0)
        self.replies = {}
        self.cv = threading.Condition()
        self.lock = threading.Lock()
        self.n = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            msg = json.loads(line)
            with self.cv:
                self.replies[msg.get("id")] = msg
                self.cv.notify_all()
        with self.cv:
            self.replies["__eof__"] = True
            self.cv.notify_all()

    def send(self, req):
        with self.lock:
            self.n += 1
            rid = "r%d" % self.n
            req = dict(req, protocol=1, id=rid)
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
        return rid

    def wait(self, rid, timeout=600):
        deadline = time.time() + timeout
        with self.cv:
            while rid not in self.replies:
                if "__eof__" in self.replies:
                    raise RuntimeError("pike-worker exited")
                left = deadline - time.time()
                if left <= 0:
                    raise TimeoutError(rid)
                self.cv.wait(left)
            return self.replies.pop(rid)

    def call(self, req, timeout=600):
        return self.wait(self.send(req), timeout)

    def close(self):
        try:
            self.call({"op": "shutdown"}, timeout=30)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def evaluate_request(case, refs, source=None, timing=None):
    task = TASKS[case["task"]]
    if source is None:
        with open(os.path.join(CORPUS, case["file"])) as f:
            source = f.read()
    cand = {"source": source, "mode": case["mode"]}
    if case["mode"] == "nvrtc":
        cand["launches"] = case["launches"]
    else:
        cand["entry"] = case.get("entry", "pike_entry")
    req = {"op": "evaluate", "candidate": cand, "reference": {"torchscript": refs[case["task"]]},
           "inputs": task["inputs"], "outputs": task["outputs"], "seeds": [1, 2, 3],
           "atol": 1e-2, "rtol": 1e-2, "deadline_ms": case.get("deadline_ms", 30000),
           "timing": timing or {"warmup": 3, "budget_ms": 50, "min_reps": 10, "max_reps": 1000}}
    return req


def short(reply):
    keep = {k: reply.get(k) for k in ("status", "phase", "log", "compile_ms", "cache_hit", "wall_ms",
                                      "gpu_ms", "max_abs_err", "max_rel_err", "verify", "timing",
                                      "kernels", "kernels_error", "first_mismatch", "fatal", "error",
                                      "compile", "phases")}
    if keep.get("log") and len(keep["log"]) > 1500:
        keep["log"] = keep["log"][:1500] + "..."
    return {k: v for k, v in keep.items() if v is not None}


def tcp_smoke(exe, refs, good):
    """A second worker with --listen: evaluate a good candidate over TCP, then shutdown."""
    import socket
    d = tempfile.mkdtemp(prefix="pike-tcp-")
    port_file = os.path.join(d, "port")
    proc = subprocess.Popen([exe, "--listen", "127.0.0.1:0", "--port-file", port_file,
                             "--cache-dir", os.path.join(d, "cache")], stderr=subprocess.DEVNULL)
    got, log = None, ""
    try:
        for _ in range(500):
            if os.path.exists(port_file):
                break
            time.sleep(0.02)
        port = int(open(port_file).read())
        with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
            f = sock.makefile("rwb")
            for req in (dict(evaluate_request(good, refs), protocol=1, id="tcp-eval"),
                        {"protocol": 1, "op": "shutdown", "id": "tcp-bye"}):
                f.write((json.dumps(req) + "\n").encode())
                f.flush()
                reply = json.loads(f.readline())
                if reply["id"] == "tcp-eval":
                    got, log = reply.get("status"), reply.get("log", "")
        proc.wait(timeout=30)
    except Exception as e:  # reported as a failed case
        log = "tcp smoke failed: %r" % (e,)
        proc.kill()
    return {"name": "tcp_evaluate_ok_ew_nvrtc", "expected": "ok", "got": got,
            "why": "same evaluation over --listen TCP, then shutdown", "reply": {"log": log},
            "worker_exit": proc.returncode}


def reference_only(worker, refs, good):
    """order=profile's request: candidate.mode "reference" times the reference alone
    (no compile), with the reference's outputs checked against the signature."""
    req = evaluate_request(good, refs)
    req["candidate"] = {"mode": "reference"}
    r = worker.call(req)
    timing = (r.get("timing") or {}).get("reference") or {}
    ok = (r.get("status") == "ok" and (r.get("verify") or {}).get("reference_only") is True
          and "candidate" not in (r.get("timing") or {}) and (timing.get("median_ms") or 0) > 0)
    # A reference whose output shape disagrees with the signature must be refused.
    bad = evaluate_request(good, refs)
    bad["candidate"] = {"mode": "reference"}
    bad["outputs"] = [dict(o, shape=[1] + list(o["shape"])) for o in bad["outputs"]]
    rb = worker.call(bad)
    return {"name": "reference_only_timing", "expected": "ok",
            "got": "ok" if ok and rb.get("status") != "ok" else "%s/%s" % (r.get("status"), rb.get("status")),
            "why": "candidate.mode=reference: reference timed alone; a wrong signature is refused",
            "reply": {"ok_case": short(r), "bad_signature": short(rb)}}


def run_suite(worker, refs, manifest):
    results = []
    normal = [c for c in manifest["cases"] if not c.get("fatal")]
    fatal = [c for c in manifest["cases"] if c.get("fatal")]
    good = next(c for c in manifest["cases"] if c["name"] == "ok_ew_nvrtc")
    # Non-fatal cases all at once: compiles overlap, GPU phases run one at a time.
    t0 = time.time()
    ids = [(c, worker.send(evaluate_request(c, refs))) for c in normal]
    for c, rid in ids:
        r = worker.wait(rid)
        results.append({"name": c["name"], "expected": c["expected"], "got": r.get("status"),
                        "why": c["why"], "reply": short(r)})
    batch_s = time.time() - t0
    # Fatal cases one by one, each followed by a good candidate: the worker must recover.
    for c in fatal:
        t1 = time.time()
        r = worker.call(evaluate_request(c, refs))
        dt = time.time() - t1
        after = worker.call(evaluate_request(good, refs))
        ping = worker.call({"op": "ping"})
        results.append({"name": c["name"], "expected": c["expected"], "got": r.get("status"),
                        "why": c["why"], "reply": short(r), "seconds": round(dt, 3),
                        "next_good_candidate": after.get("status"),
                        "restarts_after": ping.get("restarts")})
    results.append(reference_only(worker, refs, good))
    results.append(tcp_smoke(worker.exe, refs, good))
    for res in results:
        res["pass"] = res["got"] == res["expected"] and res.get("next_good_candidate", "ok") == "ok"
    return results, batch_s


LOAD_INLINE_CUDA = r"""
#include <torch/extension.h>
#include <ATen/cuda/CUDAContext.h>
__global__ void ew_kernel(const float* __restrict__ x, const float* __restrict__ y,
                          float* __restrict__ out, long n) {
  long i = blockIdx.x * (long)blockDim.x + threadIdx.x;
  if (i < n) out[i] = x[i] / (1.0f + __expf(-y[i]));
}
torch::Tensor ew(torch::Tensor x, torch::Tensor y) {
  auto out = torch::empty_like(x);
  long n = x.numel();
  ew_kernel<<<(n + 255) / 256, 256, 0, at::cuda::getCurrentCUDAStream()>>>(
      x.data_ptr<float>(), y.data_ptr<float>(), out.data_ptr<float>(), n);
  return out;
}
"""


def bench_load_inline(reps):
    """Cold load_inline (fresh build dir, unique name) + one correctness check."""
    import torch
    from torch.utils.cpp_extension import load_inline
    os.environ.setdefault("TORCH_CUDA_ARCH_LIST", "9.0")  # one arch, like the worker
    times = []
    for _ in range(reps):
        d = tempfile.mkdtemp(prefix="pike-load-inline-")
        t0 = time.time()
        mod = load_inline(name="pike_bench_ew_" + uuid.uuid4().hex[:8],
                          cpp_sources="torch::Tensor ew(torch::Tensor x, torch::Tensor y);",
                          cuda_sources=LOAD_INLINE_CUDA, functions=["ew"], build_directory=d,
                          extra_cuda_cflags=["-O3"], verbose=False)
        x = torch.randn(4096, 1024, device="cuda")
        y = torch.randn(4096, 1024, device="cuda")
        ok = torch.allclose(mod.ew(x, y), x * torch.sigmoid(y), atol=1e-2, rtol=1e-2)
        torch.cuda.synchronize()
        times.append(time.time() - t0)
        if not ok:
            raise RuntimeError("load_inline kernel is wrong")
    return times


def run_bench(worker, refs, manifest, reps):
    cases = {c["name"]: c for c in manifest["cases"]}
    rows = []
    for kernel, task in [("ew", "elementwise"), ("red", "reduction"), ("gemm", "gemm")]:
        for mode in ("nvrtc", "nvcc"):
            case = cases["ok_%s_%s" % (kernel, mode)]
            with open(os.path.join(CORPUS, case["file"])) as f:
                base = f.read()
            lat, compile_ms, gpu_ms, statuses, cand_ms, ref_ms = [], [], [], [], [], []
            for k in range(reps):
                # A unique comment makes a new cache key: every rep compiles cold.
                src = base + "\n// bench %s\n" % uuid.uuid4().hex
                t0 = time.time()
                r = worker.call(evaluate_request(case, refs, source=src))
                lat.append(time.time() - t0)
                statuses.append(r.get("status"))
                compile_ms.append(r.get("compile_ms", 0))
                gpu_ms.append(r.get("gpu_ms", 0))
                t = r.get("timing", {})
                cand_ms.append(t.get("candidate", {}).get("median_ms"))
                ref_ms.append(t.get("reference", {}).get("median_ms"))
            rows.append({"kernel": task, "mode": mode, "reps": reps,
                         "median_latency_s": statistics.median(lat), "latencies_s": lat,
                         "median_compile_ms": statistics.median(compile_ms),
                         "median_gpu_phase_ms": statistics.median(gpu_ms),
                         "statuses": statuses, "candidate_median_ms": cand_ms,
                         "reference_median_ms": ref_ms})
    # Throughput: 8 cold nvcc candidates submitted at once (compiles overlap on the
    # worker's compile threads; GPU phases run one at a time).
    case = cases["ok_ew_nvcc"]
    with open(os.path.join(CORPUS, case["file"])) as f:
        base = f.read()
    t0 = time.time()
    rids = [worker.send(evaluate_request(case, refs, source=base + "\n// par %s\n" % uuid.uuid4().hex))
            for _ in range(8)]
    par = [worker.wait(r) for r in rids]
    wall = time.time() - t0
    rows.append({"kernel": "elementwise", "mode": "nvcc x8 concurrent", "reps": 8,
                 "median_latency_s": wall / 8, "total_wall_s": wall,
                 "median_compile_ms": statistics.median(r.get("compile_ms", 0) for r in par),
                 "statuses": [r.get("status") for r in par]})
    # Warm cache: the same candidate again never recompiles.
    case = cases["ok_ew_nvcc"]
    t0 = time.time()
    r = worker.call(evaluate_request(case, refs))
    rows.append({"kernel": "elementwise", "mode": "nvcc (warm cache)", "reps": 1,
                 "median_latency_s": time.time() - t0, "cache_hit": r.get("cache_hit"),
                 "statuses": [r.get("status")]})
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bench-reps", type=int, default=3)
    ap.add_argument("--load-inline-reps", type=int, default=1)
    ap.add_argument("--skip-suite", action="store_true")
    ap.add_argument("--skip-bench", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    import torch
    work = tempfile.mkdtemp(prefix="pike-gpu-suite-")
    refs = make_references(work)
    with open(os.path.join(CORPUS, "manifest.json")) as f:
        manifest = json.load(f)
    report = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__}
    stderr_log = os.path.join(args.out, "worker-stderr.log")

    t0 = time.time()
    worker = Worker(args.worker, os.path.join(work, "cache"), stderr_log)
    info = worker.call({"op": "device_info"})
    report["worker_start_s"] = round(time.time() - t0, 3)
    report["device_info"] = info
    print("device_info:", json.dumps(info), flush=True)
    rc = 0
    try:
        if not args.skip_suite:
            results, batch_s = run_suite(worker, refs, manifest)
            report["suite"] = results
            report["suite_nonfatal_batch_s"] = round(batch_s, 3)
            with open(os.path.join(args.out, "suite.json"), "w") as f:
                json.dump(report, f, indent=1)
            print("\n%-24s %-14s %-14s %s" % ("case", "expected", "got", "pass"))
            for r in results:
                extra = "" if r["pass"] else "   <- " + (r["reply"].get("log") or "")[:300]
                print("%-24s %-14s %-14s %s%s" % (r["name"], r["expected"], r["got"],
                                                 "PASS" if r["pass"] else "FAIL", extra))
            npass = sum(r["pass"] for r in results)
            print("suite: %d/%d passed (non-fatal batch %.1f s)" % (npass, len(results), batch_s), flush=True)
            if npass != len(results):
                rc = 1
        if not args.skip_bench:
            rows = run_bench(worker, refs, manifest, args.bench_reps)
            report["bench"] = rows
            worker.close()
            li = bench_load_inline(args.load_inline_reps) if args.load_inline_reps > 0 else []
            report["load_inline_elementwise_s"] = li
            with open(os.path.join(args.out, "bench.json"), "w") as f:
                json.dump(report, f, indent=1)
            print("\n%-12s %-18s %10s %12s %12s" % ("kernel", "mode", "latency_s", "compile_ms", "gpu_ms"))
            for r in rows:
                print("%-12s %-18s %10.3f %12s %12s  %s" % (
                    r["kernel"], r["mode"], r["median_latency_s"],
                    "%.0f" % r["median_compile_ms"] if "median_compile_ms" in r else "-",
                    "%.0f" % r["median_gpu_phase_ms"] if "median_gpu_phase_ms" in r else "-",
                    ",".join(map(str, r["statuses"]))))
            if li:
                li_med = statistics.median(li)
                ew = {r["mode"]: r["median_latency_s"] for r in rows if r["kernel"] == "elementwise"}
                print("load_inline elementwise: %.1f s (cold); worker nvrtc %.3f s (%.0fx), nvcc %.3f s (%.0fx)"
                      % (li_med, ew["nvrtc"], li_med / ew["nvrtc"], ew["nvcc"], li_med / ew["nvcc"]))
    finally:
        worker.close()
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    return rc


if __name__ == "__main__":
    sys.exit(main())
