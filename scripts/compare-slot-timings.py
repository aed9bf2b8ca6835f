#!/usr/bin/env python3
"""The same candidates on the same slots in two runs: did the candidates or the
references time differently?

  scripts/compare-slot-timings.py RUN_A RUN_B [--json out.json]

RUN_A and RUN_B are search checkpoints (checkpoint.jsonl), directories holding
them (searched recursively) or device-pike-bench report tarballs
(pike-reports.tgz). Evaluations are matched by the slot's fingerprint (the
checkpoint's task list) and the candidate's kind (mode and variant); the first
evaluation of each pair on each side counts, and one whose reference time was
reused is left out. It prints, over the matched pairs and per kind, the median
of B/A for the candidate's time and for the reference's time. A shift in the
candidates alone at unchanged references points at the candidates' side of the
worker (the runner, what runs beside it), not at the GPU or the baseline; run
full-20261207k against j, call 1: references 0.998, candidates 1.083.
"""
import argparse
import json
import os
import statistics
import sys
import tarfile


def checkpoint_texts(path):
    if os.path.isdir(path):
        for root, _, files in os.walk(path):
            for f in sorted(files):
                if f == "checkpoint.jsonl":
                    yield os.path.join(root, f), open(os.path.join(root, f)).read()
    elif path.endswith((".tgz", ".tar.gz")):
        with tarfile.open(path) as t:
            for m in t.getmembers():
                if m.isfile() and os.path.basename(m.name) == "checkpoint.jsonl":
                    yield m.name, t.extractfile(m).read().decode()
    else:
        yield path, open(path).read()


def kind_of(code):
    knobs = code.get("knobs") or {}
    variant = knobs.get("variant", "") if isinstance(knobs, dict) else ""
    return "%s:%s" % (code.get("mode", "?"), variant or "-")


def timings(path):
    """{(fingerprint, kind): (candidate_ms, reference_ms)}, first evaluation each."""
    out = {}
    for name, text in checkpoint_texts(path):
        fingerprints = None
        for line in text.splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if fingerprints is None and isinstance(rec.get("tasks"), list):
                fingerprints = [t.get("fingerprint") for t in rec["tasks"]]
                continue
            if rec.get("type") != "eval" or fingerprints is None:
                continue
            cand = rec.get("candidate") or {}
            timing = (((cand.get("result") or {}).get("details") or {}).get("timing") or {})
            c, r = timing.get("candidate") or {}, timing.get("reference") or {}
            if not c.get("median_ms") or not r.get("median_ms") or r.get("reused"):
                continue
            try:
                fp = fingerprints[int(rec.get("task"))]
            except (TypeError, ValueError, IndexError):
                continue
            out.setdefault((fp, kind_of(cand.get("code") or {})), (c["median_ms"], r["median_ms"]))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run_a")
    ap.add_argument("run_b")
    ap.add_argument("--json", help="also write the summary here")
    args = ap.parse_args()
    try:
        a, b = timings(args.run_a), timings(args.run_b)
    except (OSError, tarfile.TarError) as e:
        sys.exit("compare-slot-timings: %s" % e)
    pairs = sorted(set(a) & set(b))
    if not pairs:
        sys.exit("compare-slot-timings: no slot and candidate kind timed in both runs")
    per_kind = {}
    for key in pairs:
        per_kind.setdefault(key[1], []).append((b[key][0] / a[key][0], b[key][1] / a[key][1]))
    def summary(rows):
        return {"pairs": len(rows), "candidate_b_over_a": round(statistics.median(r[0] for r in rows), 3),
                "reference_b_over_a": round(statistics.median(r[1] for r in rows), 3)}
    doc = {"all": summary([r for rows in per_kind.values() for r in rows]),
           "per_kind": {k: summary(v) for k, v in sorted(per_kind.items())}}
    s = doc["all"]
    print("%d pairs: candidate B/A %.3f, reference B/A %.3f" % (s["pairs"], s["candidate_b_over_a"],
                                                                s["reference_b_over_a"]))
    for k, v in doc["per_kind"].items():
        print("  %-28s %4d pairs: candidate %.3f, reference %.3f" % (k, v["pairs"], v["candidate_b_over_a"],
                                                                   v["reference_b_over_a"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
