"""A suspicious client of pike-worker for the GPU suite: one worker process on stdin/stdout.

Unlike the product client it trusts nothing: it keeps every raw reply line (the suite scans
them for secrets and forbidden strings), records replies whose id it is not waiting for
(a forged or duplicated reply), and starts the worker in its own session so that the suite
can kill exactly the worker's process group if it hangs.
"""
import json
import os
import signal
import subprocess
import threading
import time


class WorkerDied(RuntimeError):
    pass


class Worker:
    def __init__(self, exe, cache, stderr_path, env, extra_args=()):
        self.exe = exe
        self.cache = cache
        self.stderr = open(stderr_path, "ab")
        self.proc = subprocess.Popen([exe, "--cache-dir", cache, *extra_args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, env=env, bufsize=0,
                                     start_new_session=True)
        self.replies = {}
        self.waiting = set()
        self.stray = []      # (id, first 300 bytes) of replies nobody was waiting for
        self.raw = []        # every reply line, as bytes
        self.cv = threading.Condition()
        self.lock = threading.Lock()
        self.n = 0
        self.eof = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cv:
                self.raw.append(line)
                try:
                    msg = json.loads(line)
                    rid = msg.get("id") if isinstance(msg, dict) else None
                except ValueError:
                    self.stray.append(("<not JSON>", line[:300]))
                    self.cv.notify_all()
                    continue
                if rid in self.waiting and rid not in self.replies:
                    self.replies[rid] = msg
                else:
                    self.stray.append((rid, line[:300]))
                self.cv.notify_all()
        with self.cv:
            self.eof = True
            self.cv.notify_all()

    def next_id(self):
        with self.lock:
            self.n += 1
            return "r%d" % self.n

    def send(self, req, rid=None):
        rid = rid or self.next_id()
        line = (json.dumps(dict(req, protocol=1, id=rid)) + "\n").encode()
        self.send_raw(line, expect_ids=[rid])
        return rid

    def send_raw(self, data, expect_ids=()):
        """Writes bytes as they are; replies with one of expect_ids are waited for, not stray."""
        with self.cv:
            self.waiting.update(expect_ids)
        with self.lock:
            try:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError) as e:
                raise WorkerDied("cannot write to pike-worker: %s" % e)

    def wait_any(self, rids, timeout):
        deadline = time.time() + timeout
        with self.cv:
            while True:
                for rid in rids:
                    if rid in self.replies:
                        self.waiting.discard(rid)
                        return rid, self.replies.pop(rid)
                if self.eof:
                    raise WorkerDied("pike-worker exited (code %s)" % self.proc.poll())
                left = deadline - time.time()
                if left <= 0:
                    raise TimeoutError("no reply to %s within %.0f s" % (rids, timeout))
                self.cv.wait(left)

    def wait(self, rid, timeout=600):
        return self.wait_any([rid], timeout)[1]

    def call(self, req, timeout=600):
        return self.wait(self.send(req), timeout)

    def forget(self, rids):
        """Stop waiting for rids (a reply arriving later is then stray)."""
        with self.cv:
            for rid in rids:
                self.waiting.discard(rid)

    def ping(self, timeout=15):
        try:
            r = self.call({"op": "ping"}, timeout=timeout)
            return bool(r.get("ok")), r
        except (TimeoutError, WorkerDied) as e:
            return False, {"error": str(e)}

    def stray_count(self):
        with self.cv:
            return len(self.stray)

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass

    def close(self):
        try:
            self.call({"op": "shutdown"}, timeout=30)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        # Whatever the worker left in its group (a stopped or orphaned evaluator) goes too.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
