"""Rewrites a one-record tuning database as if its kernel had been searched for
another slot of the same function: every symbol prefix pike_<from> becomes
pike_<to> and the provenance names <to>. With --tamper, the source also gets a
comment, so it is no longer pike's generator output under any name.

usage: rename_record.py in.db out.db FROM TO [--tamper]
"""
import json
import sys

src, dst, old, new = sys.argv[1:5]
record = json.loads(open(src).readline())
code = record["code"]
for field in ("source", "entry"):
    code[field] = code[field].replace("pike_" + old, "pike_" + new)
code["launches"] = json.loads(json.dumps(code["launches"]).replace("pike_" + old, "pike_" + new))
if "--tamper" in sys.argv:
    code["source"] += "\n// not from pike's generator\n"
record["provenance"]["region"] = new
with open(dst, "w") as f:
    f.write(json.dumps(record) + "\n")
