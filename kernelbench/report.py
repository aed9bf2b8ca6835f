"""Reports from a bench.py run JSON: statistics, markdown, plots, the stable summary.

Definitions (all per level, and over all tasks):
  speedup of method M vs baseline B on a task = median_ms(B) / median_ms(M), defined only
      when both M and B ran, were correct and were timed on that task.
  geomean_vs_X   = geometric mean of those speedups over the tasks where it is defined
                   (None when there are none).
  fast_p(M, B)   = (number of tasks where M is correct and speedup(M, B) > p)
                   / (number of tasks M was attempted on); KernelBench's fast_p.
  tasks          = tasks where M was attempted (status other than "skipped").
  correct        = tasks where M ran and matched eager within atol/rtol on every seed.
  torch_compile_best (derived per task, never timed itself) = the fastest correct of the
                   torch.compile modes the run timed on that task (its median and the mode it
                   came from); attempted when any mode was, correct when any mode was.
                   "partial" counts tasks where a mode was skipped, so the best is over fewer.
Summaries take every method of a level from one harness run (one run id) and refuse a
run JSON whose tasks come from several runs.
"""
import json
import math
import os

BASELINE_EAGER = "eager"
BASELINE_COMPILE = "torch_compile"
BASELINE_COMPILE_BEST = "torch_compile_best"
BASELINE_EAGER_CUDAGRAPH = "eager_cudagraph"
# The torch.compile modes torch_compile_best chooses from (bench.COMPILE_MODES).
COMPILE_METHODS = ("torch_compile", "torch_compile_reduce_overhead", "torch_compile_max_autotune",
                   "torch_compile_max_autotune_no_cudagraphs")
SUMMARY_FORMAT = 2


class MixedRunsError(ValueError):
    """A summary or merge was given timings from more than one harness run."""


def run_id_of(run):
    """A run's id; runs written before run ids existed are named by their start time."""
    return run.get("run_id") or f"started-{run.get('started')}"


def check_single_run(run):
    """Raises MixedRunsError unless every task record carries the run's own id."""
    rid = run_id_of(run)
    other = sorted({t.get("run_id") for t in run.get("tasks", []) if t.get("run_id") not in (None, rid)})
    if other:
        raise MixedRunsError(f"run {rid} holds tasks of other harness runs ({', '.join(other)}); "
                             "a summary takes every method of a level from one run")
    return rid


# ------------------------------------------------------------------ torch.compile best
def compile_best_entry(task):
    """The derived torch_compile_best entry of a task, or None when no compile mode was planned."""
    entries = {m: e for m, e in task.get("methods", {}).items() if m in COMPILE_METHODS}
    if not entries:
        return None
    skipped = [m for m, e in entries.items() if e.get("status") == "skipped"]
    tried = [m for m in entries if m not in skipped]
    failed = [m for m in tried if not entries[m].get("correct")]
    timed = [(entries[m]["time"]["median_ms"], m) for m in tried
             if entries[m].get("correct") and (entries[m].get("time") or {}).get("median_ms")]
    out = {"derived": True, "modes_tried": tried, "modes_skipped": skipped, "modes_failed": failed}
    if timed:
        _ms, best = min(timed)
        out.update(status="ok", correct=True, best_of=best, time=dict(entries[best]["time"]))
    elif not tried:
        out.update(status="skipped", correct=False, error="no torch.compile mode ran on this task")
    else:
        out.update(status="error", correct=False,
                   error="no torch.compile mode was correct and timed: " + ", ".join(failed))
    return out


def with_compile_best(run):
    """A copy of run whose tasks carry the derived torch_compile_best entry (where any mode was planned)."""
    tasks = []
    for t in run.get("tasks", []):
        best = compile_best_entry(t)
        if best is not None:
            t = {**t, "methods": {**t.get("methods", {}), BASELINE_COMPILE_BEST: best}}
        tasks.append(t)
    return {**run, "tasks": tasks}


