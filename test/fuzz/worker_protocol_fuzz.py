#!/usr/bin/env python3
"""CPU fuzz/abuse suite for pike-worker's protocol (docs/worker.md, "Threat model").

Mutations of valid requests -- truncation at every byte of a few requests, random
bit flips, deep and huge values, wrong types for every field -- over stdio and over
TCP to a worker that wants a token: mutated auth lines (one connection each), then
several concurrent authenticated clients while one stalls on half a line, one floods
requests without authenticating and one disconnects mid-stream. Pass: the worker never dies (no signal, no abort),
never hangs, answers every non-blank line exactly once with a protocol reply, its
evaluator is never restarted, and it exits 0 when its input ends or on shutdown.

    worker_protocol_fuzz.py --worker build/tools/pike-worker/pike-worker [--seed N]

No GPU needed (evaluate answers "no CUDA device"; on a GPU host it still runs).
Failing inputs are written to --out (default: a temp dir) for replay.
"""
import argparse
import collections
import json
import os
import queue
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time

MAX_LINE = 1 << 20  # the worker runs with --max-request-bytes 1048576
TOKEN = "pike-fuzz-token-" + "5" * 24  # the TCP worker requires it (loopback or not)
BATCH_TIMEOUT_S = 60

PING = {"protocol": 1, "op": "ping", "id": 1}
DEVICE = {"protocol": 1, "op": "device_info", "id": "d"}
COMPILE = {"protocol": 1, "op": "compile", "id": "c-1", "arch": "sm_90a", "compile_timeout_ms": 20000,
           "candidate": {"mode": "nvrtc", "source": "__global__ void k(float *p) { p[0] = 1.0f; }\n",
                         "flags": ["-DTILE=16"],
                         "launches": [{"kernel": "k", "grid": [1], "block": [1], "args": ["in0"]}]}}
EVALUATE = {"protocol": 1, "op": "evaluate", "id": 7, "candidate": {"mode": "reference"},
            "reference": {"torchscript": "/nonexistent/ref.pt"},
            "inputs": [{"shape": [4, 4], "dtype": "float32", "init": "normal"}],
            "outputs": [{"shape": [4, 4], "dtype": "float32"}],
            "seeds": [1, 2], "atol": 0.01, "rtol": 0.01,
            "timing": {"warmup": 1, "budget_ms": 1, "min_reps": 1, "max_reps": 2, "enabled": True},
            "deadline_ms": 10000, "profile": False}
BASES = [PING, DEVICE, EVALUATE, COMPILE]
WRONG_VALUES = [None, True, -1, 0, 2**63, -2**63, 1e308, -1e308, 0.5, "", "x" * 1000, "\u0000\uffff",
                [], {}, [[]], {"a": {}}, [1, "a", None], "nan", "-inf"]


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"))


def expected_replies(data: bytes) -> int:
    """Lines the worker answers: each '\\n'-separated segment that is not blank."""
    n = 0
    for seg in data.split(b"\n"):
        if seg.endswith(b"\r"):
            seg = seg[:-1]
        if seg.strip(b" \t"):
            n += 1
    return n


