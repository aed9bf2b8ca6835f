#!/usr/bin/env python3
"""GPU anti-cheat suite and benchmark for pike-worker (run on a GPU host by scripts/device-worker.sh).

Suite: every case of corpus/manifest.json (honest controls, and cheating, broken and hostile
candidates; see corpus.py for the manifest's fields) is evaluated by a real pike-worker and
must get one of its expected statuses, plus the hostile clients of hostile_clients.py. After
EVERY case the worker must answer a ping, and every 5 cases an honest control must still be
`ok`; a worker that stops answering is a failure (it is then restarted so the run goes on).
The worker runs with a secret in its environment (PIKE_SUITE_SECRET and fake API keys) that
must never appear in any reply. Output: a table, and suite.json with per-case expected/got/
log excerpt/timings, the device name and the summary line
"N/N as expected; honest controls H/H ok; worker alive after every case".

Benchmark: end-to-end latency (request to reply, cold compile cache) per candidate on the
NVRTC and nvcc paths, next to torch.utils.cpp_extension.load_inline for the elementwise kernel.

References are TorchScript modules generated here with torch.jit.script (conv_tf32: traced,
with cuDNN's allow_tf32=True baked in, as pike traces models).
"""
import argparse
import base64
import itertools
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import corpus  # noqa: E402
import hostile_clients as clients  # noqa: E402
from corpus import CORPUS, evaluate_request  # noqa: E402
from worker_client import Worker, WorkerDied  # noqa: E402

CONTROL_EVERY = 5
CONTROL_ROTATION = ["ok_ew_nvrtc", "ok_ew_nvcc", "ok_gemm_nvcc", "ok_red_nvrtc", "ok_gemm_nvrtc", "ok_red_nvcc"]
EXCERPT = 1500


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

    class Conv3x3(torch.nn.Module):
        def forward(self, x, w):
            return torch.nn.functional.conv2d(x, w, padding=1)

    class ChannelAffine(torch.nn.Module):
        def forward(self, x, s, b):
            return x * s.view(1, -1, 1, 1) + b.view(1, -1, 1, 1)

    paths = {}
    for name, mod in [("elementwise", Elementwise()), ("reduction", Reduction()), ("gemm", Gemm()),
                      ("affine", ChannelAffine())]:
        p = os.path.join(directory, name + ".pt")
        torch.jit.script(mod).save(p)
        paths[name] = p
    paths["elementwise_huge"] = paths["elementwise"]
    # One reference for both layouts: the worker hands it channels-last inputs
    # for affine_nhwc, and compares logically (element [n,c,h,w] with [n,c,h,w]).
    paths["affine_nhwc"] = paths["affine_nchw"] = paths.pop("affine")
    # Traced, as pike traces a model: the graph holds aten::_convolution with the
    # cuDNN TF32 flag of tracing time (PyTorch's default, True) as a constant.
    saved = torch.backends.cudnn.allow_tf32
    try:
        torch.backends.cudnn.allow_tf32 = True
        x, w = torch.randn(8, 144, 32, 32), torch.randn(64, 144, 3, 3)
        traced = torch.jit.trace(Conv3x3().eval(), (x, w))
    finally:
        torch.backends.cudnn.allow_tf32 = saved
    if "aten::_convolution" not in str(traced.graph):
        raise RuntimeError("the traced conv_tf32 reference has no aten::_convolution: %s" % traced.graph)
    paths["conv_tf32"] = os.path.join(directory, "conv_tf32.pt")
    traced.save(paths["conv_tf32"])
    return paths


def excerpt(text, n=EXCERPT):
    text = text or ""
    return text if len(text) <= n else text[:n] + "..."


def short(reply):
    keep = {k: reply.get(k) for k in ("status", "phase", "log", "compile_ms", "cache_hit", "wall_ms",
                                      "gpu_ms", "max_abs_err", "max_rel_err", "verify", "timing",
                                      "kernels_error", "first_mismatch", "fatal", "error", "phases",
                                      "checked_calls", "candidate_output", "sandbox", "runner_preload")}
    for k in ("log", "candidate_output"):
        if keep.get(k):
            keep[k] = excerpt(keep[k])
    if isinstance(reply.get("compile"), dict):
        keep["compile"] = {k: reply["compile"].get(k) for k in ("status", "cache_hit", "ms", "sandbox")}
        keep["compile"]["log"] = excerpt(reply["compile"].get("log"), 600)
    return {k: v for k, v in keep.items() if v is not None}


