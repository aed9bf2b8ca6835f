"""Hostile clients of pike-worker (GPU suite): malformed and abusive protocol use.

Each function returns a result dict {name, class: "client", expected, got, pass, why, log}
and never raises for a misbehaving worker (that is a failed case). Cases that need their own
worker start it in its own session and kill exactly that process group at the end.
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time

import corpus
from worker_client import WorkerDied

AUTH_OP = "auth"  # docs/worker-protocol.md: {"protocol":1,"op":"auth","token":...} first on a TCP link
EXIT_LIMIT_S = 5.0


def result(name, why, ok, got, log="", **extra):
    r = {"name": name, "class": "client", "expected": "survived", "got": got, "pass": bool(ok),
         "why": why, "log": log}
    r.update(extra)
    return r


def is_error_reply(r):
    return isinstance(r, dict) and (r.get("ok") is False or r.get("status") in ("rejected", "runtime_error"))


# ---- on the suite's main worker (stdio) -------------------------------------------------

def deep_json(worker):
    """1e5-deep arrays (200 KB line) and 1e5-deep objects: an error reply, no crash."""
    got, ok = [], True
    for kind, open_, close_ in (("arrays", "[", "]"), ("objects", '{"a":', "}")):
        depth = 100000
        line = ('{"protocol":1,"op":"ping","id":"deep-%s","x":' % kind + open_ * depth + "0" + close_ * depth
                + "}\n").encode()
        try:
            worker.send_raw(line, expect_ids=["deep-" + kind, None])
            rid, r = worker.wait_any(["deep-" + kind, None], timeout=30)
            worker.forget(["deep-" + kind, None])
            good = is_error_reply(r)
            got.append("%s: %s" % (kind, (r.get("error") or {}).get("code", r.get("status", "ok?"))))
        except (TimeoutError, WorkerDied) as e:
            good = False
            got.append("%s: %s" % (kind, e))
        ok &= good
    return result("client_deep_json", "a request nested 1e5 deep (arrays; objects): error reply, worker up",
                  ok, "; ".join(got), line_bytes=len(line))


def line_over_limit(worker, limit_bytes):
    """One line longer than the worker's limit: a too_long error, no crash, no huge allocation."""
    pad = limit_bytes + (1 << 20)
    head = b'{"protocol":1,"op":"ping","id":"huge","pad":"'
    try:
        worker.send_raw(head, expect_ids=["huge", None])
        chunk = b"a" * (1 << 20)
        for _ in range(pad >> 20):
            worker.send_raw(chunk)
        worker.send_raw(b'"}\n')
        rid, r = worker.wait_any(["huge", None], timeout=120)
        worker.forget(["huge", None])
        ok = is_error_reply(r)
        got = (r.get("error") or {}).get("code", r.get("status", "ok?"))
    except (TimeoutError, WorkerDied) as e:
        ok, got = False, str(e)
    return result("client_line_over_limit", "a %d MiB line (limit %d MiB): error reply, worker up"
                  % (pad >> 20, limit_bytes >> 20), ok, got)


