#!/usr/bin/env python3
"""GPU case for `pike-db verify` (run by run_verify.sh on the device).

On kernelbench level-3 01_mlp (--small): writes the slots' references with
-pike-apply-tuning-db references=DIR, builds a tuning database holding
  - each slot's generated kernel (honest: must be verified and marked),
  - slot 0 replaced by an nvcc kernel that writes zeros (wrong: must fail),
  - a record for a fingerprint with no reference (must be skipped, kept),
then checks:
  1. `pike-db verify` marks the honest records, fails the wrong one, skips the
     unknown one, exits 1 (a failing record is still in the database);
  2. `pike-db list` shows the verified_on marks with this GPU's name;
  3. `--drop-failing` removes the wrong record and exits 0;
  4. a package built from the verified database says in report.md that pike-db
     verify found each kernel correct on this GPU (and never just "verified").
Writes summary.json to --out; exit 0 when every check holds.
"""
import argparse
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

ZERO_NVCC = """#include <cuda_runtime.h>
#include <cstdint>
#include "pike/Runtime/KernelABI.h"
extern "C" int pike_entry(const PikeTensorRef *inputs, int32_t num_inputs,
                          PikeTensorRef *outputs, int32_t num_outputs, cudaStream_t stream) {
  if (num_outputs != 1) return -1;
  int64_t n = 1;
  for (int d = 0; d < outputs[0].ndim; ++d) n *= outputs[0].sizes[d];
  return (int)cudaMemsetAsync(outputs[0].data, 0, n * sizeof(float), stream);
}
"""


def sh(cmd, **kw):
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, text=True, capture_output=True, **kw)