class Suite:
    def __init__(self, args, refs, cases, work):
        self.args = args
        self.refs = refs
        self.cases = {c["name"]: c for c in cases}
        self.order = cases
        self.work = work
        self.secret = "pike-suite-secret-" + secrets.token_hex(12)
        # The secret lives only in the workers' environment, never in this process's.
        self.env = {k: v for k, v in os.environ.items() if k != "PIKE_WORKER_TOKEN"}
        self.env.update(PIKE_SUITE_SECRET=self.secret, OPENAI_API_KEY=self.secret,
                        ANTHROPIC_API_KEY=self.secret, GEMINI_API_KEY=self.secret)
        # A leak counts in any of the encodings a candidate could use to dodge redaction.
        self.secret_forms = [f.encode() for f in (self.secret, self.secret.encode().hex(), self.secret[::-1],
                                                  base64.b64encode(self.secret.encode()).decode())]
        self.fifo = os.path.join(work, "pike-suite.fifo")
        os.mkfifo(self.fifo)
        self.secret_file = os.path.join(work, "pike-suite-secret.txt")
        with open(self.secret_file, "w") as f:
            f.write(self.secret)
        self.stderr_log = os.path.join(args.out, "worker-stderr.log")
        self.cache = os.path.join(work, "cache")
        self.results = []
        self.control_runs = []
        self.control_times = {}
        self.not_alive_after = []
        self.restarts = []
        self.since_control = 0
        self.rotation = itertools.cycle([n for n in CONTROL_ROTATION if n in self.cases])
        self.ping_timeout = 15
        self.started = time.time()
        self.on_result = None
        self.worker = Worker(args.worker, self.cache, self.stderr_log, self.env)

    def leaks(self, data):
        """The encoding ('plain', 'hex', 'reversed', 'base64') in which data holds the secret, or ''."""
        for label, form in zip(("plain", "hex", "reversed", "base64"), self.secret_forms):
            if form in data:
                return label
        return ""

    # ---- worker lifecycle ---------------------------------------------------------------
    def restart(self, why):
        self.restarts.append(why)
        self.worker.kill()
        self.worker = Worker(self.args.worker, self.cache, self.stderr_log, self.env)

    def after_case(self, name, extra_controls=()):
        """Liveness after every case: ping; honest controls when due or asked for."""
        alive, ping = self.worker.ping(timeout=self.ping_timeout)
        if not alive:
            self.not_alive_after.append(name)
            self.restart("no ping answer after %s: %s" % (name, ping.get("error", ping)))
        self.since_control += 1
        todo = list(extra_controls)
        if self.since_control >= CONTROL_EVERY and not todo:
            todo.append({"control": next(self.rotation)})
        if todo:
            self.since_control = 0
        for spec in todo:
            self.run_control(spec["control"], cold=spec.get("cold", False), after=name)
        return alive

    # ---- honest controls ----------------------------------------------------------------
    def run_control(self, name, cold=False, after=None):
        case = self.cases[name]
        src = corpus.read_source(case)
        if cold:
            src += "\n// cold compile %s\n" % uuid.uuid4().hex
        t0 = time.time()
        try:
            r = self.worker.call(evaluate_request(case, self.refs, source=src), timeout=corpus.DEFAULT_MAX_SECONDS)
            status = r.get("status")
        except (TimeoutError, WorkerDied) as e:
            r, status = {}, "no reply: %s" % e
        med = corpus.candidate_median(r)
        if status == "ok" and med:
            self.control_times.setdefault(name, []).append(med)
        entry = {"name": name, "after": after, "cold": cold, "status": status, "pass": status == "ok",
                 "seconds": round(time.time() - t0, 3), "candidate_median_ms": med,
                 "log": excerpt(r.get("log"), 600)}
        self.control_runs.append(entry)
        return entry

    def control_median(self, name):
        t = self.control_times.get(name)
        return statistics.median(t) if t else None

    # ---- manifest cases -----------------------------------------------------------------
    def classify(self, case, status, reply):
        """(verdict, pass) for one reply."""
        exp = corpus.expected_list(corpus.case_expected(case))
        if status != "ok":
            return status, status in exp
        if "ok" in exp:
            return "ok", True
        if "ok_honest_time" in exp:
            ctl = self.control_median(corpus.honest_control_name(case))
            cand = corpus.candidate_median(reply)
            if not ctl or not cand:
                return "ok (no time to compare: candidate %s, control %s)" % (cand, ctl), False
            ratio = cand / ctl
            if ratio >= corpus.HONEST_TIME_FACTOR:
                return "ok_honest_time", True
            return "ok with a fake speed-up (%.2fx of the honest control's time)" % ratio, False
        return "ok", False

    def fifo_reader_left(self):
        """True if some process still blocks reading the FIFO (then it is released with EOF)."""
        try:
            fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return False
        os.close(fd)
        return True

    def run_case(self, case):
        name = case["name"]
        max_s = case.get("max_seconds", corpus.DEFAULT_MAX_SECONDS)
        uses_fifo = "@FIFO@" in json.dumps(case) or (case.get("template") and "@FIFO@" in corpus.read_source(case))
        attempts = []
        worker, stray0, raw0 = self.worker, self.worker.stray_count(), len(self.worker.raw)
        for k in range(case.get("repeat", 1)):
            rid = "%s-%d-%s" % (name, k, uuid.uuid4().hex[:8])
            req = evaluate_request(case, self.refs, fifo=self.fifo, request_id=rid, secret_file=self.secret_file)
            t0 = time.time()
            try:
                self.worker.send(req, rid)
                r, err = self.worker.wait(rid, timeout=max_s), None
            except (TimeoutError, WorkerDied) as e:
                r, err = {}, str(e)
            dt = time.time() - t0
            if case.get("template"):
                time.sleep(1.0)  # a forged line arriving late is still caught
            status = r.get("status") if r else "no reply (%s)" % err
            verdict, ok = self.classify(case, status, r)
            if corpus.is_control(case) and status == "ok" and corpus.candidate_median(r):
                self.control_times.setdefault(name, []).append(corpus.candidate_median(r))
            checks = []
            if dt > max_s:
                checks.append("reply after %.1f s (limit %d s)" % (dt, max_s))
            if r:
                checks += corpus.reply_checks(case, r)
            if uses_fifo and self.fifo_reader_left():
                checks.append("a process was still blocked reading the FIFO after the reply")
            attempts.append({"verdict": verdict, "status": status, "pass": ok and not checks, "checks": checks,
                             "seconds": round(dt, 3), "candidate_median_ms": corpus.candidate_median(r),
                             "reply": short(r) if r else {"error": err}})
            if not r and err and "exited" in err:
                break
        extra = list(case.get("check_after", []))
        if case.get("fatal") and not extra:
            extra = [{"control": "ok_ew_nvrtc"}]
        n_controls = len(self.control_runs)
        alive = self.after_case(name, extra)
        after = self.control_runs[n_controls:]
        # Checked after the ping: its reply comes after any line the worker wrote before it.
        late = []
        strays = worker.stray[stray0:]
        if strays:
            late.append("%d reply lines nobody asked for (forged or duplicated), first: %r"
                        % (len(strays), strays[0][1][:200]))
        raw = b"".join(worker.raw[raw0:])
        if self.leaks(raw):
            late.append("the worker's secret appears in a reply (%s)" % self.leaks(raw))
        for text in case.get("forbid_in_reply", []):
            if text.encode() in raw:
                late.append("forbidden text %r in a reply" % text)
        late += ["honest control %s right after it: %s" % (c["name"], c["status"]) for c in after if not c["pass"]]
        if not alive:
            late.append("the worker did not answer a ping after it")
        if late:
            attempts[-1]["checks"] += late
            attempts[-1]["pass"] = False
        passed = all(a["pass"] for a in attempts) and alive and all(c["pass"] for c in after)
        ctl = corpus.honest_control_name(case) if "ok_honest_time" in corpus.expected_list(corpus.case_expected(case)) else None
        res = {"name": name, "class": case["class"], "mode": case["mode"], "task": case["task"],
               "expected": corpus.case_expected(case), "got": " / ".join(a["verdict"] for a in attempts),
               "pass": passed, "why": case["why"], "alive_after": alive,
               "checks": [c for a in attempts for c in a["checks"]],
               "seconds": [a["seconds"] for a in attempts],
               "candidate_median_ms": [a["candidate_median_ms"] for a in attempts],
               "honest_control": ctl, "honest_control_median_ms": self.control_median(ctl) if ctl else None,
               "controls_after": [{k: c[k] for k in ("name", "status", "cold")} for c in after],
               "log": excerpt(" | ".join((a["reply"].get("log") or a["reply"].get("error") or "") for a in attempts)),
               "candidate_output": excerpt(" | ".join(a["reply"].get("candidate_output") or "" for a in attempts), 600),
               "replies": [a["reply"] for a in attempts]}
        return res

    def prewarm(self):
        """Compiles the plain candidates up front, several at once, so evaluations hit the cache."""
        rids = []
        for c in self.order:
            if c.get("template") or c.get("flags") or c["class"] == "compile" or c.get("prewarm") is False:
                continue
            req = evaluate_request(c, self.refs)
            rids.append(self.worker.send({"op": "compile", "candidate": req["candidate"]}))
        for rid in rids:
            try:
                self.worker.wait(rid, timeout=600)
            except (TimeoutError, WorkerDied):
                break

    # ---- hostile clients ------------------------------------------------------------------
    def record_client(self, name, fn, on_main_worker):
        if getattr(self.args, "clients", None) and not re.search(self.args.clients, name):
            return
        try:
            res = fn()
        except Exception as e:  # a driver bug or an unforeseen worker behaviour: a failed case
            res = clients.result(name, "(the client case raised)", False, "exception: %r" % (e,))
        if on_main_worker:
            n_controls = len(self.control_runs)
            res["alive_after"] = self.after_case(res["name"])
            bad = [c for c in self.control_runs[n_controls:] if not c["pass"]]
            res["checks"] = (["the worker did not answer a ping after it"] if not res["alive_after"] else []) + \
                ["honest control %s right after it: %s" % (c["name"], c["status"]) for c in bad]
            res["pass"] = res["pass"] and not res["checks"]
        if self.leaks(json.dumps(res).encode()):
            res["pass"] = False
            res["checks"] = res.get("checks", []) + ["the worker's secret appears in a reply"]
        self.record(res)

    def run_clients(self):
        good = self.cases["ok_ew_nvrtc"]
        exe, env, log, work, refs = self.args.worker, self.env, self.stderr_log, self.work, self.refs
        # Lambdas read self.worker when called: it may have been restarted by the case before.
        self.record_client("client_deep_json", lambda: clients.deep_json(self.worker), True)
        self.record_client("client_line_over_limit",
                           lambda: clients.line_over_limit(self.worker, self.args.max_line_mib << 20), True)
        self.record_client("client_garbage_lines", lambda: clients.garbage_lines(self.worker), True)
        self.record_client("client_absurd_shapes", lambda: clients.absurd_shapes(self.worker, refs, good), True)
        self.record_client("reference_only_timing", lambda: reference_only(self.worker, refs, good), True)
        self.record_client("reference_not_timed", lambda: reference_not_timed(self.worker, refs, good), True)
        gemm = self.cases["ok_gemm_nvrtc"]
        self.record_client("reference_tf32", lambda: reference_tf32(self.worker, refs, gemm), True)
        self.record_client("client_stdin_closed_at_start",
                           lambda: clients.stdin_closed_at_start(exe, env, work, log, self.args.stdin_runs), False)
        self.record_client("client_eof_mid_line", lambda: clients.eof_mid_line(exe, env, work, log, refs, good), False)
        self.record_client("client_map_stall_retried",
                           lambda: clients.map_stall_retried(exe, env, work, log, refs, good), False)
        self.record_client("client_listen_without_token",
                           lambda: clients.listen_without_token(exe, env, work, log), False)
        self.record_client("client_token_auth", lambda: clients.token_auth(exe, env, work, log, refs, good), False)
        self.record_client("client_tcp_misbehaving",
                           lambda: clients.tcp_misbehaving_clients(exe, env, work, log, refs, good), False)

    # ---- whole run ----------------------------------------------------------------------
    def run(self, only=None, skip_clients=False):
        pick = (lambda n: re.search(only, n)) if only else (lambda n: True)
        t0 = self.started = time.time()
        if not self.args.no_prewarm:
            self.prewarm()
            print("(prewarm: %.1f s)" % (time.time() - t0), flush=True)
        for c in self.order:  # baselines first: ok_honest_time compares with them
            if corpus.is_control(c):
                self.run_case_safely(c)
        if not skip_clients and not self.out_of_time():
            self.run_clients()
        for c in self.order:
            if not corpus.is_control(c) and pick(c["name"]):
                self.run_case_safely(c)

    def run_case_safely(self, case):
        if self.out_of_time():
            self.record({"name": case["name"], "class": case["class"], "expected": corpus.case_expected(case),
                         "got": "not run: the suite's time budget (%d s) is spent" % self.args.budget_s,
                         "pass": False, "why": case["why"], "checks": []})
            return
        try:
            res = self.run_case(case)
        except Exception as e:  # a driver bug: the case fails, the run goes on
            res = {"name": case["name"], "class": case["class"], "expected": corpus.case_expected(case),
                   "got": "exception: %r" % (e,), "pass": False, "why": case["why"], "checks": []}
            self.after_case(case["name"])
        self.record(res)

    def record(self, res):
        self.results.append(res)
        print_row(res)
        if self.on_result:
            self.on_result()  # suite.json so far: a run cut short still leaves its results

    def out_of_time(self):
        return time.time() - self.started > self.args.budget_s

    def summary(self):
        n = len(self.results)
        npass = sum(r["pass"] for r in self.results)
        controls = [r for r in self.results if r["class"] == "control"]
        h_total = len(controls) + len(self.control_runs)
        h_ok = sum(r["pass"] for r in controls) + sum(c["pass"] for c in self.control_runs)
        alive = ("worker alive after every case" if not self.not_alive_after else
                 "worker NOT alive after: " + ", ".join(self.not_alive_after))
        return "%d/%d as expected; honest controls %d/%d ok; %s" % (npass, n, h_ok, h_total, alive)

    def ok(self):
        return (all(r["pass"] for r in self.results) and all(c["pass"] for c in self.control_runs)
                and not self.not_alive_after)


