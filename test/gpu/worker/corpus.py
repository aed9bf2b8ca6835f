"""The GPU corpus of pike-worker: tasks, the manifest's vocabulary, evaluate requests.

Shared by run_suite.py (on the GPU host) and check_corpus.py (CPU check); no torch here.

A manifest case (corpus/manifest.json) names a source file, a task, a mode and:
  expected          a status or a list of acceptable statuses (STATUSES). `ok_honest_time`
                    means: status ok AND candidate median time >= HONEST_TIME_FACTOR x the
                    median of the matching honest control in the same run (for cheats whose
                    trick the evaluator neutralises so that the kernel ends up doing the full
                    work on every call).
  why               what the candidate does and why that status is expected.
  class             control (honest, must be ok), cheat, broken, timing, stream, isolation,
                    process, secrets, memory, compile, launch, reference, precision, layout.
optional:
  launches          NVRTC launch list (as in the protocol).
  flags             client compile flags.
  template          the source holds @REQ_ID@ (the id the suite will use for the request),
                    @FIFO@ (a FIFO the suite creates) and/or @SECRET_FILE@ (a file holding
                    the suite's secret); the suite substitutes them.
  reference         reference path instead of the task's module (@FIFO@ allowed).
  deadline_ms, compile_timeout_ms   request limits.
  max_seconds       the reply must arrive within this many seconds (default 90).
  repeat            send the same request this many times (each reply must match).
  forbid_in_reply   strings that must never appear in the reply line.
  honest_control    the control for ok_honest_time (default ok_<task>_<mode>).
  check_after       honest controls to evaluate right after this case ({"control": name,
                    "cold": true compiles it afresh}); `fatal: true` implies ok_ew_nvrtc.
  prewarm           false: never sent as a compile-only request ahead of the suite.
  expect_reply      {dotted path: value}: the reply must hold exactly this value there
                    ("verify.reference_tf32": true); checked whatever the status.
  expect_positive   [dotted path]: the number there, or every number of the list there,
                    must be > 0 ("verify.tf32_noise_per_output").
  tf32_bound        true: the request carries tf32_bound (pike-opt's strict fp32 policy:
                    no rtol slack where the reference has TF32 sites).
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")

STATUSES = {"ok", "ok_honest_time", "compile_error", "runtime_error", "incorrect", "timeout", "rejected"}
HONEST_TIME_FACTOR = 0.7
DEFAULT_MAX_SECONDS = 90

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
    # Issue #14: a 3x3 convolution (pad 1) whose reference is traced with cuDNN's
    # allow_tf32=True baked into aten::_convolution, so it computes in TF32.
    "conv_tf32": {
        "inputs": [{"shape": [8, 144, 32, 32], "dtype": "float32", "init": "normal"},
                   {"shape": [64, 144, 3, 3], "dtype": "float32", "init": "normal"}],
        "outputs": [{"shape": [8, 64, 32, 32], "dtype": "float32"}],
    },
    # A per-channel affine map (x * s[c] + b[c]) of a channel-last slot: x and out
    # are stored channels-last ("layout": "nhwc"), s and b (rank 1) contiguous.
    # The kernel gets only pointers, so only the layout tells it where channel c is.
    "affine_nhwc": {
        "inputs": [{"shape": [2, 8, 5, 7], "dtype": "float32", "init": "normal", "layout": "nhwc"},
                   {"shape": [8], "dtype": "float32", "init": "normal"},
                   {"shape": [8], "dtype": "float32", "init": "normal"}],
        "outputs": [{"shape": [2, 8, 5, 7], "dtype": "float32", "layout": "nhwc"}],
    },
    # The same map with every tensor contiguous (NCHW), as without "layout".
    "affine_nchw": {
        "inputs": [{"shape": [2, 8, 5, 7], "dtype": "float32", "init": "normal"},
                   {"shape": [8], "dtype": "float32", "init": "normal"},
                   {"shape": [8], "dtype": "float32", "init": "normal"}],
        "outputs": [{"shape": [2, 8, 5, 7], "dtype": "float32"}],
    },
}
TASK_SHORT = {"elementwise": "ew", "elementwise_huge": "ew", "reduction": "red", "gemm": "gemm",
              "conv_tf32": "conv", "affine_nhwc": "affine_nhwc", "affine_nchw": "affine_nchw"}


def load_manifest():
    with open(os.path.join(CORPUS, "manifest.json")) as f:
        return json.load(f)["cases"]


def expected_list(expected):
    if isinstance(expected, str):
        return [expected]
    if isinstance(expected, list) and all(isinstance(e, str) for e in expected):
        return list(expected)
    return []


# run_suite.py --cuda-graph: requests ask for CUDA-graph timing (the search's default), and a
# case may expect other statuses there (expected_cuda_graph): a launcher that cannot be
# captured, or whose side-stream work runs only at capture time, fails differently.
CUDA_GRAPH = False


def case_expected(case):
    if CUDA_GRAPH and "expected_cuda_graph" in case:
        return case["expected_cuda_graph"]
    return case["expected"]


def honest_control_name(case):
    return case.get("honest_control") or "ok_%s_%s" % (TASK_SHORT.get(case.get("task"), "?"), case.get("mode"))


def is_control(case):
    return case.get("class") == "control"


def substitute(text, mapping):
    for k, v in mapping.items():
        text = text.replace(k, v)
    return text


def read_source(case):
    with open(os.path.join(CORPUS, case["file"])) as f:
        return f.read()


def evaluate_request(case, refs, source=None, timing=None, fifo=None, request_id=None, secret_file=None):
    """The evaluate request of a manifest case (without protocol/id)."""
    task = TASKS[case["task"]]
    if source is None:
        source = read_source(case)
    if case.get("template"):
        source = substitute(source, {"@REQ_ID@": request_id or "", "@FIFO@": fifo or "/nonexistent",
                                     "@SECRET_FILE@": secret_file or "/nonexistent"})
    cand = {"source": source, "mode": case["mode"]}
    if case["mode"] == "nvrtc":
        cand["launches"] = case["launches"]
    else:
        cand["entry"] = case.get("entry", "pike_entry")
    if case.get("flags"):
        cand["flags"] = case["flags"]
    reference = refs[case["task"]]
    if case.get("reference"):
        reference = substitute(case["reference"], {"@FIFO@": fifo or "/nonexistent"})
    req = {"op": "evaluate", "candidate": cand, "reference": {"torchscript": reference},
           "inputs": task["inputs"], "outputs": task["outputs"], "seeds": [1, 2, 3],
           "atol": 1e-2, "rtol": 1e-2, "deadline_ms": case.get("deadline_ms", 30000),
           "timing": dict(timing or {"warmup": 3, "budget_ms": 50, "min_reps": 10, "max_reps": 1000})}
    if CUDA_GRAPH:
        req["timing"]["cuda_graph"] = True
    if case.get("compile_timeout_ms"):
        req["compile_timeout_ms"] = case["compile_timeout_ms"]
    if case.get("tf32_bound"):
        req["tf32_bound"] = True
    return req


_MISSING = object()


def reply_value(reply, path):
    """The value at a dotted path of a reply ("verify.atol_per_output"), or _MISSING."""
    v = reply
    for part in path.split("."):
        if not isinstance(v, dict) or part not in v:
            return _MISSING
        v = v[part]
    return v


def reply_checks(case, reply):
    """What a reply breaks of the case's expect_reply / expect_positive (empty: nothing)."""
    problems = []
    for path, want in (case.get("expect_reply") or {}).items():
        got = reply_value(reply, path)
        if got is _MISSING:
            problems.append("reply has no %s (expected %r)" % (path, want))
        elif got != want:
            problems.append("reply's %s is %r, expected %r" % (path, got, want))
    for path in case.get("expect_positive") or []:
        got = reply_value(reply, path)
        values = got if isinstance(got, list) else [got]
        if got is _MISSING or not values or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in values):
            problems.append("reply's %s is %s, expected > 0" % (path, "missing" if got is _MISSING else repr(got)))
    return problems


def candidate_median(reply):
    return ((reply.get("timing") or {}).get("candidate") or {}).get("median_ms")