def mlir_unescape(s):
    return re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pike-opt", required=True)
    ap.add_argument("--pike-db", required=True)
    ap.add_argument("--worker", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    model_dir = os.path.join(out, "mlp")
    subprocess.run([sys.executable, os.path.join(ROOT, "kernelbench", "export.py"),
                    os.path.join(ROOT, "kernelbench", "tasks", "level3", "01_mlp.py"), "-o", model_dir, "--small"],
                   check=True)
    model, spec = os.path.join(model_dir, "model.pt"), os.path.join(model_dir, "input_spec.json")
    kernels, report = os.path.join(out, "kernels.mlir"), os.path.join(out, "regions.json")
    r = sh([a.pike_opt, model, "--input-spec", spec, "--emit=kernels", "-pike-generate-kernels", "-o", kernels,
            "--report=" + report])
    assert r.returncode == 0, r.stderr
    refs, empty = os.path.join(out, "refs"), os.path.join(out, "empty.db")
    open(empty, "w").close()
    refs_run = os.path.join(out, "refs-run.mlir")
    r = sh([a.pike_opt, model, "--input-spec", spec, "--emit=kernels", "-o", refs_run, "--report=" + os.devnull,
            "-pike-apply-tuning-db=db=%s references=%s" % (empty, refs)])
    assert r.returncode == 0, r.stderr
    # Key records with the toolkit and torch versions this pike-opt was built
    # for (its fallback reasons name the key it looked up).
    key = re.search(r'no tuning record for [0-9a-f]+/(sm_[0-9a-z]+)/([^/"]+)/([^/"]+)"', open(refs_run).read())
    toolkit, torch_version = key.group(2), key.group(3)
    ir = open(kernels).read()
    records = []
    for slot in json.load(open(report))["regions"]:
        m = re.search(r"pike\.kernel @%s\(.*?attributes \{(.*?)\} \{" % slot["name"], ir, re.S)
        attrs = m.group(1)
        src = mlir_unescape(re.search(r'source = "((?:[^"\\]|\\.)*)"', attrs).group(1))
        kern = re.search(r'kernel = "([^"]+)"', attrs).group(1)
        grid = [int(x) for x in re.search(r"grid = \[([^\]]*)\]", attrs).group(1).split(",")]
        block = [int(x) for x in re.search(r"block = \[([^\]]*)\]", attrs).group(1).split(",")]
        knobs = re.search(r'pike\.knobs = "((?:[^"\\]|\\.)*)"', attrs)
        args = [f"in{i}" for i in range(len(slot["inputs"]))] + [f"out{i}" for i in range(len(slot["outputs"]))]
        records.append({
            "key": {"fingerprint": slot["fingerprint"], "arch": "sm_90", "toolkit": toolkit, "torch": torch_version},
            "code": {"source": src, "mode": "nvrtc", "entry": kern, "knobs": json.loads(mlir_unescape(knobs.group(1))) if knobs else {},
                     "launches": [{"kernel": kern, "grid": grid, "block": block, "smem": 0, "args": args}]},
            "speedup": 1.25, "candidateMs": 0.008, "referenceMs": 0.01, "compileMs": 50.0,
            "provenance": {"origin": "builtin", "region": slot["name"], "gpu": "claimed by the test"}})
    wrong_key = records[0]["key"]["fingerprint"]
    records[0]["code"] = {"source": ZERO_NVCC, "mode": "nvcc", "entry": "pike_entry", "launches": [], "knobs": {}}
    unknown = json.loads(json.dumps(records[1]))
    unknown["key"]["fingerprint"] = "ffff00000000000000000000"
    records.append(unknown)
    db = os.path.join(out, "tune.db")
    with open(db, "w") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")

    checks = {}
    r = sh([a.pike_db, "verify", db, "--references", refs, "--worker", a.worker])
    print(r.stdout, r.stderr)
    ok_lines = [l for l in r.stdout.splitlines() if l.startswith("OK ")]
    checks["verify ran on a GPU and exits 1 with a failing record kept"] = r.returncode == 1 and "verifying " in r.stdout
    checks["honest records verified (%d)" % (len(records) - 2)] = len(ok_lines) == len(records) - 2
    checks["wrong record fails"] = any(l.startswith("FAIL " + wrong_key) for l in r.stdout.splitlines())
    checks["unknown record skipped"] = any(l.startswith("SKIP ffff") for l in r.stdout.splitlines())
    gpu = open(os.path.join(out, "gpu.txt")).read().split(",")[0].strip() if os.path.exists(os.path.join(out, "gpu.txt")) else ""
    lst = sh([a.pike_db, "list", db])
    print(lst.stdout)
    checks["list shows verified_on marks"] = lst.stdout.count("[verified on ") == len(records) - 2 and \
        (not gpu or gpu in lst.stdout)
    r2 = sh([a.pike_db, "verify", db, "--references", refs, "--worker", a.worker, "--drop-failing"])
    print(r2.stdout, r2.stderr)
    checks["--drop-failing exits 0"] = r2.returncode == 0
    remaining = [json.loads(l) for l in open(db) if l.strip()]
    checks["wrong record dropped, others kept"] = len(remaining) == len(records) - 1 and \
        all(x["key"]["fingerprint"] != wrong_key for x in remaining)
    pkg = os.path.join(out, "pkg")
    r3 = sh([a.pike_opt, model, "--input-spec", spec, "--emit=package", "-o", pkg, "-pike-apply-db=" + db])
    print(r3.stderr[-2000:])
    md = open(os.path.join(pkg, "report.md")).read() if r3.returncode == 0 else ""
    print(md)
    checks["report names the verifying GPU"] = "pike-db verify found it correct on " + (gpu or "") in md
    checks["report never says plain 'verified'"] = re.search(r"(^|[^-])verified", md) is None
    for name, passed in checks.items():
        print("%s  %s" % ("PASS" if passed else "FAIL", name))
    json.dump({"gpu": gpu, "checks": checks, "verify_stdout": r.stdout, "drop_stdout": r2.stdout},
              open(os.path.join(out, "summary.json"), "w"), indent=1)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