def print_row(r):
    exp = r["expected"] if isinstance(r["expected"], str) else "|".join(r["expected"])
    extra = ""
    if not r["pass"]:
        extra = "   <- " + "; ".join(r.get("checks") or []) + " " + (r.get("log") or "")[:300]
    print("%-30s %-10s %-34s %-30s %s%s" % (r["name"], r["class"], exp[:34], str(r["got"])[:60],
                                           "PASS" if r["pass"] else "FAIL", extra), flush=True)


def reference_only(worker, refs, good):
    """order=profile's request: candidate.mode "reference" times the reference alone
    (no compile), with the reference's outputs checked against the signature."""
    req = evaluate_request(good, refs)
    req["candidate"] = {"mode": "reference"}
    try:
        r = worker.call(req, timeout=corpus.DEFAULT_MAX_SECONDS)
        bad = evaluate_request(good, refs)
        bad["candidate"] = {"mode": "reference"}
        bad["outputs"] = [dict(o, shape=[1] + list(o["shape"])) for o in bad["outputs"]]
        rb = worker.call(bad, timeout=corpus.DEFAULT_MAX_SECONDS)
    except (TimeoutError, WorkerDied) as e:
        return clients.result("reference_only_timing", "candidate.mode=reference", False, str(e))
    timing = (r.get("timing") or {}).get("reference") or {}
    ok = (r.get("status") == "ok" and (r.get("verify") or {}).get("reference_only") is True
          and "candidate" not in (r.get("timing") or {}) and (timing.get("median_ms") or 0) > 0)
    res = clients.result("reference_only_timing", "candidate.mode=reference: reference timed alone; a wrong "
                         "signature is refused", ok and rb.get("status") != "ok",
                         "%s / %s" % (r.get("status"), rb.get("status")))
    res["expected"] = "ok / not ok"
    return res


