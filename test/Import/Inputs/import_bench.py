#!/usr/bin/env python3
"""Times import + partition (`pike-opt MODEL --input-spec SPEC --emit=regions`) of exported
kernelbench tasks and keeps each task's IR and region report.

    import_bench.py --pike-opt BIN --models DIR [--runs N] [--json OUT] [--ir-dir DIR]
    import_bench.py --compare DIR_A DIR_B      # exit 1 unless every task's IR and report match

DIR holds one sub-directory per task, as `kernelbench/export.py TASK -o DIR/NAME` writes it.
Each run is one whole pike-opt process (start-up, load, shape propagation, partitioning,
weights file, printing), timed as wall-clock seconds and as the CPU seconds (user + system)
the process used: on a shared machine the CPU time is the figure that does not depend on
what else runs.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time


def run_task(pike_opt, task_dir, runs, ir_dir):
    name = os.path.basename(task_dir.rstrip("/"))
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        ir = os.path.join(tmp, "regions.mlir")
        cmd = [pike_opt, os.path.join(task_dir, "model.pt"), "--input-spec",
               os.path.join(task_dir, "input_spec.json"), "--emit=regions", "-o", ir,
               "--weights-file", os.path.join(tmp, "weights.safetensors")]
        cpu = []
        for _ in range(runs):
            start = time.monotonic()
            with open(os.path.join(tmp, "stderr"), "w+") as errf:
                p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf)
                _, status, usage = os.wait4(p.pid, 0)
                times.append(time.monotonic() - start)
                errf.seek(0)
                err = errf.read()
            cpu.append(usage.ru_utime + usage.ru_stime)
            if os.waitstatus_to_exitcode(status) != 0:
                return name, {"error": err[-2000:], "times_s": times}
        if ir_dir:
            os.makedirs(ir_dir, exist_ok=True)
            with open(ir) as f:
                text = f.read()
            # The weights path is the run's temporary directory: the only line that may differ.
            text = text.replace(tmp, "<tmp>")
            with open(os.path.join(ir_dir, name + ".mlir"), "w") as f:
                f.write(text)
            with open(os.path.join(ir_dir, name + ".report.txt"), "w") as f:
                f.write(err.replace(tmp, "<tmp>"))
    return name, {"times_s": times, "min_s": min(times), "median_s": statistics.median(times),
                  "max_s": max(times), "cpu_s": cpu, "cpu_min_s": min(cpu),
                  "cpu_median_s": statistics.median(cpu)}


def compare(a, b):
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    bad = 0
    for n in names:
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if not (os.path.exists(pa) and os.path.exists(pb)):
            print(f"MISSING {n}")
            bad += 1
            continue
        with open(pa) as fa, open(pb) as fb:
            if fa.read() != fb.read():
                print(f"DIFFERENT {n}")
                bad += 1
    print(f"{len(names) - bad}/{len(names)} files identical")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pike-opt")
    ap.add_argument("--models")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json")
    ap.add_argument("--ir-dir")
    ap.add_argument("--label", default="")
    ap.add_argument("--compare", nargs=2)
    args = ap.parse_args()
    if args.compare:
        return compare(*args.compare)
    results = {}
    # The machine is shared: say how busy it was (1-minute load average).
    load_start = os.getloadavg()[0]
    for task in sorted(os.listdir(args.models)):
        d = os.path.join(args.models, task)
        if not os.path.isfile(os.path.join(d, "model.pt")):
            continue
        name, r = run_task(args.pike_opt, d, args.runs, args.ir_dir)
        results[name] = r
        shown = (f"wall min {r['min_s']:.3f} median {r['median_s']:.3f} s   cpu min "
                 f"{r['cpu_min_s']:.3f} median {r['cpu_median_s']:.3f} s" if "min_s" in r else "FAILED")
        print(f"{name:45s} {shown}", flush=True)
    out = {"label": args.label, "command": "pike-opt MODEL --input-spec SPEC --emit=regions",
           "runs": args.runs, "host": platform.node(), "cpus": os.cpu_count(),
           "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "load_average_1min": {"start": load_start, "end": os.getloadavg()[0]}, "tasks": results}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
