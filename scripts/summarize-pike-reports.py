#!/usr/bin/env python3
"""Summarise the package reports of one device-pike-bench run.

  scripts/summarize-pike-reports.py pike-reports.tgz [--json out.json]

Reads every pkgs*/<task>/report.json in the tarball (or a directory holding the
same layout) and prints, per package: slots, slots given a kernel, the share of
the eager time those slots cover, the kernel kinds (impl/variant), and the
fallback reasons grouped by class. The coverage numbers in the run write-ups
come from this script, so they can be recomputed from the raw tarball.
"""
import argparse
import collections
import json
import os
import re
import sys
import tarfile


def load_reports(path):
    """Yields (package dir, report dict) for every report.json found."""
    if os.path.isdir(path):
        for root, _, files in os.walk(path):
            if "report.json" in files:
                rel = os.path.relpath(root, path)
                with open(os.path.join(root, "report.json")) as f:
                    yield rel, json.load(f)
        return
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.endswith("/report.json"):
                yield os.path.dirname(member.name), json.load(tar.extractfile(member))


def reason_class(reason):
    """Groups fallback reasons: the numbers in them differ per slot."""
    reason = reason or "unknown"
    if "ran at" in reason and "of the reference" in reason:
        return "slower than the reference"
    if "outside the timed stream" in reason:
        # RunnerTiming.cpp: the wall check names the device synchronisation, the
        # forge check the runner's event times.
        return "timing check: " + ("wall" if "synchronisation" in reason else "forge")
    if "no candidate" in reason.lower():
        return "no candidate"
    return re.sub(r"[0-9.]+", "N", reason)[:90]


def summarise(report):
    slots = report.get("slots", [])
    kernel = [s for s in slots if s.get("impl") not in (None, "reference")]
    eager_share = sum(s.get("eager_share") or 0.0 for s in kernel)
    kinds = collections.Counter()
    for s in kernel:
        variant = ""
        try:
            variant = json.loads(s.get("knobs") or "{}").get("variant", "")
        except ValueError:
            pass
        kinds[f"{s.get('impl')}:{variant or s.get('pattern')}"] += 1
    reasons = collections.Counter(reason_class(s.get("fallback_reason")) for s in slots
                                  if s.get("impl") in (None, "reference"))
    return {
        "slots": len(slots),
        "kernels": len(kernel),
        "eager_share_with_kernel": round(eager_share, 3),
        "kinds": dict(kinds.most_common()),
        "fallbacks": dict(reasons.most_common()),
        "search_time": report.get("search_time"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reports", help="pike-reports.tgz or a directory with pkgs*/<task>/report.json")
    ap.add_argument("--json", help="also write the summary as JSON here")
    args = ap.parse_args()
    if not os.path.exists(args.reports):
        sys.exit(f"summarize-pike-reports: error: {args.reports}: no such file or directory")
    summary = {pkg: summarise(rep) for pkg, rep in sorted(load_reports(args.reports))}
    if not summary:
        sys.exit(f"summarize-pike-reports: error: no report.json in {args.reports}")
    for pkg, s in summary.items():
        print(f"{pkg}: {s['kernels']}/{s['slots']} slots with a kernel "
              f"({100 * s['eager_share_with_kernel']:.0f}% of eager time); "
              f"kinds {s['kinds']}; fallbacks {s['fallbacks']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
