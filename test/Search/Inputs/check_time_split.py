"""Checks the --search-time split recorded on a searched module: every searched
slot has an allotment and a used time, the allotments follow the slots' eager
times (largest first) and sum to the search's job-seconds, and no slot ran
past its allotment by more than `slack` seconds (jobs in flight finish).

usage: check_time_split.py OUT.mlir TOTAL_SEC SLACK_SEC
"""
import re
import sys


def main():
    text = open(sys.argv[1]).read()
    total, slack = float(sys.argv[2]), float(sys.argv[3])
    slots = []
    for line in text.splitlines():
        m = re.search(r"pike\.kernel @(\w+)\(", line)
        if not m:
            continue
        attrs = line  # one slot per line, its attributes included

        def num(key):
            a = re.search(key + r" = ([0-9.eE+-]+)", attrs)
            return float(a.group(1)) if a else None

        slots.append((m.group(1), num("pike.reference_ms"), num("pike.search_allotted_sec"), num("pike.search_sec")))
    searched = [s for s in slots if s[2] is not None]
    if not searched or any(s[3] is None for s in searched):
        sys.exit(f"FAIL: slots without an allotment or a used time: {slots}")
    by_time = sorted(searched, key=lambda s: -s[1])
    by_allot = sorted(searched, key=lambda s: -s[2])
    if [s[0] for s in by_time] != [s[0] for s in by_allot]:
        sys.exit(f"FAIL: allotments do not follow eager times: {searched}")
    allotted = sum(s[2] for s in searched)
    if not (0 < allotted <= total):
        sys.exit(f"FAIL: allotments sum to {allotted}, budget {total}")
    for name, _, allot, used in searched:
        if used > allot + slack:
            sys.exit(f"FAIL: {name} used {used} s of {allot} s")
    print(f"ok: {len(searched)} slots, allotments follow eager time, none over its allotment")


main()
