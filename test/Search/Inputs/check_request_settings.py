#!/usr/bin/env python3
"""Prints which check settings reached the (TEST-ONLY fake GPU) worker in a search.

  check_request_settings.py CHECKPOINT.jsonl

One line: `candidates: profile=<values> tf32_bound=<values> reference_tf32=<values>`
over the candidate evaluations (the fake GPU echoes each request's `profile` and
`tf32_bound` as `test_fake_check_request` and its `timing` object as
`test_fake_timing_request`), so a lit test sees what the search passes sent.
"""
import json
import sys

profile, bound, ref_tf32, n = set(), set(), set(), 0
for line in open(sys.argv[1]):
    rec = json.loads(line)
    if rec.get("type") != "eval":
        continue
    details = ((rec.get("candidate") or {}).get("result") or {}).get("details") or {}
    echo = details.get("test_fake_check_request")
    if echo is None:
        sys.exit("an evaluation without test_fake_check_request: not the fake GPU?")
    profile.add(str(echo["profile"]).lower())
    bound.add(str(echo["tf32_bound"]).lower())
    timing = details.get("test_fake_timing_request") or {}
    ref_tf32.add(str(timing.get("reference_tf32", False)).lower())
    n += 1
if not n:
    sys.exit("no evaluation in the checkpoint")
print("candidates: profile=%s tf32_bound=%s reference_tf32=%s"
      % (",".join(sorted(profile)), ",".join(sorted(bound)), ",".join(sorted(ref_tf32))))