def refused_timing_field(worker, refs, case, field, value):
    """The error code of a request whose timing.<field> is `value` (not a boolean);
    "bad_request" only when the log names the field."""
    bad = evaluate_request(case, refs)
    bad["timing"][field] = value
    rb = worker.call(bad, timeout=corpus.DEFAULT_MAX_SECONDS)
    code = (rb.get("error") or {}).get("code")
    return code if "timing." + field in (rb.get("log") or "") else "%s (log without timing.%s)" % (code, field)


def reference_not_timed(worker, refs, good):
    """timing.reference=false (pike-opt's search after a slot's first evaluation):
    the candidate is verified and timed as always, plainly and replayed from a CUDA
    graph, but the reference is not timed (no timing.reference, no
    phases.time_reference_ms); a non-boolean value is a bad_request."""
    got = []
    ok = True
    try:
        for graph in (False, True):
            req = evaluate_request(good, refs)
            req["timing"]["reference"] = False
            req["timing"]["cuda_graph"] = graph
            r = worker.call(req, timeout=corpus.DEFAULT_MAX_SECONDS)
            timing = r.get("timing") or {}
            cand = timing.get("candidate") or {}
            fine = (r.get("status") == "ok" and (cand.get("median_ms") or 0) > 0 and cand.get("checked") is True
                    and cand.get("cuda_graph") is graph and "reference" not in timing
                    and "time_reference_ms" not in (r.get("phases") or {}))
            ok = ok and fine
            got.append("%s%s" % (r.get("status"), "" if fine else " (timing %s, phases %s)" % (
                json.dumps(timing)[:200], json.dumps(r.get("phases"))[:200])))
        code = refused_timing_field(worker, refs, good, "reference", "no")
        ok = ok and code == "bad_request"
        got.append(str(code))
    except (TimeoutError, WorkerDied) as e:
        return clients.result("reference_not_timed", "timing.reference=false", False, str(e))
    res = clients.result("reference_not_timed", "timing.reference=false: the candidate is timed, the reference "
                         "is not (plain and CUDA-graph timing); a non-boolean is refused", ok, " / ".join(got))
    res["expected"] = "ok / ok / bad_request"
    return res