def geomean(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    if any(v <= 0 or not math.isfinite(v) for v in vals):
        raise ValueError(f"geomean needs positive finite values, got {vals}")
    return math.exp(sum(math.log(v) for v in vals) / len(vals))


def method_entry(task, method):
    return task.get("methods", {}).get(method)


def median_ms(task, method):
    e = method_entry(task, method)
    if not e or not e.get("correct") or not e.get("time"):
        return None
    return e["time"].get("median_ms")


def speedup(task, method, baseline):
    m, b = median_ms(task, method), median_ms(task, baseline)
    if m is None or b is None or m <= 0:
        return None
    return b / m


def attempted(tasks, method):
    out = []
    for t in tasks:
        e = method_entry(t, method)
        if e is not None and e.get("status") != "skipped":
            out.append(t)
    return out


def fast_p(tasks, method, baseline, p):
    att = attempted(tasks, method)
    if not att:
        return None
    hits = 0
    for t in att:
        s = speedup(t, method, baseline)
        if s is not None and s > p:
            hits += 1
    return hits / len(att)


STAT_KEYS = ("tasks", "correct", "geomean_vs_eager", "geomean_vs_compile", "geomean_vs_compile_best",
             "geomean_vs_eager_cudagraph", "fast_1", "fast_1_vs_compile_best")


def level_stats(tasks, method):
    att = attempted(tasks, method)
    st = {
        "tasks": len(att),
        "correct": sum(1 for t in att if method_entry(t, method).get("correct")),
        "geomean_vs_eager": geomean([speedup(t, method, BASELINE_EAGER) for t in att]),
        "geomean_vs_compile": geomean([speedup(t, method, BASELINE_COMPILE) for t in att]),
        "geomean_vs_compile_best": geomean([speedup(t, method, BASELINE_COMPILE_BEST) for t in att]),
        "geomean_vs_eager_cudagraph": geomean([speedup(t, method, BASELINE_EAGER_CUDAGRAPH) for t in att]),
        "fast_1": fast_p(tasks, method, BASELINE_EAGER, 1.0),
        "fast_1_vs_compile_best": fast_p(tasks, method, BASELINE_COMPILE_BEST, 1.0),
    }
    if method == BASELINE_COMPILE_BEST:
        st["partial"] = sum(1 for t in att if method_entry(t, method).get("modes_skipped"))
        wins = {}
        for t in att:
            m = method_entry(t, method).get("best_of")
            if m:
                wins[m] = wins.get(m, 0) + 1
        st["best_of"] = wins
    return st


def methods_of(run):
    """Methods in the run's order; torch_compile_best right after the last compile mode."""
    seen = []
    for m in run.get("methods", []):
        if m not in seen:
            seen.append(m)
    for t in run.get("tasks", []):
        for m in t.get("methods", {}):
            if m not in seen:
                seen.append(m)
    if BASELINE_COMPILE_BEST in seen:
        seen.remove(BASELINE_COMPILE_BEST)
        last = max(i for i, m in enumerate(seen) if m in COMPILE_METHODS)
        seen.insert(last + 1, BASELINE_COMPILE_BEST)
    return seen


def levels_of(run):
    return sorted({t["level"] for t in run.get("tasks", [])})


def compute_stats(run):
    """{level: {method: stats}} plus an 'all' level (torch_compile_best included)."""
    run = with_compile_best(run)
    out = {}
    tasks = run.get("tasks", [])
    for lvl in levels_of(run) + ["all"]:
        lt = tasks if lvl == "all" else [t for t in tasks if t["level"] == lvl]
        out[lvl] = {m: level_stats(lt, m) for m in methods_of(run)}
    return out


# ------------------------------------------------------------------ summary
def update_summary(path, run, stats=None, source=None):
    """Writes this run's per-level stats into the card's summary file.

    Each level entry comes whole from ONE harness run: a run that covers a level replaces
    that level's entry (all its methods); levels the run does not cover keep their entry,
    which names its own run. A run JSON holding tasks of several runs is refused
    (MixedRunsError), and so is a run of another card. A summary file of the old format
    (methods of one level taken from different runs) is not carried over."""
    rid = check_single_run(run)
    stats = stats or compute_stats(run)
    summary = {"card": run.get("card"), "format": SUMMARY_FORMAT, "levels": {}}
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
        if old.get("card") not in (None, run.get("card")):
            raise MixedRunsError(f"{path} is the summary of card {old.get('card')}, this run is on {run.get('card')}")
        if old.get("format") == SUMMARY_FORMAT:
            summary["levels"] = old.get("levels", {})
    for lvl, per_method in stats.items():
        if lvl == "all":
            continue
        methods = {}
        for m, st in per_method.items():
            if st["tasks"] == 0:
                continue
            methods[m] = {k: st[k] for k in STAT_KEYS}
            for k in ("partial", "best_of"):
                if k in st:
                    methods[m][k] = st[k]
            methods[m].update(run_id=rid, card=run.get("card"))
        if not methods:
            continue
        summary["levels"][lvl] = {
            "run_id": rid, "card": run.get("card"), "device_name": run.get("device_name"),
            "torch": run.get("torch"), "started": run.get("started"), "finished": run.get("finished"),
            "hosts": run.get("hosts") or ([run["host"]] if run.get("host") else []),
            "compile_modes": run.get("compile_modes"), "source": source, "methods": methods}
    summary["levels"] = dict(sorted(summary["levels"].items()))
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(summary, f, indent=2)
    os.replace(tmp, path)
    return summary


# ------------------------------------------------------------------ markdown
def _fmt(v, nd=2, suffix=""):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{nd}f}{suffix}"
    return f"{v}{suffix}"


