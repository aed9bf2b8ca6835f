#!/usr/bin/env python3
"""CPU fuzz suite for what pike-opt and pike-db read: corrupted inputs must never
crash or hang them.

Builds four valid inputs from kernelbench level-3 01_mlp (exported --small):
the TorchScript model (.pt), its input spec (JSON), the .mlir that
`--emit=regions` writes, and a small tuning database (the slots' generated
kernels plus one shipped nvcc record re-keyed onto a slot, so both the
generator-identity and the candidate-checker paths run). Then, for each kind,
`--mutants` mutated copies (half random bit flips, half truncations, at
positions drawn from a seeded RNG; for the .pt, half the positions fall inside
the zip's non-tensor members, where the parsers are) plus a few crafted hostile
cases, and runs the tools on each with a timeout.

Pass, per run: no signal (SIGSEGV, SIGABRT, ...), no hang (timeout), and a
non-zero exit always comes with an error message on stderr. Every failing
mutant is kept under WORKDIR/failures/ and listed in WORKDIR/failures.json
(kind, mutation, command, exit status, stderr tail); the exit status is 1 when
any run failed.

usage: fuzz_compiler_inputs.py --build-dir BUILD [--workdir DIR] [--seed N]
                               [--mutants N] [--timeout S] [--jobs N] [--kinds pt,spec,mlir,db]
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd, timeout, cwd=None):
    """(returncode or None on timeout, stderr text). Kills the whole process group on timeout."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
        return proc.returncode, err.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        return None, err.decode("utf-8", "replace")


def verdict(rc, err):
    """None when the run is acceptable, else why not."""
    if rc is None:
        return "hang (timeout)"
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = str(-rc)
        return "killed by " + name
    if rc >= 128:  # a shell-style report of a signal
        return "exit %d (signal %d?)" % (rc, rc - 128)
    if rc != 0 and "error" not in err.lower():
        return "exit %d without an error message" % rc
    if "Stack dump" in err or "PLEASE submit a bug report" in err:
        return "crash report on stderr (exit %d)" % rc
    return None


def mlir_unescape(s):
    return re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), s)


def prepare(args, work):
    """The four valid inputs; returns their paths."""
    base = os.path.join(work, "base")
    model = os.path.join(base, "model.pt")
    spec = os.path.join(base, "input_spec.json")
    if not os.path.exists(model):
        subprocess.run([sys.executable, os.path.join(ROOT, "kernelbench", "export.py"),
                        os.path.join(ROOT, "kernelbench", "tasks", "level3", "01_mlp.py"),
                        "-o", base, "--small"], check=True, stdout=subprocess.DEVNULL)
    regions = os.path.join(base, "regions.mlir")
    report = os.path.join(base, "regions.json")
    kernels = os.path.join(base, "kernels.mlir")
    weights = os.path.join(base, "model.weights.safetensors")
    subprocess.run([args.pike_opt, model, "--input-spec", spec, "--emit=regions", "-o", regions,
                    "--report=" + os.path.join(base, "groups.txt"), "--weights-file=" + weights], check=True)
    subprocess.run([args.pike_opt, regions, "--emit=kernels", "-pike-generate-kernels", "-o", kernels,
                    "--report=" + report], check=True, stderr=subprocess.DEVNULL)
    # The tuning database: each slot's generated kernel as a record.
    ir = open(kernels).read()
    torch_version = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__.split('+')[0])"],
                                   check=True, capture_output=True, text=True).stdout.strip()
    records = []
    for slot in json.load(open(report))["regions"]:
        m = re.search(r"pike\.kernel @%s\(.*?attributes \{(.*?)\} \{" % slot["name"], ir, re.S)
        if not m:
            continue
        attrs = m.group(1)
        src = re.search(r'source = "((?:[^"\\]|\\.)*)"', attrs)
        kern = re.search(r'kernel = "([^"]+)"', attrs)
        if not src or not kern:
            continue
        grid = [int(x) for x in re.search(r"grid = \[([^\]]*)\]", attrs).group(1).split(",")]
        block = [int(x) for x in re.search(r"block = \[([^\]]*)\]", attrs).group(1).split(",")]
        knobs = re.search(r'pike\.knobs = "((?:[^"\\]|\\.)*)"', attrs)
        launch_args = [f"in{i}" for i in range(len(slot["inputs"]))] + [f"out{i}" for i in range(len(slot["outputs"]))]
        records.append({
            "key": {"fingerprint": slot["fingerprint"], "arch": "sm_90", "toolkit": "13.0", "torch": torch_version},
            "code": {"source": mlir_unescape(src.group(1)), "mode": "nvrtc", "entry": kern.group(1),
                     "launches": [{"kernel": kern.group(1), "grid": grid, "block": block, "smem": 0,
                                   "args": launch_args}],
                     "knobs": json.loads(mlir_unescape(knobs.group(1))) if knobs else {}},
            "speedup": 1.25, "candidateMs": 0.008, "referenceMs": 0.01, "compileMs": 50.0,
            "provenance": {"origin": "builtin", "region": slot["name"], "gpu": "fuzz"},
        })
    if not records:
        raise SystemExit("fuzz: no generated kernel found in " + kernels)
    # One shipped nvcc record, re-keyed onto the last slot: its source goes through the checker.
    shipped = os.path.join(ROOT, "data", "tuning", "h200-builtin.jsonl")
    for line in open(shipped):
        rec = json.loads(line)
        if rec["code"]["mode"] == "nvcc":
            rec["key"] = dict(records[-1]["key"])
            records[-1] = rec
            break
    db = os.path.join(base, "tune.db")
    with open(db, "w") as f:
        for r in records:
            f.write(json.dumps(r, sort_keys=True) + "\n")
    return {"pt": model, "spec": spec, "mlir": regions, "db": db, "kernels": kernels}