def reference_tf32(worker, refs, gemm):
    """timing.reference_tf32 (pike-opt's searches under a relaxed policy): the
    reference is timed with TF32 on, as that policy's package runs it, and says
    so (timing.reference.tf32); the candidate is still verified against the
    strict-fp32 reference (an honest fp32 GEMM passes both ways); a non-boolean
    value is a bad_request."""
    got = []
    ok = True
    try:
        for value in (False, True):
            req = evaluate_request(gemm, refs)
            req["timing"]["reference_tf32"] = value
            r = worker.call(req, timeout=corpus.DEFAULT_MAX_SECONDS)
            ref = (r.get("timing") or {}).get("reference") or {}
            fine = (r.get("status") == "ok" and ref.get("tf32") is value and (ref.get("median_ms") or 0) > 0)
            ok = ok and fine
            got.append("%s reference %.4f ms%s" % (r.get("status"), ref.get("median_ms") or 0,
                                                     "" if fine else " (timing %s)" % json.dumps(r.get("timing"))[:200]))
        code = refused_timing_field(worker, refs, gemm, "reference_tf32", "yes")
        ok = ok and code == "bad_request"
        got.append(str(code))
    except (TimeoutError, WorkerDied) as e:
        return clients.result("reference_tf32", "timing.reference_tf32", False, str(e))
    res = clients.result("reference_tf32", "timing.reference_tf32: the reference timed with TF32 on and saying "
                         "so, the candidate checked as always; a non-boolean is refused", ok, " / ".join(got))
    res["expected"] = "ok / ok / bad_request"
    return res


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


