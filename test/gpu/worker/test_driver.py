"""CPU tests of the GPU suite's driver and corpus check (no GPU, no pike-worker needed).

The driver runs against fake_worker.py, whose replies each test scripts through a
`// FAKE: {...}` line in the candidate source; the corpus check runs on broken copies of
the manifest.
"""
import copy
import json
import os
import sys
import types

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_corpus  # noqa: E402
import corpus  # noqa: E402
import run_suite  # noqa: E402

FAKE = os.path.join(HERE, "fake_worker.py")


def case(name, expected, script=None, cls="cheat", mode="nvcc", task="elementwise", **kw):
    c = {"name": name, "file": name + ".cu", "task": task, "mode": mode, "expected": expected,
         "why": "test", "class": cls}
    c.update(kw)
    c["_script"] = script or {}
    return c


@pytest.fixture
def suite_factory(tmp_path, monkeypatch):
    """Builds a Suite over the given cases, with sources in a temporary corpus directory."""
    monkeypatch.setattr(corpus, "CORPUS", str(tmp_path))
    exe = tmp_path / "fake-worker"
    exe.write_text("#!/bin/sh\nexec %s %s \"$@\"\n" % (sys.executable, FAKE))
    exe.chmod(0o755)
    suites = []

    def make(cases):
        for c in cases:
            (tmp_path / c["file"]).write_text("// FAKE: %s\nint x;\n" % json.dumps(c.pop("_script")))
        args = types.SimpleNamespace(worker=str(exe), out=str(tmp_path), max_line_mib=1, stdin_runs=1,
                                     no_prewarm=True, budget_s=600)
        work = tmp_path / "work"
        work.mkdir(exist_ok=True)
        refs = {t: "/nonexistent/%s.pt" % t for t in corpus.TASKS}
        s = run_suite.Suite(args, refs, cases, str(work))
        s.ping_timeout = 3
        suites.append(s)
        return s

    yield make
    for s in suites:
        s.worker.kill()


def controls():
    return [case("ok_ew_nvcc", "ok", {"median_ms": 1.0}, cls="control"),
            case("ok_ew_nvrtc", "ok", {"median_ms": 1.0}, cls="control", mode="nvrtc",
                 launches=[{"kernel": "ew", "grid": [1], "block": [1], "args": ["in0", "in1", "out0"]}])]


def run_all(s):
    for c in s.order:
        s.run_case_safely(c)
    return {r["name"]: r for r in s.results}


def test_expected_statuses_and_honest_time(suite_factory):
    s = suite_factory(controls() + [
        case("incorrect_as_expected", "incorrect", {"status": "incorrect"}),
        case("ok_where_incorrect_expected", "incorrect", {"status": "ok"}),
        case("in_list", ["rejected", "incorrect"], {"status": "rejected"}),
        case("honest_time", "ok_honest_time", {"median_ms": 0.9}),
        case("fake_speedup", "ok_honest_time", {"median_ms": 0.2}),
        case("honest_time_or_incorrect", ["ok_honest_time", "incorrect"], {"status": "incorrect"}),
    ])
    r = run_all(s)
    assert r["ok_ew_nvcc"]["pass"] and r["ok_ew_nvrtc"]["pass"]
    assert r["incorrect_as_expected"]["pass"]
    assert not r["ok_where_incorrect_expected"]["pass"]
    assert r["in_list"]["pass"]
    assert r["honest_time"]["pass"] and r["honest_time"]["got"] == "ok_honest_time"
    assert r["honest_time"]["honest_control"] == "ok_ew_nvcc"
    assert not r["fake_speedup"]["pass"] and "fake speed-up" in r["fake_speedup"]["got"]
    assert r["honest_time_or_incorrect"]["pass"]


