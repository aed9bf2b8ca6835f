#!/usr/bin/env bash
# The LLM loop end to end on a GPU machine, with scripted replies instead of a
# model (issue #8): pike-opt -pike-llm-search on the largest slot of a level-3
# kernelbench task, answered by test/llm_server/server.py from a recorded fix
# chain: a proposal that does not compile, a fix that compiles but is
# incorrect, a second fix that is right. pike-worker compiles, verifies and
# times each one; the right one goes into the package, which is built and timed
# against eager PyTorch. About 2-4 minutes on an H200.
#
#   scripts/device-llm-chain.sh                 (from the repository root, on the GPU machine)
#   DEVICE=cpu WORKER=build-worker/tools/pike-worker/pike-worker \
#     PIKE_OPT=build/tools/pike-opt/pike-opt scripts/device-llm-chain.sh
#                                               (dry run of the plumbing without a GPU:
#                                                the worker answers that there is no device)
#
# Environment knobs: PIKE_OPT (build-static/bin/pike-opt), WORKER
# (build/tools/pike-worker/pike-worker), OUT (/tmp/pike-llm-chain-out),
# WORK (/tmp/pike-llm-chain-work), DEVICE (cuda|cpu), TASK (07_densenet_dense_block),
# CHAIN (test/llm_recordings/07_densenet_dense_block_fix_chain), SEARCH_TIMEOUT_S (240),
# BENCH_TIME_BUDGET (1.0 s of timed reps per method).
#
# What comes back in $OUT: requests.jsonl (every request the scripted server
# saw), rec/ (the recorded exchanges), search-report.json and trace.json (the
# search), report.json and report.md (the package), pike-opt.log, results/
# (bench.py), summary.txt (what this script printed).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
T0=$(date +%s)
TASK=${TASK:-07_densenet_dense_block}
CHAIN=${CHAIN:-test/llm_recordings/07_densenet_dense_block_fix_chain}
OUT=${OUT:-/tmp/pike-llm-chain-out}
WORK=${WORK:-/tmp/pike-llm-chain-work}
DEVICE=${DEVICE:-cuda}
SEARCH_TIMEOUT_S=${SEARCH_TIMEOUT_S:-240}
BENCH_TIME_BUDGET=${BENCH_TIME_BUDGET:-1.0}
mkdir -p "$OUT" "$WORK"
rm -rf "$WORK/search" "$WORK/pkgs" "$OUT/rec" "$OUT/requests.jsonl" "$OUT/results"
exec > >(tee "$OUT/summary.txt") 2>&1
log() { echo "[$(($(date +%s) - T0))s] $*"; }

nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -2
source scripts/device-env.sh || exit 1
# A carried worker that cannot load its libraries is rebuilt here (GPU run only).
if [ "$DEVICE" != cpu ] && { [ ! -x "$WORKER" ] || ldd "$WORKER" 2>/dev/null | grep -q "not found"; }; then
  log "carried pike-worker cannot load ($(ldd "$WORKER" 2>&1 | grep 'not found' | head -2)); building it"
  cmake -S . -B "$WORK/build-device" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIKE_BUILD_COMPILER=OFF \
    -DPIKE_BUILD_TESTS=OFF >"$OUT/worker-build.log" 2>&1 &&
    ninja -C "$WORK/build-device" -j16 pike-worker >>"$OUT/worker-build.log" 2>&1 ||
    { log "worker build failed"; tail -20 "$OUT/worker-build.log"; exit 1; }
  WORKER=$WORK/build-device/tools/pike-worker/pike-worker
fi
log "pike-opt $PIKE_OPT, worker $WORKER, device $DEVICE, task $TASK, chain $CHAIN"

# 1. Export the task (seed 0: bench.py builds the same weights and inputs).
EXP=$WORK/export/$TASK
$PY kernelbench/export.py "kernelbench/tasks/level3/$TASK.py" -o "$EXP" --device "$DEVICE" --seed 0 \
  >"$WORK/export.log" 2>&1 || { log "export failed"; tail -5 "$WORK/export.log"; exit 1; }
log "exported $TASK"

# 2. The scripted LLM server, on a free port.
$PY test/llm_server/server.py --script "$CHAIN/script.json" --log "$OUT/requests.jsonl" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null' EXIT
PORT=
for _ in $(seq 50); do
  PORT=$(awk '/^PORT/ {print $2}' "$WORK/server.out" 2>/dev/null)
  [ -n "$PORT" ] && break
  sleep 0.2
done
[ -n "$PORT" ] || { log "the scripted server did not start"; cat "$WORK/server.err"; exit 1; }
log "scripted server on port $PORT"

