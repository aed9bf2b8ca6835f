"""Every kernelbench task exported both ways (TorchScript trace and torch.export)
imports to the same pike IR, modulo names: weight names, input names, the
source file and locations. Prints one line per task and exits 1 on any
difference or failure."""
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
    if irs[0] == irs[1]:
        return name, "same"
    a, b = irs[0].splitlines(), irs[1].splitlines()
    first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    return name, f"DIFF at line {first + 1}: {a[first][:150] if first < len(a) else '<end>'} | " \
                 f"{b[first][:150] if first < len(b) else '<end>'}"


with ThreadPoolExecutor(max_workers=int(os.environ.get("PIKE_TEST_JOBS", "2"))) as ex:
    results = list(ex.map(run, tasks))
bad = 0
for name, verdict in results:
    print(f"{name}: {verdict}")
    bad += verdict != "same"
print(f"pt2 vs torchscript: {len(results) - bad}/{len(results)} tasks import to the same IR")
sys.exit(1 if bad else 0)
