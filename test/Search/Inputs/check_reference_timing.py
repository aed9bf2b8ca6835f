"""Checks from a search's checkpoint that each slot function's reference was
timed once: per task, in evaluation order (parallel=1), every request up to the
first reply with a timing asked for the reference (no timing.reference field),
every later one sent timing.reference=false; every later timed result carries
that first reference time, marked "reused" with the candidate whose evaluation measured it;
and every request carried the timing budget BUDGET_MS. Needs the TEST-ONLY fake
GPU, whose replies echo the request's timing (test_fake_timing_request).

usage: check_reference_timing.py CHECKPOINT BUDGET_MS
"""
import json
import sys


def main():
    path, budget = sys.argv[1], float(sys.argv[2])
    per_task = {}
    for line in open(path):
        record = json.loads(line)
        if record.get("type") == "eval":
            per_task.setdefault(record["task"], []).append(record["candidate"])
    problems = []
    reused = 0
    for task, results in sorted(per_task.items()):
        measured = None  # the first reply's reference timing
        measured_by = None  # the candidate whose evaluation measured it
        for k, candidate in enumerate(results):
            result = candidate["result"]
            details = result.get("details", {})
            asked = details.get("test_fake_timing_request")
            where = f"task {task} evaluation {k + 1}"
            if asked is None:
                problems.append(f"{where}: the fake GPU's reply echoes no timing request")
                continue
            if asked.get("budget_ms") != budget:
                problems.append(f"{where}: budget_ms {asked.get('budget_ms')}, expected {budget}")
            timing = details.get("timing")
            if measured is None:
                if "reference" in asked:
                    problems.append(f"{where}: timing.reference sent before any reference time was known")
                if timing is not None:
                    measured = timing.get("reference")
                    measured_by = candidate["id"]
                    if not measured or measured.get("reused"):
                        problems.append(f"{where}: the first timed reply has no fresh reference time")
                        measured = {}
                continue
            if asked.get("reference") is not False:
                problems.append(f"{where}: the reference was timed again")
            if timing is None:
                if result.get("referenceMs", 0) != 0:
                    problems.append(f"{where}: an untimed result has a reference time")
                continue
            ref = timing.get("reference", {})
            if not ref.get("reused") or ref.get("median_ms") != measured.get("median_ms"):
                problems.append(f"{where}: reference {ref}, expected the reused {measured}")
            elif ref.get("measured_with_candidate") != measured_by:
                problems.append(f"{where}: the reused reference says it was measured with candidate "
                                f"{ref.get('measured_with_candidate')}, not {measured_by}")
            elif result.get("referenceMs") != measured.get("median_ms"):
                problems.append(f"{where}: referenceMs {result.get('referenceMs')} is not the kept time")
            else:
                reused += 1
    if not per_task:
        problems.append("the checkpoint has no evaluation")
    for p in problems:
        print("FAIL:", p)
    if problems:
        sys.exit(1)
    print(f"ok: {len(per_task)} task(s), each reference timed once; {reused} result(s) reused it")


if __name__ == "__main__":
    main()
