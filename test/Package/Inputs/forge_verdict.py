"""Writes a checker-verdict cache entry accepting the record of a tuning db,
MACed with the key in KEYFILE (what pike's own cache would hold if the checker
had accepted it). usage: forge_verdict.py DB KEYFILE"""
import hashlib
import hmac
import json
import sys

rec = json.loads(open(sys.argv[1]).readline())
code = rec["code"]
kernels = "".join(l["kernel"] + "," for l in code.get("launches", []))
text = "pike-checker-verdict-v1\0" + code["mode"] + "\0" + code["entry"] + "\0" + kernels + "\0" + code["source"]
digest = hashlib.sha256(text.encode()).hexdigest()
key = open(sys.argv[2], "rb").read()
mac = hmac.new(key, (digest + "\0" + "1" + "\0" + "").encode(), hashlib.sha256).hexdigest()
with open(sys.argv[1] + ".checker-verdicts", "w") as f:
    f.write(json.dumps({"digest": digest, "accepted": True, "why": "", "mac": mac}) + "\n")