def garbage_lines(worker):
    """Binary junk, non-objects, ill-typed and invalid requests: each gets one error reply."""
    lines = [
        (b"\x00\xff\xfe\x01 not json at all\n", None),
        (b"{\n", None),
        (b"[1,2,3]\n", None),
        (b'"just a string"\n', None),
        (b'{"protocol":1,"op":"evaluate","id":"g1","candidate":"x"}\n', "g1"),
        (b'{"protocol":1,"op":"evaluate","id":"g2"}\n', "g2"),
        (b'{"protocol":1,"op":"evaluate","id":"g3","candidate":{"mode":"nvrtc","source":"x","launches":'
         b'[{"kernel":"k","grid":[-1],"block":[1],"args":["in99"]}]},"reference":{"torchscript":"/nonexistent"},'
         b'"inputs":[],"outputs":[]}\n', "g3"),
        (b'{"protocol":1,"op":"evaluate","id":"g4","candidate":{"mode":"nvcc","source":"x"},'
         b'"reference":{"torchscript":"/nonexistent"},"inputs":[{"shape":[1],"dtype":"complex128"}],'
         b'"outputs":[{"shape":[1],"dtype":"float32"}]}\n', "g4"),
        (b'{"protocol":99,"op":"ping","id":"g5"}\n', "g5"),
        (b'{"protocol":1,"op":"rm -rf /","id":"g6"}\n', "g6"),
    ]
    answered, bad = 0, []
    for data, rid in lines:
        try:
            worker.send_raw(data, expect_ids=[rid])
            _, r = worker.wait_any([rid], timeout=30)
            worker.forget([rid])
            if is_error_reply(r):
                answered += 1
            else:
                bad.append("%r -> %s" % (data[:40], json.dumps(r)[:120]))
        except (TimeoutError, WorkerDied) as e:
            bad.append("%r -> %s" % (data[:40], e))
    return result("client_garbage_lines", "10 malformed lines: one error reply each, worker up",
                  not bad, "%d/%d error replies" % (answered, len(lines)), "; ".join(bad))


def absurd_shapes(worker, refs, good_case):
    """Signatures of 1e12 elements and of an int64-overflowing size: refused, not attempted."""
    bad = []
    got = []
    for label, shape in (("1e12 elements", [1000000, 1000000]), ("2^80 elements", [1 << 40, 1 << 40]),
                         ("2^64 bytes", [1 << 31, 1 << 31, 4])):
        req = corpus.evaluate_request(good_case, refs)
        req["outputs"] = [{"shape": shape, "dtype": "float32"}]
        try:
            r = worker.call(req, timeout=120)
            st = r.get("status")
        except (TimeoutError, WorkerDied) as e:
            st = str(e)
        got.append("%s: %s" % (label, st))
        if st not in ("rejected", "runtime_error"):
            bad.append(label)
    req = corpus.evaluate_request(good_case, refs)
    req["inputs"] = [dict(i, shape=[1 << 40, 1 << 40]) for i in req["inputs"]]
    try:
        st = worker.call(req, timeout=120).get("status")
    except (TimeoutError, WorkerDied) as e:
        st = str(e)
    got.append("inputs 2^80: %s" % st)
    if st not in ("rejected", "runtime_error"):
        bad.append("inputs 2^80")
    return result("client_absurd_shapes", "outputs of 1e12 / 2^80 elements, inputs of 2^80: rejected or "
                  "runtime_error, never attempted", not bad, "; ".join(got))


# ---- on workers of their own --------------------------------------------------------------

def _spawn(exe, args, env, stdin, stderr_path):
    with open(stderr_path, "ab") as err:
        return subprocess.Popen([exe, *args], stdin=stdin, stdout=subprocess.PIPE, stderr=err, env=env,
                                start_new_session=True)


def _reap(proc, limit):
    """Waits up to limit s; kills the process group if still running. Returns (exited, seconds)."""
    t0 = time.time()
    try:
        proc.wait(timeout=limit)
        exited = True
    except subprocess.TimeoutExpired:
        exited = False
    dt = time.time() - t0
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if not exited:
        proc.wait()
    return exited, dt


def stdin_closed_at_start(exe, env, work, stderr_path, runs=10):
    """fd 0 closed before exec, and stdin at EOF from the start: exit within 5 s, every run."""
    times, failures = {"closed": [], "eof": []}, []
    for variant in ("closed", "eof"):
        for k in range(runs):
            cache = os.path.join(work, "cache-stdin")
            if variant == "closed":
                proc = subprocess.Popen(["/bin/sh", "-c", 'exec "$0" "$@" <&-', exe, "--cache-dir", cache],
                                        stdout=subprocess.DEVNULL, stderr=open(stderr_path, "ab"), env=env,
                                        start_new_session=True)
            else:
                proc = subprocess.Popen([exe, "--cache-dir", cache], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=open(stderr_path, "ab"), env=env,
                                        start_new_session=True)
            exited, dt = _reap(proc, EXIT_LIMIT_S)
            times[variant].append(round(dt, 3))
            if not exited:
                failures.append("%s run %d still running after %.0f s" % (variant, k, EXIT_LIMIT_S))
    return result("client_stdin_closed_at_start", "fd 0 closed (%d runs) and stdin at EOF (%d runs): "
                  "exits within %.0f s each" % (runs, runs, EXIT_LIMIT_S), not failures,
                  "exited %d/%d" % (2 * runs - len(failures), 2 * runs), "; ".join(failures), exit_seconds=times)


