"""Writes a tuning database (JSONL) with one record: the generated code of the
first elementwise slot of a module, keyed by its fingerprint, at speedup 2.

usage: make_db.py regions.json generated.mlir out.db
"""
import json
import re
import sys

regions = json.load(open(sys.argv[1]))["regions"]
ir = open(sys.argv[2]).read()
slot = next(r for r in regions if r["pattern"] == "elementwise")
# The slot's generated source and launches as the generator attached them.
m = re.search(r"pike\.kernel @%s\(.*?attributes \{(.*?)\} \{" % slot["name"], ir, re.S)
attrs = m.group(1)
source = re.search(r'source = "((?:[^"\\]|\\.)*)"', attrs).group(1)
# MLIR prints non-printable bytes, '"' and '\\' as \XX hex escapes.
source = re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), source)
kernel = re.search(r'kernel = "([^"]+)"', attrs).group(1)
grid = [int(x) for x in re.search(r"grid = \[([^\]]*)\]", attrs).group(1).split(",")]
block = [int(x) for x in re.search(r"block = \[([^\]]*)\]", attrs).group(1).split(",")]
torch_version = __import__("torch").__version__.split("+")[0]
record = {
    "key": {"fingerprint": slot["fingerprint"], "arch": "sm_90", "toolkit": sys.argv[4] if len(sys.argv) > 4 else "13.0",
            "torch": torch_version},
    "code": {"source": source, "mode": "nvrtc", "entry": kernel,
             "launches": [{"kernel": kernel, "grid": grid, "block": block, "smem": 0,
                           "args": [f"in{i}" for i in range(len(slot["inputs"]))]
                                   + [f"out{i}" for i in range(len(slot["outputs"]))]}],
             "knobs": {}},
    "speedup": 2.0, "candidateMs": 0.01, "referenceMs": 0.02, "compileMs": 100.0,
    "provenance": {"source": "test"},
}
with open(sys.argv[3], "w") as f:
    f.write(json.dumps(record) + "\n")