def test_forged_reply_leaked_secret_and_forbidden_text_fail(suite_factory):
    s = suite_factory(controls() + [
        case("forged", "incorrect", {"status": "incorrect", "forge": True}),
        case("leaks", "incorrect", {"status": "incorrect", "leak": True}),
        case("leaks_hex", "incorrect", {"status": "incorrect", "leak": "hex"}),
        case("forbidden", "incorrect", {"status": "incorrect", "say": "ptrace attach succeeded"},
             forbid_in_reply=["ptrace attach succeeded"]),
        case("clean", "incorrect", {"status": "incorrect", "say": "nothing to see"},
             forbid_in_reply=["ptrace attach succeeded"]),
    ])
    r = run_all(s)
    assert not r["forged"]["pass"] and "nobody asked for" in r["forged"]["checks"][0]
    assert not r["leaks"]["pass"] and "secret appears in a reply (plain)" in r["leaks"]["checks"][0]
    assert not r["leaks_hex"]["pass"] and "(hex)" in r["leaks_hex"]["checks"][0]
    assert not r["forbidden"]["pass"] and "forbidden" in r["forbidden"]["checks"][0]
    assert r["clean"]["pass"]
    # The secret is in the worker's environment only, never in the driver's own.
    assert "PIKE_SUITE_SECRET" not in os.environ


def test_dead_or_hung_worker_is_a_failure_and_is_restarted(suite_factory):
    s = suite_factory(controls() + [
        case("kills_worker", ["runtime_error"], {"die": True}),
        case("after_death", "incorrect", {"status": "incorrect"}),
        case("hangs_worker", ["timeout"], {"hang": True}, max_seconds=2),
        case("after_hang", "incorrect", {"status": "incorrect"}),
    ])
    r = run_all(s)
    assert not r["kills_worker"]["pass"] and not r["kills_worker"]["alive_after"]
    assert r["after_death"]["pass"]
    assert not r["hangs_worker"]["pass"] and "no reply" in r["hangs_worker"]["got"]
    assert r["after_hang"]["pass"]
    assert s.not_alive_after == ["kills_worker", "hangs_worker"]
    assert "worker NOT alive after: kills_worker, hangs_worker" in s.summary()
    assert not s.ok()


def test_controls_every_five_cases_and_summary(suite_factory):
    s = suite_factory(controls() + [case("c%d" % k, "incorrect", {"status": "incorrect"}) for k in range(10)]
                      + [case("fatal_one", "runtime_error", {"status": "runtime_error"}, fatal=True)])
    run_all(s)
    # 12 cases: a control after the 5th and 10th, and one right after the fatal case.
    assert [c["after"] for c in s.control_runs] == ["c2", "c7", "fatal_one"]
    assert s.ok()
    assert s.summary() == "13/13 as expected; honest controls 5/5 ok; worker alive after every case"


def test_repeat_sends_the_request_again(suite_factory):
    s = suite_factory(controls() + [case("twice", "ok_honest_time", {"median_ms": 1.0}, repeat=2)])
    r = run_all(s)
    assert r["twice"]["pass"] and r["twice"]["got"] == "ok_honest_time / ok_honest_time"


def test_template_substitutes_request_id_and_fifo():
    c = {"name": "t", "file": "x.cu", "task": "elementwise", "mode": "nvcc", "template": True,
         "reference": "@FIFO@"}
    req = corpus.evaluate_request(c, {"elementwise": "/r.pt"}, source='id "@REQ_ID@" fifo "@FIFO@"',
                                  fifo="/tmp/f", request_id="rid-7")
    assert req["candidate"]["source"] == 'id "rid-7" fifo "/tmp/f"'
    assert req["reference"]["torchscript"] == "/tmp/f"