def _cell(task, method):
    e = method_entry(task, method)
    if e is None:
        return "-"
    st = e.get("status")
    if st == "skipped":
        return "skip"
    if st == "error":
        return "ERR"
    t = e.get("time") or {}
    ms = t.get("median_ms")
    mark = "" if e.get("correct") else " WRONG"
    if ms is None:
        return "no time" + mark
    sp = speedup(task, method, BASELINE_EAGER) if method != BASELINE_EAGER else None
    if e.get("best_of"):               # torch_compile_best: which mode, * = a mode was skipped
        mark += f" [{e['best_of'].replace('torch_compile_', '').replace('torch_compile', 'default')}]"
        mark += "*" if e.get("modes_skipped") else ""
    return f"{ms:.3f}" + (f" ({sp:.2f}x)" if sp is not None else "") + mark


def pike_vs_compile_table(tasks, methods):
    """Per task: torch_compile_best (and its mode), the default mode, and each pike method's
    speedup over both. Empty without a pike method or a torch.compile mode."""
    pikes = [m for m in methods if m.startswith("pike")]
    if not pikes or BASELINE_COMPILE_BEST not in methods:
        return []
    lines = ["", "## pike against torch.compile", "",
             "Speedup = torch.compile time / pike time, same run, same inputs; - = undefined "
             "(a side failed, was wrong or was skipped).", "",
             "| level | task | compile-best ms [mode] | default ms | " +
             " | ".join(f"{m} vs best | {m} vs default" for m in pikes) + " |",
             "|---|---|---|---|" + "---|---|" * len(pikes)]
    for t in tasks:
        best = method_entry(t, BASELINE_COMPILE_BEST) or {}
        bms = median_ms(t, BASELINE_COMPILE_BEST)
        mode = (best.get("best_of") or "").replace("torch_compile_", "").replace("torch_compile", "default")
        cells = [f"{_fmt(bms, 3)} [{mode}]" + ("*" if best.get("modes_skipped") else "") if bms else "-",
                 _fmt(median_ms(t, BASELINE_COMPILE), 3)]
        for m in pikes:
            cells += [_fmt(speedup(t, m, BASELINE_COMPILE_BEST), 2, "x"), _fmt(speedup(t, m, BASELINE_COMPILE), 2, "x")]
        lines.append(f"| {t['level']} | {t['task']} | " + " | ".join(cells) + " |")
    return lines


