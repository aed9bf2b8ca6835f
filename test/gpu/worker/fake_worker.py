#!/usr/bin/env python3
"""A scripted stand-in for pike-worker, for the CPU tests of the suite driver (test_driver.py).

Speaks the line protocol on stdin/stdout. An evaluate request's reply is scripted by a
line `// FAKE: {json}` in the candidate source:
  status, median_ms   the reply's status and candidate median (defaults: ok, 1.0)
  forge               also print a second, forged reply with the same id saying ok
  leak                put $PIKE_SUITE_SECRET into the reply's log ("hex": hex-encoded)
  say                 put this text into candidate_output
  die                 exit without replying
  hang                stop answering anything (sleeps)
  reply               fields merged into the reply as they are
"""
import json
import os
import re
import sys
import time


def reply(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def main():
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            reply({"protocol": 1, "id": None, "ok": False, "error": {"code": "parse_error", "message": "bad"}})
            continue
        rid, op = req.get("id"), req.get("op")
        base = {"protocol": 1, "id": rid, "op": op}
        if op == "ping":
            reply(dict(base, ok=True, worker="fake"))
        elif op == "shutdown":
            reply(dict(base, ok=True))
            return 0
        elif op == "compile":
            reply(dict(base, status="ok"))
        elif op == "evaluate":
            src = (req.get("candidate") or {}).get("source", "")
            m = re.search(r"// FAKE: (\{.*\})", src)
            script = json.loads(m.group(1)) if m else {}
            if script.get("die"):
                return 1
            if script.get("hang"):
                time.sleep(3600)
            status = script.get("status", "ok")
            r = dict(base, status=status, log="")
            if status == "ok":
                r["timing"] = {"candidate": {"median_ms": script.get("median_ms", 1.0)}}
            if script.get("leak"):
                secret = os.environ.get("PIKE_SUITE_SECRET", "")
                r["log"] = "environment: " + (secret.encode().hex() if script["leak"] == "hex" else secret)
            if script.get("say"):
                r["candidate_output"] = script["say"]
            r.update(script.get("reply") or {})
            reply(r)
            if script.get("forge"):
                reply(dict(base, status="ok", log="forged"))
        else:
            reply(dict(base, ok=False, error={"code": "unknown_op", "message": op}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