def eof_mid_line(exe, env, work, stderr_path, refs, good_case):
    """EOF after half a line (3 runs): exit within 5 s. EOF after a full evaluate and half a line:
    the evaluate is answered, then the worker exits."""
    failures, times = [], []
    for k in range(3):
        proc = _spawn(exe, ["--cache-dir", os.path.join(work, "cache-eof")], env, subprocess.PIPE, stderr_path)
        proc.stdin.write(b'{"protocol":1,"op":"ping","id":"half"')
        proc.stdin.close()
        exited, dt = _reap(proc, EXIT_LIMIT_S)
        times.append(round(dt, 3))
        if not exited:
            failures.append("half line, run %d: still running after %.0f s" % (k, EXIT_LIMIT_S))
    proc = _spawn(exe, ["--cache-dir", os.path.join(work, "cache-eof")], env, subprocess.PIPE, stderr_path)
    req = dict(corpus.evaluate_request(good_case, refs), protocol=1, id="inflight")
    data = (json.dumps(req) + "\n").encode() + b'{"protocol":1,"op":"pi'
    out = b""
    try:
        out, _ = proc.communicate(input=data, timeout=120)
    except subprocess.TimeoutExpired:
        failures.append("evaluate + half line: no exit within 120 s")
    _reap(proc, 1)
    replies = [json.loads(l) for l in out.splitlines() if l.strip().startswith(b"{")]
    inflight = [r for r in replies if r.get("id") == "inflight"]
    if not inflight or inflight[0].get("status") != "ok":
        failures.append("the evaluate in flight at EOF got %s" % (inflight[0].get("status") if inflight else "no reply"))
    return result("client_eof_mid_line", "EOF in the middle of a line: clean exit; a request in flight is "
                  "answered first", not failures, "ok" if not failures else "failed", "; ".join(failures),
                  exit_seconds=times)


def _wait_port(port_file, proc, limit=60):
    t0 = time.time()
    while time.time() - t0 < limit:
        if os.path.exists(port_file) and open(port_file).read().strip():
            return int(open(port_file).read())
        if proc.poll() is not None:
            return None
        time.sleep(0.05)
    return None


class Line:
    """A TCP client speaking the line protocol; reads with a timeout."""

    def __init__(self, port, timeout=120):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else (json.dumps(data) + "\n").encode())

    def read(self):
        """The next reply (dict), or None when the worker closed the connection."""
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                return None
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def close(self):
        self.sock.close()


def listen_without_token(exe, env, work, stderr_path):
    """--listen 0.0.0.0:0 with no PIKE_WORKER_TOKEN: refuses to start (nonzero exit, nothing bound)."""
    env = {k: v for k, v in env.items() if k != "PIKE_WORKER_TOKEN"}
    d = tempfile.mkdtemp(prefix="pike-notoken-", dir=work)
    port_file = os.path.join(d, "port")
    proc = _spawn(exe, ["--listen", "0.0.0.0:0", "--port-file", port_file, "--cache-dir", os.path.join(d, "c")],
                  env, subprocess.DEVNULL, stderr_path)
    exited, dt = _reap(proc, 10)
    bound = os.path.exists(port_file)
    ok = exited and proc.returncode not in (0, None) and not bound
    return result("client_listen_without_token", "--listen 0.0.0.0:0 without a token must refuse to start",
                  ok, "exit %s after %.1f s%s" % (proc.returncode if exited else "none", dt,
                                                  ", port file written" if bound else ""))


