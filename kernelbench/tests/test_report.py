"""Statistics on known numbers: geomean, speedup, fast_p, summary merge, timing percentiles."""
import json
import math

import pytest

import bench
import report


def ok(ms):
    return {"status": "ok", "correct": True, "time": {"median_ms": ms}}


def run_of(tasks, card="TEST-CARD", torch_v="9.9"):
    return {"card": card, "torch": torch_v, "methods": ["eager", "torch_compile", "pike"], "tasks": tasks}


def task(name, level, **methods):
    return {"task": name, "level": level, "methods": methods}


TASKS = [
    # eager 1.0, compile 0.5 (2x), pike 0.25 (4x vs eager, 2x vs compile)
    task("a", "level1", eager=ok(1.0), torch_compile=ok(0.5), pike=ok(0.25)),
    # eager 2.0, compile 4.0 (0.5x), pike 1.0 (2x vs eager, 4x vs compile)
    task("b", "level1", eager=ok(2.0), torch_compile=ok(4.0), pike=ok(1.0)),
    # pike wrong -> no speedup, counts as attempted, not correct
    task("c", "level1", eager=ok(1.0), torch_compile=ok(1.0),
         pike={"status": "incorrect", "correct": False, "time": {"median_ms": 0.1}}),
    # pike skipped -> not attempted
    task("d", "level3", eager=ok(3.0), torch_compile=ok(1.0), pike={"status": "skipped", "correct": False}),
    # pike error
    task("e", "level3", eager=ok(3.0), torch_compile=ok(3.0), pike={"status": "error", "correct": False}),
]


def test_geomean():
    assert report.geomean([2.0, 8.0]) == pytest.approx(4.0)
    assert report.geomean([1.0, 10.0, 100.0]) == pytest.approx(10.0)
    assert report.geomean([None, 3.0]) == pytest.approx(3.0)
    assert report.geomean([]) is None
    with pytest.raises(ValueError):
        report.geomean([1.0, 0.0])


def test_speedups_and_fast_p():
    a, b, c = TASKS[0], TASKS[1], TASKS[2]
    assert report.speedup(a, "pike", "eager") == pytest.approx(4.0)
    assert report.speedup(b, "pike", "torch_compile") == pytest.approx(4.0)
    assert report.speedup(c, "pike", "eager") is None          # incorrect -> undefined
    lvl1 = TASKS[:3]
    # pike attempted on 3 level1 tasks; correct and > 1x vs eager on a (4x), b (2x)
    assert report.fast_p(lvl1, "pike", "eager", 1.0) == pytest.approx(2 / 3)
    assert report.fast_p(lvl1, "pike", "eager", 3.0) == pytest.approx(1 / 3)
    assert report.fast_p(lvl1, "pike", "eager", 0.0) == pytest.approx(2 / 3)   # = correctness rate
    assert report.fast_p(lvl1, "torch_compile", "eager", 1.0) == pytest.approx(1 / 3)
    assert report.fast_p(TASKS[3:], "pike", "eager", 1.0) == 0.0   # one attempted (error), skip excluded


def test_level_stats():
    stats = report.compute_stats(run_of(TASKS))
    p1 = stats["level1"]["pike"]
    assert p1["tasks"] == 3 and p1["correct"] == 2
    assert p1["geomean_vs_eager"] == pytest.approx(math.sqrt(4.0 * 2.0))
    assert p1["geomean_vs_compile"] == pytest.approx(math.sqrt(2.0 * 4.0))
    assert p1["fast_1"] == pytest.approx(2 / 3)
    c1 = stats["level1"]["torch_compile"]
    assert c1["geomean_vs_eager"] == pytest.approx((2.0 * 0.5 * 1.0) ** (1 / 3))
    assert c1["geomean_vs_compile"] == pytest.approx(1.0)
    p3 = stats["level3"]["pike"]
    assert p3["tasks"] == 1 and p3["correct"] == 0 and p3["geomean_vs_eager"] is None
    assert stats["all"]["eager"]["tasks"] == 5


def test_summary_merges_methods(tmp_path):
    path = str(tmp_path / "TEST-CARD-summary.json")
    only_compile = [{**t, "methods": {k: v for k, v in t["methods"].items() if k != "pike"}} for t in TASKS]
    report.update_summary(path, run_of(only_compile))
    s1 = json.load(open(path))
    assert set(s1["levels"]["level1"]) == {"eager", "torch_compile"}
    only_pike = [{**t, "methods": {k: v for k, v in t["methods"].items() if k in ("eager", "pike")}}
                 for t in TASKS]
    report.update_summary(path, run_of(only_pike))
    s2 = json.load(open(path))
    assert set(s2) == {"card", "torch", "levels"}
    assert set(s2["levels"]["level1"]) == {"eager", "torch_compile", "pike"}
    assert s2["levels"]["level1"]["torch_compile"] == s1["levels"]["level1"]["torch_compile"]
    assert set(s2["levels"]["level1"]["pike"]) == {"tasks", "correct", "geomean_vs_eager",
                                                   "geomean_vs_compile", "fast_1", "run"}
    # another card does not inherit this card's entries
    report.update_summary(path, run_of(only_pike, card="OTHER"))
    assert "torch_compile" not in json.load(open(path))["levels"]["level1"]


def test_markdown_and_plots(tmp_path):
    run = run_of(TASKS)
    md = report.markdown(run)
    assert "| level1 | pike | 3 | 2 | 2.828 |" in md
    assert "WRONG" in md and "ERR" in md and "skip" in md
    paths = report.plots(run, str(tmp_path / "x"))
    pytest.importorskip("matplotlib")
    assert len(paths) == 2


def test_timing_stats():
    st = bench.stats_of([5.0, 1.0, 2.0, 4.0, 3.0])
    assert st["median_ms"] == 3.0 and st["min_ms"] == 1.0 and st["max_ms"] == 5.0
    assert st["p10_ms"] == pytest.approx(1.4) and st["p90_ms"] == pytest.approx(4.6)
    assert st["spread"] == pytest.approx((4.6 - 1.4) / 3.0)
    assert st["reps"] == 5


def test_compare():
    import torch
    a = torch.ones(4)
    assert bench.compare([a], [a + 0.005], 1e-2, 1e-2)[0]
    good, err, why = bench.compare([a], [a + 0.5], 1e-2, 1e-2)
    assert not good and err == pytest.approx(0.5) and "max abs err" in why
    assert not bench.compare([a, a], [a], 1e-2, 1e-2)[0]
    assert not bench.compare([a.view(2, 2)], [a], 1e-2, 1e-2)[0]
    assert not bench.compare([a * float("nan")], [a], 1e-2, 1e-2)[0]
