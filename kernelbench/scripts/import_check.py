#!/usr/bin/env python3
"""CPU check that tasks export and go through pike's importer and kernel generators.

For each task: kernelbench/export.py (full shapes unless --small), then
  pike-opt model.pt --input-spec input_spec.json --emit=kernels -pike-generate-kernels
and a record of the exit codes, the slot count, which implementation each slot got
(impl = nvcc/nvrtc: a generated kernel; reference: the slot keeps its PyTorch ops),
the generators' remarks grouped by cause, and any pike.opaque op (TorchScript the
importer could not lower). No GPU needed.

    python3 kernelbench/scripts/import_check.py --pike-opt build/tools/pike-opt/pike-opt \
        kernelbench/tasks/level3/18_*.py ... --work /tmp/ic --out-json ic.json
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.join(os.path.dirname(HERE), "export.py")

SLOT_RE = re.compile(r"pike\.kernel @(\w+)\(")
IMPL_RE = re.compile(r'pike\.kernel @\w+\(.*?impl = "(\w+)"')
OPAQUE_RE = re.compile(r'pike\.opaque "([^"]+)"')
REMARK_RE = re.compile(r"remark: (.*)")


def remark_cause(text):
    """A remark without its slot name and shapes, so equal causes group together."""
    text = re.sub(r"slot '[^']*'", "slot", text)
    text = re.sub(r"\b\d+(x\d+)+\b", "N", text)
    return text.strip()


def summarize(kernels_ir, stderr):
    impls = collections.Counter()
    for line in kernels_ir.splitlines():
        m = IMPL_RE.search(line)
        if m:
            impls[m.group(1)] += 1
    causes = collections.Counter(remark_cause(m.group(1)) for m in REMARK_RE.finditer(stderr))
    opaque = collections.Counter(OPAQUE_RE.findall(kernels_ir))
    return {"slots": len(SLOT_RE.findall(kernels_ir)), "impl": dict(impls),
            "generated": sum(v for k, v in impls.items() if k != "reference"),
            "remarks": dict(causes.most_common()), "opaque": dict(opaque)}


def check(task, pike_opt, work, small, timeout):
    name = os.path.splitext(os.path.basename(task))[0]
    out = os.path.join(work, name)
    rec = {"task": name}
    t0 = time.time()
    cmd = [sys.executable, EXPORT, task, "-o", out, "--seed", "0"] + (["--small"] if small else [])
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    rec["export_rc"], rec["export_s"] = r.returncode, round(time.time() - t0, 1)
    if r.returncode != 0:
        rec["error"] = (r.stderr or r.stdout).strip()[-600:]
        return rec
    spec = json.load(open(os.path.join(out, "input_spec.json")))
    rec["inputs"] = [f"{'x'.join(map(str, i['shape']))} {i['dtype']}" for i in spec["inputs"]]
    t0 = time.time()
    r = subprocess.run([pike_opt, os.path.join(out, "model.pt"), "--input-spec", os.path.join(out, "input_spec.json"),
                        "--emit=kernels", "-pike-generate-kernels"], capture_output=True, text=True, timeout=timeout)
    rec["pike_opt_rc"], rec["pike_opt_s"] = r.returncode, round(time.time() - t0, 1)
    rec.update(summarize(r.stdout, r.stderr))
    if r.returncode != 0:
        rec["error"] = r.stderr.strip()[-600:]
    return rec


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tasks", nargs="+")
    ap.add_argument("--pike-opt", required=True)
    ap.add_argument("--work", default="/tmp/pike-import-check")
    ap.add_argument("--small", action="store_true", help="export at the tasks' small shapes")
    ap.add_argument("--timeout", type=int, default=1200, help="seconds per step")
    ap.add_argument("--out-json", help="append-as-you-go JSON of all records")
    args = ap.parse_args(argv)
    if not os.access(args.pike_opt, os.X_OK):
        raise SystemExit(f"import_check.py: error: pike-opt not executable: {args.pike_opt}")
    records = []
    for task in args.tasks:
        rec = check(task, args.pike_opt, args.work, args.small, args.timeout)
        records.append(rec)
        print(json.dumps(rec), flush=True)
        if args.out_json:
            with open(args.out_json, "w") as f:
                json.dump(records, f, indent=1)
    return 0 if all(r.get("export_rc") == 0 and r.get("pike_opt_rc") == 0 for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