def paths(obj, prefix=()):
    """Every (path) into a JSON value, for wrong-type mutations."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from paths(v, prefix + (i,))


def replaced(obj, path, value):
    if not path:
        return value
    obj = json.loads(json.dumps(obj))
    cur = obj
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = value
    return obj


def mutations(rng: random.Random, compile_flips: int):
    """Yields (kind, bytes) lines, each sent as one line (the bytes hold no trailing newline)."""
    # 1. Truncation at every position of a few requests (ping, evaluate, compile).
    for base in (PING, EVALUATE, COMPILE):
        text = dumps(base).encode()
        for i in range(len(text)):
            yield "truncate", text[:i]
    # 2. Random bit flips (1-8 bits) of every base; compiles are real work, so fewer.
    for base in BASES:
        text = dumps(base).encode()
        count = compile_flips if base is COMPILE else 500
        for _ in range(count):
            b = bytearray(text)
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(b))
                b[i] ^= 1 << rng.randrange(8)
            yield "bitflip", bytes(b)
    # 3. Wrong types for every field of evaluate and ping.
    for base in (EVALUATE, PING):
        for p in paths(base):
            if not p:
                continue
            for v in rng.sample(WRONG_VALUES, 4):
                yield "wrongtype", dumps(replaced(base, p, v)).encode()
    # 4. Deep and huge values.
    deep = 100000
    yield "deep-array", b"[" * deep + b"]" * deep
    yield "deep-object", b'{"a":' * deep + b"1" + b"}" * deep
    for base in BASES:  # forwarded ops are re-serialised by the supervisor: the deep case that crashed it
        yield "deep-in-request", dumps(base)[:-1].encode() + b',"x":' + b"[" * deep + b"]" * deep + b"}"
        yield "deep-in-request", dumps(base)[:-1].encode() + b',"x":' + b'{"a":' * deep + b"0" + b"}" * deep + b"}"
    yield "deep-unclosed", b"[" * deep
    yield "deep-in-string", dumps(replaced(PING, ("id",), "[" * deep)).encode()
    yield "huge-line", b'{"protocol":1,"op":"ping","pad":"' + b"x" * (2 * MAX_LINE) + b'"}'
    yield "huge-array", dumps(replaced(EVALUATE, ("seeds",), list(range(50000)))).encode()
    yield "huge-shape", dumps(replaced(EVALUATE, ("inputs", 0, "shape"), [2**40] * 8)).encode()
    yield "many-dims", dumps(replaced(EVALUATE, ("inputs", 0, "shape"), [1] * 64)).encode()
    yield "huge-number", b'{"protocol":1,"op":"ping","id":' + b"9" * 5000 + b"}"
    yield "exp-overflow", b'{"protocol":1e999999,"op":"ping"}'
    yield "bad-utf8", b'{"protocol":1,"op":"ping","id":"\xff\xfe\xc3"}'
    yield "nul-bytes", b'{"protocol":1,"op":"p\x00ing"}'
    yield "unpaired-surrogate", b'{"protocol":1,"op":"ping","id":"\\ud800"}'
    yield "many-keys", ("{" + ",".join('"k%d":%d' % (i, i) for i in range(100000)) + "}").encode()
    yield "dup-keys", b'{"protocol":1,"protocol":2,"op":"ping","op":"compile"}'
    yield "binary", bytes(rng.randrange(256) for _ in range(4096)).replace(b"\n", b" ")
    for _ in range(300):
        yield "random", bytes(rng.randrange(32, 127) for _ in range(rng.randint(1, 300)))


class Failure(Exception):
    pass


TALLY = collections.Counter()  # what the replies were: status or error code
TALLY_LOCK = threading.Lock()


class LineConn:
    """Reads newline-terminated replies from a file object on a thread."""

    def __init__(self, reader):
        self.q = queue.Queue()
        self.t = threading.Thread(target=self._run, args=(reader,), daemon=True)
        self.t.start()

    def _run(self, reader):
        for line in reader:
            self.q.put(line)
        self.q.put(None)

    def take(self, n, timeout):
        got, deadline = [], time.time() + timeout
        while len(got) < n:
            left = deadline - time.time()
            if left <= 0:
                break
            try:
                line = self.q.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            got.append(line)
        return got


def check_replies(lines, where):
    for raw in lines:
        try:
            r = json.loads(raw)
        except ValueError as e:
            raise Failure(f"{where}: the worker wrote a line that is not JSON: {raw[:200]!r} ({e})")
        if not isinstance(r, dict) or r.get("protocol") != 1:
            raise Failure(f"{where}: reply without protocol 1: {raw[:200]!r}")
        if r.get("op") == "shutdown":
            raise Failure(f"{where}: a mutated line shut the worker down: {raw[:200]!r}")
        kind = r.get("status") or (r.get("error") or {}).get("code") or ("ok" if r.get("ok") else "?")
        with TALLY_LOCK:
            TALLY[kind] += 1


def send_batches(name, write, conn, items, alive, out_dir, batch=40):
    """Sends items in batches; each batch must be answered line for line."""
    sent = answered = 0
    for start in range(0, len(items), batch):
        chunk = items[start:start + batch]
        data = b"".join(b + b"\n" for _, b in chunk)
        want = expected_replies(data)
        write(data)
        got = conn.take(want, BATCH_TIMEOUT_S)
        sent += len(chunk)
        answered += len(got)
        check_replies(got, name)
        if len(got) != want or not alive():
            path = os.path.join(out_dir, f"{name}-failing-batch.jsonl")
            with open(path, "wb") as f:
                f.write(data)
            state = "alive" if alive() else "dead"
            raise Failure(f"{name}: {len(got)} of {want} replies to a batch of "
                          f"{[k for k, _ in chunk][:5]}... within {BATCH_TIMEOUT_S}s (worker {state}); "
                          f"batch written to {path}")
    return sent, answered


def ping_ok(write, conn, where):
    write(b'{"protocol":1,"op":"ping","id":"final"}\n')
    got = conn.take(1, 30)
    if not got:
        raise Failure(f"{where}: no answer to ping after the fuzzing")
    r = json.loads(got[0])
    if r.get("id") != "final" or not r.get("ok"):
        raise Failure(f"{where}: bad ping reply {got[0][:200]!r}")
    if r.get("restarts", 0) != 0:
        raise Failure(f"{where}: the evaluator was restarted {r['restarts']} time(s) "
                      f"(last death: {r.get('last_death')})")
    return r


def worker_cmd(args, cache):
    return [args.worker, "--cache-dir", cache, "--max-request-bytes", str(MAX_LINE)]


def env_without_test_ops():
    env = dict(os.environ)
    env.pop("PIKE_WORKER_TEST_OPS", None)
    env.pop("PIKE_WORKER_TOKEN", None)
    return env


def run_stdio(args, items, out_dir, cache):
    p = subprocess.Popen(worker_cmd(args, cache), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=open(os.path.join(out_dir, "stdio-worker.stderr"), "wb"),
                         env=env_without_test_ops())
    conn = LineConn(p.stdout)

    def write(data):
        try:
            p.stdin.write(data)
            p.stdin.flush()
        except OSError as e:
            time.sleep(0.5)
            raise Failure(f"stdio: cannot write to the worker ({e}); its exit status: {p.poll()} "
                          f"(negative: killed by that signal)")

    try:
        sent, answered = send_batches("stdio", write, conn, items, lambda: p.poll() is None, out_dir)
        ping_ok(write, conn, "stdio")
        # EOF mid-line: half a request, then end of input.
        write(b'{"protocol":1,"op":"pi')
        p.stdin.close()
        tail = conn.take(1, 30)
        check_replies(tail, "stdio EOF")
        if len(tail) != 1:
            raise Failure("stdio: the half line before EOF was not answered")
        try:
            rc = p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise Failure("stdio: the worker did not exit within 30 s of EOF")
        if rc != 0:
            raise Failure(f"stdio: the worker exited with {rc} (negative: signal) after EOF")
        return sent, answered
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def authenticate(s, conn, name):
    s.sendall(json.dumps({"protocol": 1, "op": "auth", "id": "auth", "token": TOKEN}).encode() + b"\n")
    got = conn.take(1, BATCH_TIMEOUT_S)
    if not got or not json.loads(got[0]).get("ok"):
        raise Failure(f"{name}: authentication with the right token failed: {got[:1]}")


def mutated_auth(port, rng, out_dir):
    """Truncations and bit flips of the auth line, one connection each: exactly one
    reply (ok only when the token survived intact, else unauthorized) and, when
    refused, the connection closed."""
    line = dumps({"protocol": 1, "op": "auth", "id": "auth", "token": TOKEN}).encode()
    cases = [line[:i] for i in range(1, len(line))]
    for _ in range(100):
        b = bytearray(line)
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        cases.append(bytes(b))
    refused = accepted = 0
    for data in cases:
        if b"\n" in data or not data.strip(b" \t\r"):
            continue  # several lines or a blank one: not one auth attempt
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        try:
            s.sendall(data + b"\n")
            f = s.makefile("rb")
            reply = f.readline()
            if not reply:
                raise Failure(f"auth: no reply to {data[:80]!r}")
            check_replies([reply], "auth")
            r = json.loads(reply)
            if r.get("ok"):
                accepted += 1
                if TOKEN.encode() not in data:
                    raise Failure(f"auth: accepted without the token: {data!r}")
            else:
                refused += 1
                if (r.get("error") or {}).get("code") != "unauthorized":
                    raise Failure(f"auth: refusal is not 'unauthorized': {reply[:200]!r}")
                if f.readline():
                    raise Failure(f"auth: connection still open after a refusal of {data[:80]!r}")
        finally:
            s.close()
    return refused, accepted


def tcp_client(port, name, items, out_dir, results):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=BATCH_TIMEOUT_S)
        conn = LineConn(s.makefile("rb"))
        authenticate(s, conn, name)

        def write(data):
            s.sendall(data)

        sent, answered = send_batches(name, write, conn, items, lambda: True, out_dir)
        ping_ok(write, conn, name)
        results[name] = (sent, answered, None)
        s.close()
    except Exception as e:  # noqa: BLE001 -- reported per client
        results[name] = (0, 0, f"{type(e).__name__}: {e}")


def run_tcp(args, items, out_dir, cache, clients, rng):
    port_file = os.path.join(out_dir, "port")
    env = env_without_test_ops()
    env["PIKE_WORKER_TOKEN"] = TOKEN
    p = subprocess.Popen(worker_cmd(args, cache) + ["--listen", "127.0.0.1:0", "--port-file", port_file],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(out_dir, "tcp-worker.stderr"), "wb"), env=env)
    try:
        deadline = time.time() + 30
        while not os.path.exists(port_file):
            if time.time() > deadline or p.poll() is not None:
                raise Failure(f"tcp: the worker did not start listening (exit {p.poll()})")
            time.sleep(0.05)
        port = int(open(port_file).read())
        refused, accepted = mutated_auth(port, rng, out_dir)
        print(f"tcp auth: {refused} mutated auth lines refused and closed, {accepted} intact ones accepted",
              flush=True)
        # Misbehaving clients: half a line then silence (after authenticating); an
        # unauthenticated one that floods requests; requests then a disconnect.
        staller = socket.create_connection(("127.0.0.1", port))
        authenticate(staller, LineConn(staller.makefile("rb")), "staller")
        staller.sendall(b'{"protocol":1,"op":"ping","id":')
        intruder = socket.create_connection(("127.0.0.1", port))
        try:
            intruder.sendall(b"".join(b + b"\n" for _, b in items[:200]))
        except OSError:
            pass  # refused and closed while it was still sending: expected
        intruder.close()
        quitter = socket.create_connection(("127.0.0.1", port))
        authenticate(quitter, LineConn(quitter.makefile("rb")), "quitter")
        quitter.sendall(b"".join(b + b"\n" for _, b in items[:200]))
        quitter.close()
        shares = [items[i::clients] for i in range(clients)]
        for share in shares:
            rng.shuffle(share)
        results, threads = {}, []
        for i, share in enumerate(shares):
            t = threading.Thread(target=tcp_client, args=(port, f"tcp{i}", share, out_dir, results))
            t.start()
            threads.append(t)
        for t in threads:
            t.join()
        errors = [f"{k}: {v[2]}" for k, v in sorted(results.items()) if v[2]]
        if errors:
            raise Failure("; ".join(errors))
        if p.poll() is not None:
            raise Failure(f"tcp: the worker died (exit {p.returncode})")
        staller.close()
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        closer = LineConn(s.makefile("rb"))
        authenticate(s, closer, "closer")
        s.sendall(b'{"protocol":1,"op":"shutdown","id":"bye"}\n')
        closer.take(1, 30)
        try:
            rc = p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise Failure("tcp: the worker did not exit within 30 s of shutdown")
        if rc != 0:
            raise Failure(f"tcp: the worker exited with {rc} (negative: signal) after shutdown")
        return sum(v[0] for v in results.values()), sum(v[1] for v in results.values())
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", required=True)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("PIKE_FUZZ_SEED", "20261206")))
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--compile-flips", type=int, default=40)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    out_dir = args.out or tempfile.mkdtemp(prefix="pike-worker-fuzz-")
    os.makedirs(out_dir, exist_ok=True)
    cache = os.path.join(out_dir, "cache")
    rng = random.Random(args.seed)
    items = list(mutations(rng, args.compile_flips))
    print(f"seed {args.seed}: {len(items)} mutated lines; artifacts in {out_dir}", flush=True)
    t0 = time.time()
    try:
        sent, answered = run_stdio(args, items, out_dir, cache)
        print(f"stdio: {sent} lines sent, {answered} replies, EOF mid-line answered, exit 0 "
              f"({time.time() - t0:.1f} s)", flush=True)
        t1 = time.time()
        sent, answered = run_tcp(args, items, out_dir, cache, args.clients, rng)
        print(f"tcp (token): {args.clients} clients + a staller + an intruder + a quitter, {sent} lines sent, {answered} replies, "
              f"shutdown exit 0 ({time.time() - t1:.1f} s)", flush=True)
    except Failure as e:
        print(f"FAIL (seed {args.seed}): {e}", flush=True)
        return 1
    print("replies: " + ", ".join(f"{k} {v}" for k, v in TALLY.most_common()))
    print(f"PASS: 0 crashes, 0 hangs, every line answered ({time.time() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
