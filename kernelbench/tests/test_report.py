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


def with_run_id(tasks, rid):
    return [{**t, "run_id": rid} for t in tasks]


def test_summary_takes_each_level_from_one_run(tmp_path):
    """A run covering a level replaces that level's entry whole; other levels keep theirs."""
    path = str(tmp_path / "TEST-CARD-summary.json")
    run_a = {**run_of(with_run_id(TASKS, "run-A")), "run_id": "run-A", "started": "t0", "hosts": ["h1"]}
    report.update_summary(path, run_a, source="a.json")
    s1 = json.load(open(path))
    assert s1["card"] == "TEST-CARD" and s1["format"] == report.SUMMARY_FORMAT
    l1 = s1["levels"]["level1"]
    assert l1["run_id"] == "run-A" and l1["card"] == "TEST-CARD" and l1["source"] == "a.json"
    assert set(l1["methods"]) == {"eager", "torch_compile", "pike", "torch_compile_best"}
    for entry in l1["methods"].values():            # every entry names its run and card
        assert entry["run_id"] == "run-A" and entry["card"] == "TEST-CARD"
    # run B: level1 only, eager + pike (no torch.compile)
    lvl1_b = [{**t, "methods": {k: v for k, v in t["methods"].items() if k in ("eager", "pike")}}
              for t in TASKS if t["level"] == "level1"]
    run_b = {**run_of(with_run_id(lvl1_b, "run-B")), "run_id": "run-B", "started": "t1"}
    report.update_summary(path, run_b)
    s2 = json.load(open(path))
    assert s2["levels"]["level1"]["run_id"] == "run-B"
    # torch_compile of run A is NOT kept beside run B's pike: that would mix runs
    assert set(s2["levels"]["level1"]["methods"]) == {"eager", "pike"}
    assert s2["levels"]["level3"] == s1["levels"]["level3"]          # untouched level keeps run A


def test_summary_refuses_a_run_that_mixes_runs(tmp_path):
    path = str(tmp_path / "TEST-CARD-summary.json")
    mixed = with_run_id(TASKS[:2], "run-A") + with_run_id(TASKS[2:], "run-B")
    run = {**run_of(mixed), "run_id": "run-A"}
    with pytest.raises(report.MixedRunsError, match="run-B"):
        report.update_summary(path, run)
    with pytest.raises(report.MixedRunsError):
        report.write_reports(run, str(tmp_path / "mixed.json"), str(tmp_path), make_plots=False)
    assert not (tmp_path / "TEST-CARD-summary.json").exists()
    assert not (tmp_path / "mixed.md").exists()


def test_summary_refuses_another_card_and_drops_the_old_format(tmp_path):
    path = str(tmp_path / "TEST-CARD-summary.json")
    json.dump({"card": "TEST-CARD", "torch": "9.9", "levels": {"level2": {"eager": {"tasks": 1}}}}, open(path, "w"))
    run = {**run_of(with_run_id(TASKS, "r")), "run_id": "r"}
    report.update_summary(path, run)
    s = json.load(open(path))
    assert "level2" not in s["levels"]      # old-format entries mixed runs: not carried over
    with pytest.raises(report.MixedRunsError, match="OTHER"):
        report.update_summary(path, {**run, "card": "OTHER"})


def compile_task(name, **methods):
    return task(name, "level3", eager=ok(4.0), pike=ok(1.0), **methods)