# 3. The search: propose -> compile -> verify -> fix -> time, largest slot only.
#    check=false: the Clang checker is not built into the carried pike-opt, so the
#    proposal's compile error comes from pike-worker's nvcc.
LLM="provider=openai,model=scripted,base-url=http://127.0.0.1:$PORT/v1,retries=0,record-dir=$OUT/rec"
OPTS="llm=\"$LLM\" workers=local:1 worker-path=$WORKER work-dir=$WORK/search"
OPTS="$OPTS search=budget=3,islands=1,fix-attempts=2,parallel=1,generation-size=1 max-slots=1 check=false"
log "pike-opt -pike-llm-search=\"$OPTS\""
timeout -k 5 "$SEARCH_TIMEOUT_S" "$PIKE_OPT" "$EXP/model.pt" --input-spec "$EXP/input_spec.json" \
  --emit=package -o "$WORK/pkgs/$TASK" -pike-llm-search="$OPTS" >"$OUT/pike-opt.log" 2>&1
RC=$?
log "pike-opt exit $RC"
[ $RC -eq 0 ] || tail -20 "$OUT/pike-opt.log"
kill $SERVER_PID 2>/dev/null
wait $SERVER_PID 2>/dev/null
cp "$WORK/search/search-report.json" "$WORK/search/trace.json" "$OUT/" 2>/dev/null
cp "$WORK/pkgs/$TASK/report.json" "$OUT/report.json" 2>/dev/null
cp "$WORK/pkgs/$TASK/report.md" "$OUT/report.md" 2>/dev/null

# 4. What happened: the requests in order, each candidate's verdict, the slot lines.
$PY - "$OUT" <<'PY'
import json, os, sys
out = sys.argv[1]
seq = []
path = os.path.join(out, "requests.jsonl")
for line in open(path) if os.path.exists(path) else []:
    r = json.loads(line)
    body = json.loads(r["body"]) if isinstance(r["body"], str) else r["body"]
    prompt = body["messages"][-1]["content"]
    if "# Task: a fast CUDA kernel" in prompt:
        kind = "propose"
    else:
        what = [l[len("## What went wrong: "):] for l in prompt.splitlines() if l.startswith("## What went wrong: ")]
        kind = "fix " + (what[0] if what else "?")
    seq.append(kind)
    print(f"request {r['n']}: {kind} -> script entry {r.get('entry')}")
    if kind != "propose" and "## What went wrong: " in prompt:
        # The log the fix agent was shown: its first lines that say what failed.
        log = prompt.split("## What went wrong: ", 1)[1].split("```text", 1)[-1].split("```", 1)[0]
        lines = [l.strip() for l in log.splitlines() if l.strip()]
        hits = [l for l in lines if "error" in l.lower() or "mismatch" in l.lower()] or lines
        for l in hits[:2]:
            print("    log:", l[:200])
path = os.path.join(out, "trace.json")
if os.path.exists(path):
    trace = json.load(open(path))
    print("search stop:", trace.get("stopReason"))
    for e in trace.get("events", []):
        print(f"  {e.get('job')} {e.get('kind')}: {e.get('status')} speedup={e.get('speedup')}"
              f" candidate={e.get('candidate', '-')} queries={e.get('queries')}"
              + (f" ({e['failure'][:160]})" if e.get("failure") else ""))
path = os.path.join(out, "report.json")
impl = None
if os.path.exists(path):
    rep = json.load(open(path))
    for s in rep.get("slots", []):
        if s.get("impl") != "reference" or s.get("fallback_reason") or s.get("candidates"):
            keys = ("slot", "impl", "pattern", "reference_ms", "kernel_ms", "speedup", "candidates",
                    "verified", "fallback_reason")
            print("slot", " ".join(f"{k}={str(s[k])[:200]}" for k in keys if k in s))
        if s.get("impl") in ("nvcc", "nvrtc"):
            impl = s["impl"]
want = ["propose", "fix compile_error", "fix incorrect"]
ok = [k.split(" (")[0].split(":")[0] for k in seq] == want and impl is not None
print("CHAIN", "OK" if ok else "NOT AS SCRIPTED", "| requests:", seq, "| searched slot impl:", impl)
PY

# 5. Build the package and time it against eager PyTorch.
P=$WORK/pkgs/$TASK
if [ -f "$P/CMakeLists.txt" ]; then
  log "building the package"
  cmake -S "$P" -B "$P/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$OUT/package-build.log" 2>&1 &&
    cmake --build "$P/build" -j 16 >>"$OUT/package-build.log" 2>&1 ||
    { log "package build failed"; grep -m3 -i error "$OUT/package-build.log"; }
fi
if [ -f "$P/lib/libpike_ops.so" ]; then
  log "timing eager vs pike"
  timeout -k 5 180 $PY kernelbench/bench.py --device "$DEVICE" --levels level3 --tasks "$TASK" \
    --methods eager,pike --pike-packages "$WORK/pkgs" --results-dir "$OUT/results" \
    --time-budget "$BENCH_TIME_BUDGET" \
    --note "scripts/device-llm-chain.sh: -pike-llm-search replaying $CHAIN" >"$OUT/bench.log" 2>&1
  log "bench exit $?"
  tail -15 "$OUT/bench.log"
else
  log "no package library to time"
fi
log "done; outputs in $OUT"
exit 0
