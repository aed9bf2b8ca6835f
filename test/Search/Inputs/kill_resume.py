"""Kills a real `pike-opt -pike-search` (built-in proposer, pike-worker in its
TEST-ONLY fake-GPU mode) with SIGKILL at several moments, resumes it each time,
and checks that what the resumed search leaves behind is byte-identical to an
uninterrupted run of the same search: the checkpoint (every job's candidate
source and knobs, in order), the tuning database, the package, and the search
report's state.

usage: kill_resume.py PIKE_WORKER INPUT.mlir WORKDIR [PARALLEL]
pike-opt comes from PATH. Prints one line per check; exits 1 if any fails.
With PARALLEL > 1 (jobs in flight at once) records reach the checkpoint in
completion order, so the checkpoint must hold the same lines, in any order;
everything else must still be byte-identical.
"""
import filecmp
import json
import os
import shutil
import signal
import subprocess
import sys
import time

worker, model, root = sys.argv[1:4]
parallel = int(sys.argv[4]) if len(sys.argv) > 4 else 1
# Job records (proposal + eval) the checkpoint must hold before each kill: after
# the first job, after three jobs, after seven, and between a proposal and its
# evaluation (an odd count).
KILL_AT = [2, 6, 14, 41]
SEARCH = f"budget=12,islands=2,elite-k=3,generation-size=4,parallel={parallel},seed=7"

env = dict(os.environ, PIKE_WORKER_TEST_OPS="1", PIKE_WORKER_FAKE_GPU="1")
# Relative paths only: both runs must write the same bytes (references, db keys).
cmd = ["pike-opt", os.path.abspath(model), "--emit=package", "--build-package=false", "-o", "pkg",
       f"-pike-search=worker-path={worker} work-dir=work db=tune.db search={SEARCH}"]


def job_records(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return 0
    lines = data.split(b"\n")[:-1]  # complete lines only
    return sum(1 for l in lines if b'"type":"proposal"' in l or b'"type":"eval"' in l)


def run_to_end(cwd):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"pike-opt exited {p.returncode} in {os.path.basename(cwd)}:\n{p.stderr[-3000:]}")
    return p.returncode


shutil.rmtree(root, ignore_errors=True)
straight = os.path.join(root, "straight")
killed = os.path.join(root, "killed")
os.makedirs(straight)
os.makedirs(killed)
ok = run_to_end(straight) == 0
checkpoint = os.path.join(killed, "work", "checkpoint.jsonl")
total = job_records(os.path.join(straight, "work", "checkpoint.jsonl"))
print(f"uninterrupted run: {total} job records")

for n, at in enumerate(KILL_AT, 1):
    p = subprocess.Popen(cmd, cwd=killed, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    while p.poll() is None and job_records(checkpoint) < at:
        time.sleep(0.001)
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
    err = p.communicate()[1]
    if p.returncode == -signal.SIGKILL:
        print(f"kill {n}: SIGKILL with at least {at} job records")
    else:
        ok = False
        print(f"kill {n}: pike-opt ended with {p.returncode} before it could be killed at {at} "
              f"job records:\n{err[-3000:]}")
ok &= run_to_end(killed) == 0


def jobs(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            r = json.loads(line)
            if r.get("type") == "proposal":
                out[r["job"]] = json.dumps([r.get("code"), r.get("parents")], sort_keys=True)
    return out


a = jobs(os.path.join(straight, "work", "checkpoint.jsonl"))
b = jobs(checkpoint)
differ = sum(1 for k in set(a) | set(b) if a.get(k) != b.get(k))
print(f"jobs whose candidate or parents differ: {differ} of {len(a)}")
ok &= differ == 0


def same(rel):
    pa, pb = os.path.join(straight, rel), os.path.join(killed, rel)
    equal = os.path.exists(pa) and os.path.exists(pb) and filecmp.cmp(pa, pb, shallow=False)
    print(f"{rel}: {'identical' if equal else 'DIFFERENT'}")
    return equal


def checkpoint_lines(base):
    """The checkpoint's lines, less which evaluation timed each slot's reference:
    the workers' client times a slot's reference once per process and lends that
    time to the slot's later evaluations (docs/worker-protocol.md, "Timing the
    reference once per slot"), so a resumed process times it again, and with jobs
    in flight at once which evaluation times it depends on thread timing. The
    time itself (the fake GPU's) and everything else must match."""
    out = []
    for line in open(os.path.join(base, "work", "checkpoint.jsonl")).read().splitlines():
        r = json.loads(line)
        details = ((r.get("candidate") or {}).get("result") or {}).get("details") if r.get("type") == "eval" else None
        if isinstance(details, dict):
            ref = (details.get("timing") or {}).get("reference")
            if isinstance(ref, dict):
                for k in ("reused", "measured_with_candidate", "measured_on"):
                    ref.pop(k, None)
            (details.get("test_fake_timing_request") or {}).pop("reference", None)
            line = json.dumps(r, sort_keys=True)
        out.append(line)
    return out


lines = [checkpoint_lines(d) for d in (straight, killed)]
if parallel == 1:
    print(f"work/checkpoint.jsonl: {'identical' if lines[0] == lines[1] else 'DIFFERENT'}")
else:
    lines = [sorted(x) for x in lines]
    print(f"work/checkpoint.jsonl: {'same lines' if lines[0] == lines[1] else 'DIFFERENT'}")
ok &= lines[0] == lines[1]
ok &= same("tune.db")
files = sorted(os.path.relpath(os.path.join(d, f), os.path.join(straight, "pkg"))
               for d, _, fs in os.walk(os.path.join(straight, "pkg")) for f in fs)
differing = [f for f in files if not filecmp.cmp(os.path.join(straight, "pkg", f),
                                                  os.path.join(killed, "pkg", f), shallow=False)
             if os.path.exists(os.path.join(killed, "pkg", f))]
missing = [f for f in files if not os.path.exists(os.path.join(killed, "pkg", f))]
kernels = [f for f in files if f.startswith("kernels/")]
print(f"package: {len(files)} files ({len(kernels)} kernel sources), "
      f"{len(differing)} differ, {len(missing)} missing")
ok &= bool(kernels) and not differing and not missing


def state(base):
    with open(os.path.join(base, "work", "search-report.json")) as f:
        r = json.load(f)
    # How the run got there (replayed jobs, resume warnings, job times) may differ; the result may not.
    for k in ("replayedJobs", "newQueries", "warnings", "time"):
        r.pop(k, None)
    return r


equal = state(straight) == state(killed)
print(f"search state: {'identical' if equal else 'DIFFERENT'}")
ok &= equal
print("RESUME EXACT" if ok else "RESUME DIFFERS")
sys.exit(0 if ok else 1)
