#!/usr/bin/env python3
"""Scripted LLM server for pike's tests: speaks the OpenAI chat completions,
Anthropic messages and Gemini generateContent wire formats on 127.0.0.1, and
answers from a script instead of a model. Python standard library only.

    server.py --script script.json --log requests.jsonl [--port 0]

Prints "PORT <n>" on stdout once listening (port 0 picks a free one).

The script is a JSON list (or {"replies": [...]}) of entries, each consumed by
one request, in order. An entry with "match" is only consumed by a request
whose raw body (JSON text, so quotes and newlines appear escaped) contains
that substring (so concurrent or reordered requests still
get their intended reply); entries without "match" take any request. Fields:

    text        reply text (wrapped in the provider's JSON)
    text_file   file holding the reply text, relative to the script
    status      HTTP status (default 200); non-200 sends an error JSON body
    headers     extra response headers, e.g. {"Retry-After": "1"}
    delay       seconds to sleep before answering (longer than a client timeout)
    raw         send this body verbatim (garbage, non-JSON)
    raw_hex     send these bytes (hex), e.g. invalid UTF-8
    usage       {"prompt": n, "completion": m}; default is len(chars)/4
    finish      finish reason (default: the provider's normal stop)
    repeat      serve this entry this many times (default 1; -1 = forever)

When no entry is left the server answers 418 "script exhausted" (not
retryable), so a test that asks more than it scripted fails clearly.

Every request is appended to the log as one JSON line:
{"n", "path", "method", "headers", "body", "inflight", "entry", "time"}.
Headers are logged in full: tests check that keys travel only in headers.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Script:
    def __init__(self, path):
        with open(path) as f:
            data = json.load(f)
        if isinstance(data, dict):
            data = data["replies"]
        base = os.path.dirname(os.path.abspath(path))
        self.entries = []
        for i, e in enumerate(data):
            e = dict(e)
            if "text_file" in e:
                with open(os.path.join(base, e["text_file"])) as f:
                    e["text"] = f.read()
            e["_index"] = i
            e["_left"] = e.get("repeat", 1)
            self.entries.append(e)
        self.lock = threading.Lock()

    def take(self, body):
        with self.lock:
            for e in self.entries:
                if e["_left"] == 0:
                    continue
                if "match" in e and e["match"] not in body:
                    continue
                if e["_left"] > 0:
                    e["_left"] -= 1
                return e
        return None


def openai_reply(model, text, usage, finish):
    return {
        "id": "chatcmpl-scripted", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": finish or "stop"}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1],
                  "total_tokens": usage[0] + usage[1]},
    }


def anthropic_reply(model, text, usage, finish):
    return {
        "id": "msg_scripted", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": finish or "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }


def gemini_reply(model, text, usage, finish):
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                        "finishReason": finish or "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": usage[0], "candidatesTokenCount": usage[1],
                          "totalTokenCount": usage[0] + usage[1]},
        "modelVersion": model,
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep stderr quiet; the JSONL log is the record
        pass

    def do_POST(self):
        srv = self.server
        with srv.count_lock:
            srv.inflight += 1
            srv.n += 1
            n = srv.n
            inflight = srv.inflight
        try:
            reply = self.respond(n, inflight)
        finally:
            # Leave the in-flight count before answering: once the client has the
            # reply it may start the next request, which must not see this one.
            with srv.count_lock:
                srv.inflight -= 1
        self.send(*reply)

    def respond(self, n, inflight):
        """Returns (status, payload, headers, raw) for one request."""
        srv = self.server
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        path = self.path
        if path.endswith("/chat/completions"):
            kind = "openai"
        elif path.endswith("/v1/messages"):
            kind = "anthropic"
        elif ":generateContent" in path and "/v1beta/models/" in path:
            kind = "gemini"
        else:
            kind = None
        entry = srv.script.take(body) if kind else None
        with srv.log_lock, open(srv.log_path, "a") as f:
            f.write(json.dumps({
                "n": n, "path": path, "method": "POST", "kind": kind,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body, "inflight": inflight,
                "entry": entry["_index"] if entry else None, "time": time.time(),
            }) + "\n")
        if kind is None:
            return 404, {"error": {"message": "unknown path " + path}}, {}, False
        if entry is None:
            return 418, {"error": {"message": "script exhausted: no entry left for this request"}}, {}, False
        if entry.get("delay"):
            time.sleep(float(entry["delay"]))
        headers = entry.get("headers", {})
        if "raw_hex" in entry:
            return entry.get("status", 200), bytes.fromhex(entry["raw_hex"]), headers, True
        if "raw" in entry:
            return entry.get("status", 200), entry["raw"], headers, True
        status = entry.get("status", 200)
        if status != 200:
            msg = entry.get("text", "scripted error %d" % status)
            return status, {"error": {"message": msg, "type": "scripted"}}, headers, False
        try:
            req = json.loads(body)
        except ValueError:
            return 400, {"error": {"message": "request body is not JSON"}}, {}, False
        model = req.get("model") or path.split("/models/")[-1].split(":")[0]
        text = entry.get("text", "")
        u = entry.get("usage", {})
        usage = (int(u.get("prompt", max(1, len(body) // 4))),
                 int(u.get("completion", max(1, len(text) // 4))))
        make = {"openai": openai_reply, "anthropic": anthropic_reply, "gemini": gemini_reply}[kind]
        return 200, make(model, text, usage, entry.get("finish")), headers, False

    def send(self, status, payload, headers=None, raw=False):
        if isinstance(payload, bytes):
            data = payload
        else:
            data = payload.encode() if raw else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if raw else "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, str(v))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--script", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.script = Script(args.script)
    srv.log_path = args.log
    srv.log_lock = threading.Lock()
    srv.count_lock = threading.Lock()
    srv.inflight = 0
    srv.n = 0
    open(args.log, "a").close()
    print("PORT %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
