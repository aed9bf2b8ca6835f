"""Imports every KernelBench-format task (small shapes) twice - shapes from meta
tensors (the default) and from a real run (PIKE_SHAPE_PROBE=real) - and checks
that the partitioned IR and the region report are identical.

usage: probe_modes.py TASKS_DIR WORK_DIR
Prints one line per task and 'all N tasks: meta and real probes agree' at the end;
exits 1 naming every task that differs.
"""
import concurrent.futures as cf
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def regions(d, real):
    env = dict(os.environ)
    env.pop("PIKE_SHAPE_PROBE", None)
    if real:
        env["PIKE_SHAPE_PROBE"] = "real"
    tag = "real" if real else "meta"
    p = subprocess.run(["pike-opt", f"{d}/model.pt", "--input-spec", f"{d}/input_spec.json",
                        "--emit=regions", "--weights-file", f"{d}/{tag}.safetensors"],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[-1:] or ["(no message)"]
    # The weights file's path is the only intended difference.
    return (p.stdout + p.stderr).replace(f"{tag}.safetensors", "W"), None


def run(task, work):
    name = os.path.basename(os.path.dirname(task)) + "-" + os.path.basename(task)[:-3]
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    p = subprocess.run([sys.executable, os.path.join(ROOT, "kernelbench", "export.py"), task,
                        "-o", d, "--small"], capture_output=True, text=True)
    if p.returncode != 0:
        return name, "FAIL export: " + (p.stdout + p.stderr).strip().splitlines()[-1][:300]
    meta, err = regions(d, real=False)
    if err:
        return name, "FAIL meta import: " + err[0][:300]
    real, err = regions(d, real=True)
    if err:
        return name, "FAIL real import: " + err[0][:300]
    if meta != real:
        return name, "FAIL the IR differs between the meta and the real probe"
    if "remark:" in meta:
        return name, "FAIL fell back to a real run: " + meta[meta.index("remark:"):][:200]
    return name, "ok"


def main():
    tasks = sorted(glob.glob(os.path.join(sys.argv[1], "level*", "*.py")))
    os.makedirs(sys.argv[2], exist_ok=True)
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda t: run(t, sys.argv[2]), tasks))
    failed = [n for n, r in results if r != "ok"]
    for n, r in results:
        print(f"{n}: {r}")
    if failed:
        print(f"{len(failed)} of {len(results)} tasks failed: {' '.join(failed)}")
        return 1
    print(f"all {len(results)} tasks: meta and real probes agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