def mutate(data, rng, pt_ranges=None):
    """(mutated bytes, description): bit flips or a truncation."""
    if rng.random() < 0.5:
        cut = rng.randrange(0, max(1, len(data)))
        return data[:cut], "truncate at %d of %d" % (cut, len(data))
    out = bytearray(data)
    flips = []
    for _ in range(rng.choice([1, 1, 2, 4, 8])):
        if pt_ranges and rng.random() < 0.5:
            lo, hi = rng.choice(pt_ranges)
            pos = rng.randrange(lo, hi)
        else:
            pos = rng.randrange(0, len(out))
        bit = rng.randrange(8)
        out[pos] ^= 1 << bit
        flips.append("%d:%d" % (pos, bit))
    return bytes(out), "flip " + ",".join(flips)


def zip_structure_ranges(path):
    """Byte ranges of the .pt outside tensor payloads: headers, pickles, code, directory."""
    ranges = []
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        for info in infos:
            start = info.header_offset
            payload = start + 30 + len(info.filename.encode()) + len(info.extra)
            is_tensor = "/data/" in info.filename and not info.filename.endswith(".pkl")
            end = payload + (0 if is_tensor else info.compress_size)
            ranges.append((start, max(start + 1, end)))
    size = os.path.getsize(path)
    cd = min(size - 1, max(e for _, e in ranges))
    ranges.append((cd, size))
    return [(lo, min(hi, size)) for lo, hi in ranges if lo < min(hi, size)]


def crafted_cases(kind, base):
    """Hand-made hostile inputs of a kind: (name, bytes)."""
    if kind == "spec":
        spec = json.load(open(base["spec"]))
        huge = json.loads(json.dumps(spec))
        huge["inputs"][0]["shape"] = [100000000, 100000000]
        neg = json.loads(json.dumps(spec))
        neg["inputs"][0]["shape"] = [-4, 16]
        dtype = json.loads(json.dumps(spec))
        dtype["inputs"][0]["dtype"] = "complex1024"
        return [("huge shape 1e8x1e8", json.dumps(huge).encode()),
                ("negative dimension", json.dumps(neg).encode()),
                ("unknown dtype", json.dumps(dtype).encode()),
                ("nested 100000 deep", b"[" * 100000 + b"]" * 100000),
                ("empty file", b"")]
    if kind == "mlir":
        return [("attribute nested 100000 deep", b"module attributes {x = " + b"[" * 100000 + b"]" * 100000 + b"} {}\n"),
                ("regions nested 20000 deep", b"module {" * 20000 + b"}" * 20000 + b"\n"),
                ("empty file", b"")]
    if kind == "db":
        line = open(base["db"], "rb").read().split(b"\n")[0]
        rec = json.loads(line)
        rec["speedup"] = 1e9
        return [("line nested 100000 deep", b"[" * 100000 + b"]" * 100000 + b"\n"),
                ("speedup 1e9 against its own times", json.dumps(rec).encode() + b"\n"),
                ("binary garbage", bytes(range(256)) * 4)]
    if kind == "pt":
        return [("empty file", b""), ("zip magic only", b"PK\x03\x04")]
    return []