def token_auth(exe, env, work, stderr_path, refs, good_case):
    """Non-loopback listener with PIKE_WORKER_TOKEN: unauthenticated and wrong-token clients are
    refused, the authenticated one is served; the token never appears in a reply or the log."""
    token = "tok-" + secrets.token_hex(16)
    env = dict(env, PIKE_WORKER_TOKEN=token)
    d = tempfile.mkdtemp(prefix="pike-token-", dir=work)
    port_file = os.path.join(d, "port")
    log_path = os.path.join(d, "stderr.log")
    proc = _spawn(exe, ["--listen", "0.0.0.0:0", "--port-file", port_file, "--cache-dir", os.path.join(d, "c")],
                  env, subprocess.DEVNULL, log_path)
    failures, seen = [], []
    try:
        port = _wait_port(port_file, proc)
        if port is None:
            failures.append("did not start with a token (exit %s)" % proc.poll())
        else:
            # No auth: a ping must not be served.
            c = Line(port, timeout=20)
            c.send({"protocol": 1, "op": "ping", "id": "noauth"})
            r = c.read()
            seen.append(r)
            if r is not None and r.get("ok") is not False:
                failures.append("unauthenticated ping served: %s" % json.dumps(r)[:200])
            c.close()
            # Wrong token.
            c = Line(port, timeout=20)
            c.send({"protocol": 1, "op": AUTH_OP, "id": "badauth", "token": token[:-1] + "x"})
            r = c.read()
            seen.append(r)
            if r is not None:
                c.send({"protocol": 1, "op": "ping", "id": "afterbad"})
                r2 = c.read()
                seen.append(r2)
                if r2 is not None and r2.get("ok") is not False:
                    failures.append("ping after a wrong token served: %s" % json.dumps(r2)[:200])
            c.close()
            # Right token: served.
            c = Line(port, timeout=120)
            c.send({"protocol": 1, "op": AUTH_OP, "id": "auth", "token": token})
            r = c.read()
            seen.append(r)
            c.send({"protocol": 1, "op": "ping", "id": "authping"})
            r = c.read()
            seen.append(r)
            if not r or r.get("ok") is not True:
                failures.append("authenticated ping not served: %s" % json.dumps(r)[:200])
            c.send(dict(corpus.evaluate_request(good_case, refs), protocol=1, id="autheval"))
            r = c.read()
            seen.append(r)
            if not r or r.get("status") != "ok":
                failures.append("authenticated evaluate: %s" % (r or {}).get("status"))
            c.send({"protocol": 1, "op": "shutdown", "id": "bye"})
            c.read()
            c.close()
    except (OSError, ValueError) as e:
        failures.append("client error: %r" % (e,))
    _reap(proc, 30)
    text = json.dumps(seen) + open(log_path, errors="replace").read()
    if token in text:
        failures.append("the token appears in a reply or the worker's log")
    return result("client_token_auth", "0.0.0.0 listener with PIKE_WORKER_TOKEN: no auth / wrong token "
                  "refused, right token served; token never echoed", not failures,
                  "ok" if not failures else "failed", "; ".join(failures))


