"""End to end on a machine without a GPU: pike-opt -pike-llm-search against the
scripted server. The proposal has a typo, the Clang checker rejects it before
any GPU time, the fix agent gets the checker's diagnostics and answers with the
right kernel, the checker accepts it and pike-worker is asked to evaluate it.
The worker runs as a TEST-ONLY fake GPU (a search whose worker sees no GPU stops
before its first query); its verdict is a hash of the kernel.

usage: cpu_chain.py MODEL.pt SPEC.json WORKER WORKDIR [MODE]
MODE: record-dir (default: llm=...,record-dir=WORKDIR/rec), record-flag
(pike-opt --llm-record=WORKDIR/rec) or replay-flag=DIR (pike-opt --llm-replay=DIR:
no request reaches the server).
Prints the requests the server saw, in order, and the slot's report line.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
model, spec, worker, work = sys.argv[1:5]
mode = sys.argv[5] if len(sys.argv) > 5 else "record-dir"
chain = os.path.join(HERE, "..", "llm_recordings", "relu_fix_chain")
os.makedirs(work, exist_ok=True)
script = {"replies": [
    {"match": "# Task: a fast CUDA kernel", "text_file": os.path.join(chain, "01-propose.md")},
    {"match": "## What went wrong: rejected", "text_file": os.path.join(chain, "03-fix.md")},
]}
with open(os.path.join(work, "script.json"), "w") as f:
    json.dump(script, f)
log = os.path.join(work, "requests.jsonl")
server = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), "--script",
                           os.path.join(work, "script.json"), "--log", log],
                          stdout=subprocess.PIPE, text=True)
try:
    port = int(server.stdout.readline().split()[1])
    llm = f"provider=openai,model=scripted,base-url=http://127.0.0.1:{port}/v1,retries=0"
    flags = []
    if mode == "record-dir":
        llm += f",record-dir={work}/rec"
    elif mode == "record-flag":
        flags = [f"--llm-record={work}/rec"]
    elif mode.startswith("replay-flag="):
        flags = ["--llm-replay=" + mode[len("replay-flag="):]]
    else:
        sys.exit("unknown mode " + mode)
    opts = (f"llm=\"{llm}\" workers=local:1 worker-path={worker} "
            f"work-dir={work}/search search=budget=3,fix-attempts=2,parallel=1,generation-size=1")
    env = dict(os.environ, PIKE_WORKER_TEST_OPS="1", PIKE_WORKER_FAKE_GPU="1")
    p = subprocess.run(["pike-opt", model, "--input-spec", spec, "--emit=package", "-o",
                        os.path.join(work, "pkg"), "--cuda-arch=sm_90", f"-pike-llm-search={opts}"] + flags,
                       capture_output=True, text=True, env=env)
    print("pike-opt exit", p.returncode)
    if p.returncode != 0:
        print(p.stderr[-2000:])
finally:
    server.terminate()
    server.wait()
for line in (open(log) if os.path.exists(log) else []):
    r = json.loads(line)
    body = r["body"]
    if isinstance(body, str):
        body = json.loads(body)
    prompt = body["messages"][-1]["content"]
    kind = "propose" if "# Task: a fast CUDA kernel" in prompt else "fix"
    what = [l for l in prompt.splitlines() if l.startswith("## What went wrong")]
    diag = [l.strip() for l in prompt.splitlines() if "error: [" in l][:1]
    print("request", r["n"], r["path"], kind, *(what + diag))
report = json.load(open(os.path.join(work, "pkg", "report.json")))
for s in report["slots"]:
    print("slot", s["slot"], s["impl"], s.get("fallback_reason", "")[:120])
recorded = [f for f in os.listdir(os.path.join(work, "rec"))] if os.path.isdir(os.path.join(work, "rec")) else []
print("recorded exchanges", len(recorded))