def test_compile_best_is_the_fastest_correct_mode():
    wrong = {"status": "incorrect", "correct": False, "time": {"median_ms": 0.1}}
    skipped = {"status": "skipped", "correct": False}
    err = {"status": "error", "correct": False}
    t1 = compile_task("t1", torch_compile=ok(2.0), torch_compile_reduce_overhead=ok(1.6),
                      torch_compile_max_autotune=wrong)              # fastest is wrong: not chosen
    b1 = report.compile_best_entry(t1)
    assert b1["status"] == "ok" and b1["correct"] and b1["best_of"] == "torch_compile_reduce_overhead"
    assert b1["time"]["median_ms"] == 1.6 and b1["modes_failed"] == ["torch_compile_max_autotune"]
    assert b1["modes_skipped"] == []
    t2 = compile_task("t2", torch_compile=ok(2.0), torch_compile_max_autotune=skipped)
    b2 = report.compile_best_entry(t2)
    assert b2["best_of"] == "torch_compile" and b2["modes_skipped"] == ["torch_compile_max_autotune"]
    t3 = compile_task("t3", torch_compile=err, torch_compile_reduce_overhead=wrong)
    b3 = report.compile_best_entry(t3)
    assert b3["status"] == "error" and not b3["correct"] and "torch_compile" in b3["error"]
    t4 = compile_task("t4", torch_compile=skipped)
    assert report.compile_best_entry(t4)["status"] == "skipped"
    assert report.compile_best_entry(task("t5", "level3", eager=ok(1.0))) is None   # no mode planned
    # eager+CUDA graph is not a torch.compile mode
    t6 = compile_task("t6", torch_compile=ok(3.0), eager_cudagraph=ok(0.5))
    assert report.compile_best_entry(t6)["best_of"] == "torch_compile"

    run = {**run_of([t1, t2, t3, t4]), "methods": ["eager", "torch_compile", "torch_compile_reduce_overhead",
                                                   "torch_compile_max_autotune", "pike"]}
    st = report.compute_stats(run)["level3"]
    best = st["torch_compile_best"]
    assert best["tasks"] == 3 and best["correct"] == 2 and best["partial"] == 1
    assert best["best_of"] == {"torch_compile_reduce_overhead": 1, "torch_compile": 1}
    pike = st["pike"]
    # pike 1.0 ms vs best 1.6 (t1) and 2.0 (t2); vs the default mode 2.0 and 2.0
    assert pike["geomean_vs_compile_best"] == pytest.approx(math.sqrt(1.6 * 2.0))
    assert pike["geomean_vs_compile"] == pytest.approx(2.0)
    assert pike["fast_1_vs_compile_best"] == pytest.approx(2 / 4)
    md = report.markdown(run)
    assert "geomean vs compile-best" in md and "torch_compile_best (1 partial)" in md
    assert "1.600 (2.50x) [reduce_overhead]" in md and "2.000 (2.00x) [default]*" in md
    # per-task pike vs best and vs the default mode
    assert "| level3 | t1 | 1.600 [reduce_overhead] | 2.000 | 1.60x | 2.00x |" in md
    assert "| level3 | t2 | 2.000 [default]* | 2.000 | 2.00x | 2.00x |" in md
    assert "| level3 | t3 | - | - | - | - |" in md
    # the derived entry never lands in the run itself
    assert "torch_compile_best" not in t1["methods"]


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


def test_compare_tf32_noise():
    """Outside atol/rtol but within 3x eager's own TF32 deviation: correct, and said so;
    beyond it (or with no deviation measured): wrong."""
    import torch
    a = torch.ones(4)
    good, err, why = bench.compare([a + 0.05], [a], 1e-2, 1e-2, noise=[0.02])
    assert good and err == pytest.approx(0.05) and "TF32 deviation" in why
    good, _, why = bench.compare([a + 0.07], [a], 1e-2, 1e-2, noise=[0.02])
    assert not good and "TF32 deviation x3" in why
    assert not bench.compare([a + 0.05], [a], 1e-2, 1e-2, noise=None)[0]
    assert not bench.compare([a + 0.05], [a], 1e-2, 1e-2, noise=[0.0])[0]
    # within atol/rtol: no note
    assert bench.compare([a + 0.005], [a], 1e-2, 1e-2, noise=[0.02]) == (True, pytest.approx(0.005), "")


def test_strict_fp32_restores_tf32_flags():
    """Inside: TF32 forbidden ("ieee" where torch has per-backend fp32_precision, else
    the legacy flags off); after, even on an exception: what was set before."""
    import torch
    import taskload
    new_api = hasattr(getattr(torch.backends.cudnn, "conv", None), "fp32_precision")
    def state():
        if new_api:
            return torch.backends.cudnn.conv.fp32_precision, torch.backends.cuda.matmul.fp32_precision
        return torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    before = state()
    with pytest.raises(RuntimeError):
        with taskload.strict_fp32():
            assert state() == (("ieee", "ieee") if new_api else (False, False))
            raise RuntimeError("inside")
    assert state() == before


def test_tf32_noise_is_none_on_cpu():
    import torch
    m = torch.nn.Linear(4, 4)
    x = [(torch.randn(2, 4),)]
    assert bench.tf32_noise(m, x, [[m(*x[0])]], "cpu") == [None]