def commands(kind, mutant, base, scratch, tools):
    """What to run on a mutant of `kind` (each a separate run)."""
    pike_opt, pike_db = tools
    weights = os.path.join(scratch, "w.safetensors")
    if kind == "pt":
        return [[pike_opt, mutant, "--input-spec", base["spec"], "--emit=regions", "-o", "/dev/null",
                 "--report=" + os.path.join(scratch, "r.txt"), "--weights-file=" + weights]]
    if kind == "spec":
        return [[pike_opt, base["pt"], "--input-spec", mutant, "--emit=regions", "-o", "/dev/null",
                 "--report=" + os.path.join(scratch, "r.txt"), "--weights-file=" + weights]]
    if kind == "mlir":
        return [[pike_opt, mutant, "--emit=kernels", "-o", "/dev/null", "--report=" + os.path.join(scratch, "r.txt")]]
    if kind == "db":
        return [[pike_opt, base["mlir"], "--emit=kernels", "-pike-apply-db=" + mutant, "-o", "/dev/null",
                 "--report=" + os.path.join(scratch, "r.txt")],
                [pike_db, "list", mutant],
                [pike_db, "merge", os.path.join(scratch, "merged.db"), mutant]]
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--mutants", type=int, default=40, help="random mutants per input kind")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per run before it counts as a hang")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--kinds", default="pt,spec,mlir,db")
    args = ap.parse_args()
    args.pike_opt = os.path.join(args.build_dir, "tools", "pike-opt", "pike-opt")
    pike_db = os.path.join(args.build_dir, "tools", "pike-db", "pike-db")
    work = os.path.abspath(args.workdir or os.path.join(args.build_dir, "test", "fuzz-work"))
    for d in ("mutants", "failures"):
        shutil.rmtree(os.path.join(work, d), ignore_errors=True)
        os.makedirs(os.path.join(work, d))
    started = time.time()
    base = prepare(args, work)

    rng = random.Random(args.seed)
    cases = []  # (kind, name, bytes)
    for kind in args.kinds.split(","):
        data = open(base[kind], "rb").read()
        ranges = zip_structure_ranges(base[kind]) if kind == "pt" else None
        for i in range(args.mutants):
            mutated, how = mutate(data, rng, ranges)
            cases.append((kind, "mutant %d: %s" % (i, how), mutated))
        for name, blob in crafted_cases(kind, base):
            cases.append((kind, "crafted: " + name, blob))

    suffix = {"pt": ".pt", "spec": ".json", "mlir": ".mlir", "db": ".db"}

    def one(index_case):
        index, (kind, name, blob) = index_case
        scratch = os.path.join(work, "mutants", "%04d" % index)
        os.makedirs(scratch)
        path = os.path.join(scratch, "input" + suffix[kind])
        with open(path, "wb") as f:
            f.write(blob)
        results = []
        for cmd in commands(kind, path, base, scratch, (args.pike_opt, pike_db)):
            t0 = time.time()
            rc, err = run(cmd, args.timeout)
            results.append((cmd, rc, err, verdict(rc, err), time.time() - t0))
        bad = [r for r in results if r[3]]
        if bad:
            keep = os.path.join(work, "failures", "%04d-%s%s" % (index, kind, suffix[kind]))
            shutil.copyfile(path, keep)
        shutil.rmtree(scratch, ignore_errors=True)
        return index, kind, name, results, bad

    failures = []
    counts = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for index, kind, name, results, bad in pool.map(one, enumerate(cases)):
            c = counts.setdefault(kind, {"inputs": 0, "runs": 0, "failed": 0, "nonzero_exit": 0})
            c["inputs"] += 1
            c["runs"] += len(results)
            c["nonzero_exit"] += sum(1 for r in results if r[1] not in (0, None))
            for cmd, rc, err, why, secs in bad:
                c["failed"] += 1
                # The message, not the stack dump: where it failed and why.
                message = "\n".join(l for l in err.splitlines() if not re.match(r"\s*#\d+ ", l)).strip()
                failures.append({"kind": kind, "case": name, "input": "failures/%04d-%s%s" % (index, kind, suffix[kind]),
                                 "command": " ".join(cmd), "exit": rc, "why": why,
                                 "stderr_head": message[:1500], "stderr_tail": err[-1500:]})
                print("FAIL [%s] %s: %s\n  %s\n  %s" % (kind, name, why, " ".join(cmd),
                                                         message[:300] or "(no stderr)"))
    with open(os.path.join(work, "failures.json"), "w") as f:
        json.dump({"seed": args.seed, "mutants_per_kind": args.mutants, "counts": counts, "failures": failures}, f, indent=1)
    for kind, c in counts.items():
        print("%-5s %3d inputs, %3d runs, %3d exited non-zero with an error, %d failed" %
              (kind, c["inputs"], c["runs"], c["nonzero_exit"] - c["failed"], c["failed"]))
    print("fuzz: %d failures in %.0f s (seed %d); list: %s" % (len(failures), time.time() - started, args.seed,
                                                             os.path.join(work, "failures.json")))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