def git_commit():
    try:
        return subprocess.run(["git", "-C", HERE, "rev-parse", "HEAD"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout.strip() or None
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bench-reps", type=int, default=3)
    ap.add_argument("--load-inline-reps", type=int, default=1)
    ap.add_argument("--skip-suite", action="store_true")
    ap.add_argument("--skip-bench", action="store_true")
    ap.add_argument("--skip-clients", action="store_true", help="manifest cases only")
    ap.add_argument("--cuda-graph", action="store_true",
                    help="every request asks for CUDA-graph timing (timing.cuda_graph, as pike-opt's search does); "
                         "a case's expected_cuda_graph then replaces its expected")
    ap.add_argument("--only", help="regex: run only the non-control cases whose name matches")
    ap.add_argument("--clients", help="regex: run only the client cases whose name matches")
    ap.add_argument("--max-line-mib", type=int, default=64, help="the worker's request line limit")
    ap.add_argument("--stdin-runs", type=int, default=10)
    ap.add_argument("--no-prewarm", action="store_true", help="no compile-only requests ahead of the cases")
    ap.add_argument("--budget-s", type=int, default=480,
                    help="stop starting cases after this many seconds (the rest fail as 'not run')")
    args = ap.parse_args()
    corpus.CUDA_GRAPH = args.cuda_graph
    os.makedirs(args.out, exist_ok=True)
    import torch
    work = tempfile.mkdtemp(prefix="pike-gpu-suite-")
    refs = make_references(work)
    cases = corpus.load_manifest()
    try:
        device = torch.cuda.get_device_name(0)
    except (RuntimeError, AssertionError) as e:  # a CPU dry run of the driver
        device = "no CUDA device (%s)" % str(e).splitlines()[0]
    report = {"device": device, "torch": torch.__version__, "commit": git_commit(),
              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    rc = 0
    if not args.skip_suite:
        t0 = time.time()
        suite = Suite(args, refs, cases, work)
        info = suite.worker.call({"op": "device_info"}, timeout=120)
        report["worker_start_s"] = round(time.time() - t0, 3)
        report["device_info"] = info
        print("device_info:", json.dumps(info), flush=True)
        print("\n%-30s %-10s %-34s %-30s %s" % ("case", "class", "expected", "got", "pass"))

        def save():
            report["suite_s"] = round(time.time() - t0, 1)
            report["summary"] = suite.summary()
            report["cases"] = suite.results
            report["honest_control_runs"] = suite.control_runs
            report["honest_control_medians_ms"] = {k: suite.control_median(k) for k in suite.control_times}
            report["worker_restarts"] = suite.restarts
            report["hostile_cases"] = sum(r["class"] != "control" for r in suite.results)
            with open(os.path.join(args.out, "suite.json.tmp"), "w") as f:
                json.dump(report, f, indent=1)
            os.replace(os.path.join(args.out, "suite.json.tmp"), os.path.join(args.out, "suite.json"))

        suite.on_result = save
        try:
            suite.run(only=args.only, skip_clients=args.skip_clients)
        finally:
            suite.worker.close()
        save()
        failed = [r["name"] for r in suite.results if not r["pass"]]
        failed += ["control %s after %s" % (c["name"], c["after"]) for c in suite.control_runs if not c["pass"]]
        if failed:
            print("failed: " + ", ".join(failed))
        print("suite: " + report["summary"] + " (%d hostile cases, %.0f s)" % (report["hostile_cases"],
                                                                             report["suite_s"]), flush=True)
        if not suite.ok():
            rc = 1
    if not args.skip_bench:
        # A worker of its own with a fresh cache: the suite's cache may have been attacked.
        worker = Worker(args.worker, os.path.join(work, "bench-cache"), os.path.join(args.out, "worker-stderr.log"),
                        os.environ.copy())
        try:
            rows = run_bench(worker, refs, {"cases": cases}, args.bench_reps)
        finally:
            worker.close()
        report["bench"] = rows
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
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    return rc


if __name__ == "__main__":
    sys.exit(main())
