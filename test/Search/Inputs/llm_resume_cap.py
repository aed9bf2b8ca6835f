"""The LLM client's query cap across a resume: a search continued from its
checkpoint must stop asking where an uninterrupted one does. The client counts
requests per process, so without being told what the checkpoint already paid
for, a resumed search would send up to max-queries more.

usage: llm_resume_cap.py MODEL.pt SPEC.json PIKE_WORKER WORKDIR
Runs pike-opt -pike-llm-search against the scripted server (every request gets
the same correct kernel) with llm max-queries=3: once straight with budget=5,
once with budget=2 then resumed with budget=5. pike-worker is a TEST-ONLY fake
GPU. Prints the requests each server saw and whether the two end states agree.
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "..", "..", "llm_server", "server.py")
KERNEL = os.path.join(HERE, "..", "..", "llm_recordings", "relu_fix_chain", "03-fix.md")
model, spec, worker, root = sys.argv[1:5]
shutil.rmtree(root, ignore_errors=True)
os.makedirs(root)
with open(os.path.join(root, "script.json"), "w") as f:
    json.dump({"replies": [{"text_file": KERNEL, "repeat": -1}]}, f)
env = dict(os.environ, PIKE_WORKER_TEST_OPS="1", PIKE_WORKER_FAKE_GPU="1")


def search(work, budget, label):
    log = os.path.join(root, label + ".requests.jsonl")
    server = subprocess.Popen([sys.executable, SERVER, "--script", os.path.join(root, "script.json"),
                               "--log", log], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline().split()[1])
        llm = (f"provider=openai,model=scripted,base-url=http://127.0.0.1:{port}/v1,retries=0,"
               f"max-queries=3")
        opts = (f"llm=\"{llm}\" workers=local:1 worker-path={worker} work-dir={work} check=false "
                f"search=budget={budget},islands=1,fix-attempts=0,parallel=1,generation-size=1,seed=3")
        p = subprocess.run(["pike-opt", model, "--input-spec", spec, "--emit=kernels", "-o",
                            os.devnull, f"-pike-llm-search={opts}"], capture_output=True, text=True,
                           env=env)
        if p.returncode != 0:
            print(f"{label}: pike-opt exit {p.returncode}\n{p.stderr[-2000:]}")
    finally:
        server.terminate()
        server.wait()
    return sum(1 for _ in open(log)) if os.path.exists(log) else 0


def state(work):
    with open(os.path.join(work, "search-report.json")) as f:
        r = json.load(f)
    for k in ("replayedJobs", "newQueries", "warnings", "time"):  # job times vary
        r.pop(k, None)
    return r


straight = os.path.join(root, "straight")
resumed = os.path.join(root, "resumed")
print(f"straight, budget=5: {search(straight, 5, 'straight')} requests")
first = search(resumed, 2, "first")
second = search(resumed, 5, "second")
print(f"budget=2, then resumed with budget=5: {first} + {second} requests")
same = state(straight) == state(resumed)
print(f"search state: {'identical' if same else 'DIFFERENT'}")
sys.exit(0 if same else 1)
