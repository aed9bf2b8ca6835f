#!/usr/bin/env python3
"""Prints how many evaluations of a search's checkpoint were tuning-database seeds.

  count_seed_evaluations.py CHECKPOINT.jsonl   ->   "seed evaluations: N"
"""
import json
import sys

n = 0
for line in open(sys.argv[1]):
    rec = json.loads(line)
    if rec.get("type") == "eval" and rec.get("kind") == "seed":
        n += 1
print("seed evaluations: %d" % n)
