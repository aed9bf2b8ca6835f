"""Checks a search whose eager profile had a budget (profile-share): the log's
count of measured and estimated slot functions adds up, at most MAX_MEASURED
were measured, the measured ones are the largest slots and the estimated the
smallest (the profile asks largest first), every slot has exactly one kind of
profile time (an estimated one carries pike.reference_ms_estimated; a searched
slot's pike.reference_ms is the search's own timing), and the profile stopped
within two requests of its share.

usage: check_profile_budget.py OUT.mlir LOG N MAX_MEASURED SHARE_SEC
"""
import re
import sys


def elements(signature):
    total = 0
    for dims in re.findall(r"tensor<([0-9x]+)x?f32>", signature):
        n = 1
        for d in dims.strip("x").split("x"):
            n *= int(d)
        total += n
    return total


def seconds(text):
    # formatDuration below a minute: "1.23s"
    return float(text.rstrip("s"))


def main():
    out, log = open(sys.argv[1]).read(), open(sys.argv[2]).read()
    n, max_measured, share = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    m = re.search(r"profiled (\d+) of (\d+) slot function\(s\) in ([0-9.]+s), (\d+) estimated", log)
    if not m:
        sys.exit("FAIL: no profile line in the log")
    measured, total, wall, estimated = int(m.group(1)), int(m.group(2)), seconds(m.group(3)), int(m.group(4))
    if total != n or measured + estimated != n or not (1 <= measured <= max_measured):
        sys.exit(f"FAIL: {measured} measured + {estimated} estimated of {total} (expected {n}, at most "
                 f"{max_measured} measured)")
    req = re.search(r"a request took ([0-9.]+s) \(median\)", log)
    if not req:
        sys.exit("FAIL: no request time in the log")
    if wall > share + 2 * seconds(req.group(1)):
        sys.exit(f"FAIL: the profile took {wall} s for a {share} s share ({req.group(1)} a request)")
    slots = []
    for line in out.splitlines():
        k = re.search(r"pike\.kernel @(\w+)\((.*?)\) -> (.*?) attributes", line)
        if not k:
            continue
        slots.append((k.group(1), elements(k.group(2) + " " + k.group(3)),
                      "pike.reference_ms_estimated = " in line, "pike.profile_error" in line))
    if len(slots) != n:
        sys.exit(f"FAIL: {len(slots)} slots in the output, expected {n}")
    slots.sort(key=lambda s: -s[1])
    flags = [s[2] for s in slots]
    if flags != [False] * measured + [True] * estimated or any(s[3] for s in slots):
        sys.exit(f"FAIL: estimated slots are not the {estimated} smallest: {slots}")
    print(f"ok: {measured} of {n} measured (the largest), {estimated} estimated (the smallest), "
          f"profile {wall:g} s for a {share:g} s share")


main()
