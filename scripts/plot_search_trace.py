#!/usr/bin/env python3
"""Plot best speedup vs. queries from one or more pike search traces.

A trace is the JSON the search driver writes to `tracePath`: {"tasks": [...],
"events": [{"task", "region", "kind", "queries", "best", ...}]}. Each task
(region) of each trace becomes one step curve, like the PIKE paper's
"speedup vs. attempts" plots.

  scripts/plot_search_trace.py run1.json run2.json -o curves.png
  scripts/plot_search_trace.py run.json --region region_3 --x proposals -o r3.png
"""
import argparse
import json
import os
import sys


def load_curves(path, x_key, regions):
    with open(path) as f:
        doc = json.load(f)
    if "events" not in doc:
        raise ValueError(f"{path}: not a pike search trace (no 'events')")
    curves = {}
    for ev in doc["events"]:
        if ev.get("kind") == "migrate":
            continue
        region = ev.get("region", f"task{ev.get('task', 0)}")
        if regions and region not in regions:
            continue
        xs, ys = curves.setdefault(region, ([0], [0.0]))
        xs.append(ev[x_key])
        ys.append(ev["best"])
    return curves


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("traces", nargs="+", help="trace JSON files written by the search driver")
    ap.add_argument("-o", "--output", default="search_trace.png", help="PNG to write")
    ap.add_argument("--x", choices=["queries", "proposals", "index"], default="queries",
                    help="x axis: proposer+fixer queries (default), proposer calls only, or event index")
    ap.add_argument("--region", action="append", default=[], help="only these regions (repeatable)")
    ap.add_argument("--title", default="pike search: best verified speedup")
    args = ap.parse_args(argv)

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    plotted = 0
    for path in args.traces:
        try:
            curves = load_curves(path, args.x, set(args.region))
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as e:
            print(f"error: {path}: {e}", file=sys.stderr)
            return 1
        stem = os.path.splitext(os.path.basename(path))[0]
        for region, (xs, ys) in sorted(curves.items()):
            label = region if len(args.traces) == 1 else f"{stem}:{region}"
            ax.step(xs, ys, where="post", label=label)
            plotted += 1
    if plotted == 0:
        print("error: no events to plot (wrong --region?)", file=sys.stderr)
        return 1
    ax.axhline(1.0, color="gray", linestyle=":", linewidth=1)
    ax.set_xlabel({"queries": "queries (proposals + fixes; LLM or built-in)", "proposals": "proposals",
                   "index": "event"}[args.x])
    ax.set_ylabel("best speedup over PyTorch (x)")
    ax.set_title(args.title)
    ax.grid(True, alpha=0.3)
    if plotted <= 20:
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print(f"wrote {args.output} ({plotted} curves)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
