"""Every kernelbench task exported both ways (TorchScript trace and torch.export)
imports into the pike dialect, and the .pt2 import computes what the traced
module computes: its IR, partitioned and emitted back as TorchScript, matches
model.pt on random inputs (compare_modules.py). Also says whether the two IRs
are textually identical modulo names (weight/input names, source, locations):
the formats differ in places (a traced `x * 0.5` records a 0-d tensor constant,
torch.export a scalar argument; constants may come in another order), which
changes the text, not the function. Exits 1 when a task fails to export,
import or match."""
import glob
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

pike_opt, src_root, out_root = sys.argv[1:4]
tasks = sorted(glob.glob(os.path.join(src_root, "kernelbench", "tasks", "level*", "*.py")))
sys.path.insert(0, os.path.join(src_root, "kernelbench"))
import taskload  # noqa: E402

NAMES = [(re.compile(r'loc\([^()]*(\([^()]*\))?[^()]*\)'), ""),
         (re.compile(r'pike\.weight "[^"]*"'), 'pike.weight "W"'),
         (re.compile(r'pike\.input_names = \[[^\]]*\]'), "pike.input_names = [...]"),
         (re.compile(r'pike\.source = "[^"]*"'), 'pike.source = "S"'),
         (re.compile(r'pike\.weights_file = "[^"]*"'), 'pike.weights_file = "F"')]


def normalise(text):
    for rx, rep in NAMES:
        text = rx.sub(rep, text)
    return text


def run(task):
    name = os.path.relpath(task, os.path.join(src_root, "kernelbench", "tasks"))
    out = os.path.join(out_root, name.replace("/", "_")[:-3])
    small = ["--small"] if taskload.has_small(taskload.load_task(task)) else []
    p = subprocess.run([sys.executable, os.path.join(src_root, "kernelbench", "export.py"), task, "-o", out,
                        "--format", "both"] + small, capture_output=True, text=True)
    if p.returncode != 0:
        return name, "EXPORT-FAILED " + (p.stderr.strip().splitlines() or ["?"])[-1]
    irs = []
    for model, spec in [("model.pt", ["--input-spec", os.path.join(out, "input_spec.json")]), ("model.pt2", [])]:
        q = subprocess.run([pike_opt, os.path.join(out, model), *spec, "--emit=pike"], capture_output=True, text=True)
        if q.returncode != 0:
            return name, f"IMPORT-FAILED {model}: " + (q.stderr.strip().splitlines() or ["?"])[0]
        irs.append(normalise(q.stdout))
    re_pt = os.path.join(out, "pt2-roundtrip.pt")
    q = subprocess.run([pike_opt, os.path.join(out, "model.pt2"), "--emit=kernels", "--report=/dev/null",
                        f"-pike-emit-torchscript=output={re_pt}", "-o", os.devnull], capture_output=True, text=True)
    if q.returncode != 0:
        return name, "EMIT-FAILED " + (q.stderr.strip().splitlines() or ["?"])[0]
    c = subprocess.run([sys.executable, os.path.join(src_root, "test", "Inputs", "compare_modules.py"),
                        os.path.join(out, "model.pt"), re_pt, os.path.join(out, "input_spec.json")],
                       capture_output=True, text=True)
    if c.returncode != 0 or not c.stdout.startswith("match"):
        return name, "MISMATCH " + (c.stdout + c.stderr).strip().splitlines()[-1]
    return name, "match, IR " + ("identical" if irs[0] == irs[1] else "differs in text")


with ThreadPoolExecutor(max_workers=int(os.environ.get("PIKE_TEST_JOBS", "2"))) as ex:
    results = list(ex.map(run, tasks))
bad = identical = 0
for name, verdict in results:
    print(f"{name}: {verdict}")
    bad += not verdict.startswith("match")
    identical += verdict.endswith("identical")
print(f"pt2 vs torchscript: {len(results) - bad}/{len(results)} tasks import from .pt2 and match the traced "
      f"module; {identical} with textually identical IR")
sys.exit(1 if bad else 0)