def test_manifest_check_finds_broken_manifests():
    cases = corpus.load_manifest()
    errors, hostile, controls_n = check_corpus.check_manifest(cases)
    assert errors == [] and hostile >= check_corpus.MIN_HOSTILE and controls_n >= 11

    def errs(mutate):
        c = copy.deepcopy(cases)
        mutate(c)
        return " | ".join(check_corpus.check_manifest(c)[0])

    assert "missing 'why'" in errs(lambda c: c[-1].pop("why"))
    assert "not a status" in errs(lambda c: c[-1].update(expected="passes"))
    assert "not a status" in errs(lambda c: c[-1].update(expected=["ok", 3]))
    assert "no case uses it" in errs(lambda c: c.remove(next(x for x in c if x["file"] == "hostile_exit.cu")))
    assert "does not exist" in errs(lambda c: c[-1].update(file="nope.cu"))
    assert "hostile cases" in errs(lambda c: [x.update({"class": "control", "expected": "ok"}) for x in c[20:]])
    assert "honest control" in errs(lambda c: c[-1].update(expected="ok_honest_time", honest_control="nope"))
    assert "needs 'launches'" in errs(lambda c: next(x for x in c if x["mode"] == "nvrtc").pop("launches"))
    assert "duplicate" in errs(lambda c: c.append(dict(c[-1])))
    assert "expect_reply must be" in errs(lambda c: c[-1].update(expect_reply=["verify.reference_tf32"]))
    assert "expect_positive must be" in errs(lambda c: c[-1].update(expect_positive="verify.tf32_noise_per_output"))


def test_expected_reply_fields(suite_factory):
    tf32 = {"verify": {"reference_tf32": True, "tf32_noise_per_output": [0.004, 0.002],
                       "atol_per_output": [0.012, 0.01]}}
    want = {"verify.reference_tf32": True}
    s = suite_factory(controls() + [
        case("tf32_as_expected", "ok", {"reply": tf32}, cls="precision", expect_reply=want,
             expect_positive=["verify.tf32_noise_per_output"]),
        case("strict_where_tf32_expected", "ok", {"reply": {"verify": {"reference_tf32": False}}},
             cls="precision", expect_reply=want),
        case("field_missing", "ok", {}, cls="precision", expect_reply=want),
        case("noise_zero", "ok", {"reply": {"verify": {"tf32_noise_per_output": [0.004, 0.0]}}},
             cls="precision", expect_positive=["verify.tf32_noise_per_output"]),
        case("noise_not_a_number", "ok", {"reply": {"verify": {"tf32_noise_per_output": [True]}}},
             cls="precision", expect_positive=["verify.tf32_noise_per_output"]),
        case("failure_extra", "incorrect", {"status": "incorrect", "reply": {"reference_tf32": True,
                                                                            "tf32_noise": 0.01}},
             cls="precision", expect_reply={"reference_tf32": True}, expect_positive=["tf32_noise"]),
    ])
    r = run_all(s)
    assert r["tf32_as_expected"]["pass"], r["tf32_as_expected"]["checks"]
    assert not r["strict_where_tf32_expected"]["pass"]
    assert "verify.reference_tf32 is False, expected True" in r["strict_where_tf32_expected"]["checks"][0]
    assert not r["field_missing"]["pass"] and "has no verify.reference_tf32" in r["field_missing"]["checks"][0]
    assert not r["noise_zero"]["pass"] and "expected > 0" in r["noise_zero"]["checks"][0]
    assert not r["noise_not_a_number"]["pass"]
    assert r["failure_extra"]["pass"], r["failure_extra"]["checks"]


def test_time_budget_marks_the_rest_not_run_and_results_are_saved_as_they_come(suite_factory):
    s = suite_factory(controls() + [case("late_%d" % k, "incorrect", {"status": "incorrect"}) for k in range(3)])
    saved = []
    s.on_result = lambda: saved.append(len(s.results))
    s.run_case_safely(s.order[0])
    s.args.budget_s = 0
    s.started -= 1
    for c in s.order[1:]:
        s.run_case_safely(c)
    r = {x["name"]: x for x in s.results}
    assert r["ok_ew_nvcc"]["pass"]
    assert all(not r["late_%d" % k]["pass"] and r["late_%d" % k]["got"].startswith("not run") for k in range(3))
    assert saved == [1, 2, 3, 4, 5]
    assert not s.ok()
