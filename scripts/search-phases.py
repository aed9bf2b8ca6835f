#!/usr/bin/env python3
"""Where a search's evaluations spent their time, from its checkpoint.

  scripts/search-phases.py WORK_DIR/checkpoint.jsonl [--json out.json]

Every `eval` record of the checkpoint carries the worker's reply details: the
compile time and the GPU phase's steps (`phases`: runner_start_ms, load_ms,
verify_ms, time_ms, ...) and `gpu_ms`. This prints, per candidate kind (mode and
variant), how many evaluations there were and the median of each phase, and the
totals over the run, so a slow search can be attributed (compiles, library
start-up in the runner, verification, timing) before it is optimised.
`wall_ms` is the worker's time per request and `waiting_ms` what its compile and GPU
phase do not explain (queue, GPU lock, a loaded CPU). `reference:timed` / `reference:reused` count the evaluations that timed the
slot's reference and those that reused its kept time (time_reference_ms then
has fewer values than the evaluations).
"""
import argparse
import collections
import json
import statistics
import sys


def kind_of(code):
    knobs = code.get("knobs") or {}
    variant = knobs.get("variant", "") if isinstance(knobs, dict) else ""
    return f"{code.get('mode', '?')}:{variant.split('/')[0] or '-'}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--json", help="also write the summary here")
    args = ap.parse_args()
    per_kind = collections.defaultdict(lambda: collections.defaultdict(list))
    totals = collections.Counter()
    evals = 0
    try:
        lines = open(args.checkpoint).read().splitlines()
    except OSError as e:
        sys.exit(f"search-phases: error: {args.checkpoint}: {e.strerror}")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            sys.exit(f"search-phases: error: {args.checkpoint}:{n}: not a JSON line")
        if rec.get("type") != "eval" or rec.get("cached"):
            continue
        cand = rec.get("candidate") or {}
        result = cand.get("result") or {}
        details = result.get("details") or {}
        k = per_kind[kind_of(cand.get("code") or {})]
        evals += 1
        k["count"].append(1)
        k["status:" + str(result.get("status"))].append(1)
        # The reference is timed once per slot function (WorkerEvaluator): count
        # the evaluations that timed it and those that reused the kept time.
        ref = (details.get("timing") or {}).get("reference")
        if isinstance(ref, dict):
            k["reference:" + ("reused" if ref.get("reused") else "timed")].append(1)
        values = {"compile_ms": result.get("compileMs"), "gpu_ms": details.get("gpu_ms")}
        values.update(details.get("phases") or {})
        # The worker's wall time per request (received -> replied) and what neither
        # the compile nor the GPU phase explains: waiting for this worker's earlier
        # requests and the machine-wide GPU lock (phases gpu_queue_ms, lock_wait_ms
        # split it where the worker reports them), and a CPU the request shares.
        wall, comp, gpu = details.get("wall_ms"), details.get("compile_ms"), details.get("gpu_ms")
        if all(isinstance(x, (int, float)) for x in (wall, comp, gpu)):
            values["wall_ms"] = wall
            values["waiting_ms"] = max(0.0, wall - comp - gpu)
        for name, v in values.items():
            if isinstance(v, (int, float)):
                k[name].append(float(v))
                totals[name] += float(v)
    if not evals:
        sys.exit(f"search-phases: error: no evaluation in {args.checkpoint}")
    summary = {"evaluations": evals, "total_ms": {k: round(v) for k, v in totals.items()}, "kinds": {}}
    for kind, vals in sorted(per_kind.items(), key=lambda kv: -len(kv[1]["count"])):
        row = {"evaluations": len(vals["count"])}
        for name, xs in sorted(vals.items()):
            if name == "count":
                continue
            row[name] = len(xs) if name.startswith(("status:", "reference:")) else round(statistics.median(xs), 1)
        summary["kinds"][kind] = row
    print(f"{evals} evaluations; totals (ms): {summary['total_ms']}")
    for kind, row in summary["kinds"].items():
        print(f"  {kind}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