def markdown(run, stats=None):
    run = with_compile_best(run)
    stats = stats or compute_stats(run)
    methods = methods_of(run)
    lines = [f"# KernelBench-style run: {run.get('card')}", ""]
    lines.append(f"- run id: {run_id_of(run)}; hosts: {', '.join(run.get('hosts') or [str(run.get('host'))])}")
    if run.get("compile_modes"):
        lines.append("- torch.compile modes: " + ", ".join(f"{m} = {v}" for m, v in run["compile_modes"].items()))
    lines.append(f"- device: {run.get('device_name')}  torch {run.get('torch')}  CUDA {run.get('cuda')}")
    clk = run.get("clocks_start") or {}
    if clk:
        lines.append("- nvidia-smi at start: " + ", ".join(f"{k}={v}" for k, v in clk.items()))
    lines.append(f"- started {run.get('started')}, finished {run.get('finished')}; seeds {run.get('seeds')}, "
                 f"atol=rtol={run.get('atol')}; small shapes: {run.get('small')}")
    if run.get("notes"):
        for n in run["notes"]:
            lines.append(f"- note: {n}")
    lines.append("")
    how = ("CUDA events, L2 flushed before each rep" if run.get("device") == "cuda"
           else "host wall clock, no cache flush; CPU numbers are a smoke test, not a benchmark")
    lines.append(f"Times are median milliseconds per call ({how}); "
                 "(Nx) is speedup vs eager; WRONG = outside tolerance; ERR = method failed (see JSON); "
                 "skip = not run. torch_compile_best = the fastest correct torch.compile mode of this run "
                 "on the task [mode]; * = a mode was skipped there, so the best is over fewer modes.")
    lines.append("")
    lines.append("## Per level")
    lines.append("")
    lines.append("| level | method | tasks | correct | geomean vs eager | geomean vs torch.compile | "
                 "geomean vs compile-best | geomean vs eager+CUDA graph | fast_1 vs eager | fast_1 vs compile | "
                 "fast_1 vs compile-best |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    tasks = run.get("tasks", [])
    for lvl, per in stats.items():
        lt = tasks if lvl == "all" else [t for t in tasks if t["level"] == lvl]
        for m in methods:
            st = per.get(m)
            if not st or st["tasks"] == 0:
                continue
            f1c = fast_p(lt, m, BASELINE_COMPILE, 1.0)
            name = m
            if m == BASELINE_COMPILE_BEST and st.get("partial"):
                name += f" ({st['partial']} partial)"
            lines.append(f"| {lvl} | {name} | {st['tasks']} | {st['correct']} | {_fmt(st['geomean_vs_eager'], 3)} | "
                         f"{_fmt(st['geomean_vs_compile'], 3)} | {_fmt(st['geomean_vs_compile_best'], 3)} | "
                         f"{_fmt(st['geomean_vs_eager_cudagraph'], 3)} | {_fmt(st['fast_1'], 2)} | {_fmt(f1c, 2)} | "
                         f"{_fmt(st['fast_1_vs_compile_best'], 2)} |")
    lines.append("")
    lines.append("## Per task")
    lines.append("")
    compiled = [m for m in methods if m in COMPILE_METHODS]
    lines.append("| level | task | " + " | ".join(methods) + " |" +
                 (" compile s (" + ", ".join(compiled) + ") |" if compiled else ""))
    lines.append("|---|---|" + "---|" * (len(methods) + (1 if compiled else 0)))
    for t in tasks:
        comp = []
        for m in methods:
            if m in COMPILE_METHODS:
                e = method_entry(t, m) or {}
                cs = e.get("warm_compile_s", e.get("compile_s"))
                comp.append(_fmt(cs, 1))
        lines.append(f"| {t['level']} | {t['task']} | " + " | ".join(_cell(t, m) for m in methods) + " |"
                     + (" " + ", ".join(comp) + " |" if compiled else ""))
    lines += pike_vs_compile_table(tasks, methods)
    errs = [(t["task"], m, method_entry(t, m).get("error")) for t in tasks for m in methods
            if method_entry(t, m) and method_entry(t, m).get("status") in ("error", "skipped")
            and method_entry(t, m).get("error")]
    if errs:
        lines.append("")
        lines.append("## Failures and skips")
        lines.append("")
        for task, m, err in errs:
            first = str(err).strip().splitlines()[0][:200] if str(err).strip() else ""
            lines.append(f"- {task} / {m}: {first}")
    if run.get("skipped_tasks"):
        lines.append("")
        lines.append("Tasks not reached: " + ", ".join(run["skipped_tasks"]))
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ plots
def plots(run, prefix):
    """Writes PREFIX-speedup.png and PREFIX-fast_p.png; returns the paths (empty without matplotlib)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # noqa: BLE001
        return []
    run = with_compile_best(run)
    tasks = run.get("tasks", [])
    methods = [m for m in methods_of(run) if m != BASELINE_EAGER]
    paths = []
    if not tasks or not methods:
        return paths
    bases = [BASELINE_EAGER, BASELINE_COMPILE] + ([BASELINE_COMPILE_BEST] if BASELINE_COMPILE_BEST in methods else [])
    # speedup bars, one panel per baseline
    fig, axes = plt.subplots(len(bases), 1, figsize=(max(10, 0.32 * len(tasks) * max(1, len(methods)) / 2),
                                                     5 * len(bases)))
    for ax, base in zip(axes, bases):
        ms = [m for m in methods if m != base]
        width = 0.8 / max(1, len(ms))
        for j, m in enumerate(ms):
            xs, ys = [], []
            for i, t in enumerate(tasks):
                s = speedup(t, m, base)
                if s is not None:
                    xs.append(i + j * width)
                    ys.append(s)
            ax.bar(xs, ys, width=width, label=m)
        ax.axhline(1.0, color="k", linewidth=0.8)
        ax.set_yscale("log")
        vals = [s for t in tasks for m in ms for s in [speedup(t, m, base)] if s is not None]
        lo, hi = min(vals + [0.5]) * 0.8, max(vals + [2.0]) * 1.25
        ticks = [2.0 ** k for k in range(-8, 9) if lo <= 2.0 ** k <= hi]
        ax.set_ylim(lo, hi)
        ax.set_yticks(ticks)
        ax.set_yticklabels([f"{t:g}x" for t in ticks])
        ax.set_ylabel(f"speedup vs {base}")
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(tasks))])
        ax.set_xticklabels([f"{t['level'][-1]}/{t['task']}" for t in tasks], rotation=90, fontsize=7)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
        ax.set_title(f"{run.get('card')}: per-task speedup vs {base} (median times; missing bar = failed/incorrect/skipped)",
                     fontsize=9)
    fig.tight_layout()
    p = f"{prefix}-speedup.png"
    fig.savefig(p, dpi=90)
    plt.close(fig)
    paths.append(p)
    # fast_p curves
    ps = [i / 20 for i in range(0, 61)]
    fig, axes = plt.subplots(1, len(bases), figsize=(6 * len(bases), 4.5))
    for ax, base in zip(axes, bases):
        for m in methods_of(run):
            if m == base:
                continue
            ys = [fast_p(tasks, m, base, p) for p in ps]
            if all(y is None for y in ys):
                continue
            ax.plot(ps, [y if y is not None else 0 for y in ys], label=m)
        ax.axvline(1.0, color="k", linewidth=0.6, linestyle=":")
        ax.set_xlabel("p (speedup threshold)")
        ax.set_ylabel(f"fast_p vs {base}")
        ax.set_ylim(0, 1.02)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
        ax.set_title(f"share of tasks correct and > p times faster than {base}", fontsize=9)
    fig.tight_layout()
    p = f"{prefix}-fast_p.png"
    fig.savefig(p, dpi=90)
    plt.close(fig)
    paths.append(p)
    return paths


def write_reports(run, json_path, results_dir, summary=True, make_plots=True):
    """Markdown + plots next to json_path; summary in results_dir. Returns written paths.
    Raises MixedRunsError before writing anything when the summary would mix runs."""
    if summary:
        check_single_run(run)
    stats = compute_stats(run)
    prefix = os.path.splitext(json_path)[0]
    written = []
    md = prefix + ".md"
    with open(md, "w") as f:
        f.write(markdown(run, stats))
    written.append(md)
    if make_plots:
        written += plots(run, prefix)
    if summary:
        os.makedirs(results_dir, exist_ok=True)
        sp = os.path.join(results_dir, f"{run.get('card')}-summary.json")
        update_summary(sp, run, stats, source=os.path.basename(json_path))
        written.append(sp)
    return written
