"""Exports every KernelBench-format task (small shapes), imports it with pike-opt,
partitions it, emits it back as TorchScript and compares with the original.

usage: import_tasks.py TASKS_DIR WORK_DIR
Prints one line per task and 'all N tasks: 0 opaque, outputs match' at the end;
exits 1 naming the first task that fails.
"""
import concurrent.futures as cf
import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(task, work):
    name = os.path.basename(os.path.dirname(task)) + "-" + os.path.basename(task)[:-3]
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    steps = [
        [sys.executable, os.path.join(ROOT, "kernelbench", "export.py"), task, "-o", d, "--small"],
        ["pike-opt", f"{d}/model.pt", "--input-spec", f"{d}/input_spec.json", "--emit=kernels",
         "--report=/dev/null", f"-pike-emit-torchscript=output={d}/re.pt", "-o", f"{d}/k.mlir"],
        [sys.executable, os.path.join(HERE, "compare_modules.py"), f"{d}/model.pt", f"{d}/re.pt",
         f"{d}/input_spec.json", "--seeds", "2"],
    ]
    for cmd in steps:
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            return name, f"FAIL {os.path.basename(cmd[1] if cmd[0] == sys.executable else cmd[0])}: " + (p.stdout + p.stderr).strip().splitlines()[-1][:300]
    opaque = open(f"{d}/k.mlir").read().count("pike.opaque")
    if opaque:
        return name, f"FAIL {opaque} opaque ops"
    return name, "ok"


def main():
    tasks = sorted(glob.glob(os.path.join(sys.argv[1], "level*", "*.py")))
    work = sys.argv[2]
    failed = []
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        for name, status in pool.map(lambda t: run(t, work), tasks):
            print(name, status, flush=True)
            if status != "ok":
                failed.append(name)
    if failed:
        print("failed:", " ".join(failed))
        return 1
    print(f"all {len(tasks)} tasks: 0 opaque, outputs match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