def tcp_misbehaving_clients(exe, env, work, stderr_path, refs, good_case):
    """Loopback listener: a client stalls after half a line, another sends 1e5-deep JSON, another
    disconnects mid-request; a well-behaved client is served throughout."""
    d = tempfile.mkdtemp(prefix="pike-tcp-", dir=work)
    port_file = os.path.join(d, "port")
    env = {k: v for k, v in env.items() if k != "PIKE_WORKER_TOKEN"}
    proc = _spawn(exe, ["--listen", "127.0.0.1:0", "--port-file", port_file, "--cache-dir", os.path.join(d, "c")],
                  env, subprocess.DEVNULL, stderr_path)
    failures = []
    try:
        port = _wait_port(port_file, proc)
        if port is None:
            raise OSError("worker did not start (exit %s)" % proc.poll())
        stalled = Line(port)
        stalled.send(b'{"protocol":1,"op":"ping","id":"stal')
        deep = Line(port, timeout=30)
        deep.send(b'{"protocol":1,"op":"ping","id":"deep","x":' + b"[" * 100000 + b"]" * 100000 + b"}\n")
        quitter = Line(port)
        quitter.send(dict(corpus.evaluate_request(good_case, refs), protocol=1, id="quitter"))
        quitter.close()
        good = Line(port, timeout=120)
        t0 = time.time()
        good.send({"protocol": 1, "op": "ping", "id": "p1"})
        r = good.read()
        if not r or r.get("ok") is not True:
            failures.append("ping while another client stalls: %s" % r)
        good.send(dict(corpus.evaluate_request(good_case, refs), protocol=1, id="e1"))
        r = good.read()
        if not r or r.get("status") != "ok":
            failures.append("evaluate while another client stalls: %s" % (r or {}).get("status"))
        served_s = time.time() - t0
        r = deep.read()
        if r is not None and not is_error_reply(r):
            failures.append("deep JSON over TCP not refused: %s" % json.dumps(r)[:200])
        # The staller finishes its line: answered, or its connection was closed for stalling.
        try:
            stalled.send(b'l","x":1}\n')
            r = stalled.read()
        except OSError:
            r = None
        if r is not None and (r.get("id") != "stall" or r.get("ok") is not True):
            failures.append("the stalled client's completed line: %s" % r)
        good.send({"protocol": 1, "op": "ping", "id": "p2"})
        r = good.read()
        if not r or r.get("ok") is not True:
            failures.append("final ping: %s" % r)
        good.send({"protocol": 1, "op": "shutdown", "id": "bye"})
        good.read()
        for c in (stalled, deep, good):
            c.close()
    except (OSError, ValueError) as e:
        failures.append("client error: %r" % (e,))
        served_s = None
    exited, _ = _reap(proc, 30)
    if not exited:
        failures.append("did not exit after shutdown")
    return result("client_tcp_misbehaving", "TCP: half-line staller, deep JSON, disconnect mid-request; a "
                  "good client is served meanwhile", not failures, "ok" if not failures else "failed",
                  "; ".join(failures), good_client_served_s=served_s)


def map_stall_retried(exe, env, work, stderr_path, refs, good_case):
    """A runner stuck mapping the buffers (TEST-ONLY hook: the worker's first runner sleeps in
    `map`): the worker kills it within its map deadline, a fresh runner maps them, and the
    request is answered `ok` with phases.map_retries == 1, well inside the request deadline."""
    env = dict(env, PIKE_WORKER_TEST_OPS="1", PIKE_WORKER_TEST_STALL_MAP="1")
    proc = _spawn(exe, ["--cache-dir", os.path.join(work, "cache-map-stall")], env, subprocess.PIPE, stderr_path)
    req = dict(corpus.evaluate_request(good_case, refs), protocol=1, id="stalled-map")
    failures, out, t0 = [], b"", time.time()
    try:
        out, _ = proc.communicate(input=(json.dumps(req) + "\n").encode(), timeout=120)
    except subprocess.TimeoutExpired:
        failures.append("no reply within 120 s")
    dt = time.time() - t0
    _reap(proc, 1)
    replies = [json.loads(l) for l in out.splitlines() if l.strip().startswith(b"{")]
    r = next((x for x in replies if x.get("id") == "stalled-map"), None)
    phases = ((r or {}).get("details") or {}).get("phases") or (r or {}).get("phases") or {}
    if r is None:
        failures.append("no reply")
    elif r.get("status") != "ok":
        failures.append("status %s: %s" % (r.get("status"), str(r.get("log", ""))[:200]))
    elif phases.get("map_retries") != 1:
        failures.append("phases.map_retries = %r (phases: %s)" % (phases.get("map_retries"), sorted(phases)))
    return result("client_map_stall_retried", "a runner stuck in the buffer mapping is replaced once; the "
                  "request is answered ok", not failures, "ok in %.1f s" % dt if not failures else "failed",
                  "; ".join(failures), seconds=round(dt, 1))
