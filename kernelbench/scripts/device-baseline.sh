#!/usr/bin/env bash
# GPU baseline for the kernelbench tasks: eager, eager captured in a CUDA graph, and the
# torch.compile modes (default, reduce-overhead, max-autotune with CUDA graphs), in calls
# that each fit the device machine's 10-minute command limit. Run from the repository root:
#
#   KB_RUN_ID=<id> [KB_LEVELS=..] [KB_TASK_RANGE=N-M] [KB_PHASE=all|warm|time] \
#       bash kernelbench/scripts/device-baseline.sh [OUTDIR]     (OUTDIR: $OUT, else /tmp/kb-out)
#
# One harness run may span several calls: every call of it passes the same KB_RUN_ID, each
# covers its own tasks (KB_LEVELS x KB_TASK_RANGE), and the calls' run JSONs are merged on any
# machine with `bench.py --merge` (which refuses parts of different run ids, cards or torch
# versions, and a task timed twice). All methods of a task are always timed in one process,
# on the same weights and inputs. docs/kernelbench.md lists the calls that cover all levels.
#
# Phase A (warm compile): KB_WARM_JOBS processes compile a shard of the tasks with every
#   torch.compile mode (all tasks in the default mode first) and run each once, filling the
#   inductor/triton caches under $TORCHINDUCTOR_CACHE_DIR. Stops starting new compiles at
#   KB_WARM_S; a compile still running then is killed and that (task, mode) is recorded as
#   skipped in phase B. The manifest is kept on the machine under KB_WARM_DIR/<run id>.
# Phase B (timing): KB_TIME_JOBS processes load the compiled code from the warm caches
#   (outside the lock) and run every GPU measurement -- eager reference, CUDA-graph capture,
#   correctness on 3 seeds, warm-up and timed reps -- holding a file lock, so one process
#   times on the GPU at a time. Stops starting new work at KB_TOTAL_S.
# KB_PHASE: all = A then B in this call (default); warm = A only, with up to KB_TOTAL_S for
#   it (for the whole networks, whose max-autotune compiles take minutes); time = B only,
#   reusing the manifest an earlier warm call of the same run left on this machine (if the
#   machine was replaced in between, there is none: this call then warms as in `all`). A
#   time call may cover the tasks of several warm calls (it reads all the run's manifests).
# Merge: one run JSON (+ markdown, plots if matplotlib is there, summary) under OUTDIR/results.
#
# Knobs (environment): KB_RUN_ID (generated when unset; printed), KB_LEVELS (all),
#   KB_TASK_RANGE, KB_TASKS (comma list of names), KB_PHASE (all), KB_TOTAL_S (540),
#   KB_WARM_S (250 in `all`), KB_WARM_JOBS (10), KB_TIME_JOBS (4), KB_COMPILE_THREADS (2),
#   KB_TIME_BUDGET (0.3 s of timed reps per method), KB_DEVICE (cuda), KB_METHODS,
#   KB_WARM_DIR (/tmp/kb-warm), KB_EXTRA (extra bench.py arguments).
# Dry run on a CPU: KB_DEVICE=cpu KB_EXTRA="--small" KB_TASKS=08_softmax,01_mlp KB_WARM_JOBS=2 \
#   KB_TIME_JOBS=2 KB_METHODS=eager,torch_compile bash kernelbench/scripts/device-baseline.sh /tmp/kb
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
OUT_DIR=${1:-${OUT:-/tmp/kb-out}}
PHASE=${KB_PHASE:-all}
TOTAL=${KB_TOTAL_S:-540}
WARM=${KB_WARM_S:-250}
[ "$PHASE" = warm ] && WARM=$((TOTAL - 20))
WARM_JOBS=${KB_WARM_JOBS:-10}
TIME_JOBS=${KB_TIME_JOBS:-4}
DEVICE=${KB_DEVICE:-cuda}
METHODS=${KB_METHODS:-eager,eager_cudagraph,torch_compile,torch_compile_reduce_overhead,torch_compile_max_autotune}
BUDGET=${KB_TIME_BUDGET:-0.3}
EXTRA=${KB_EXTRA:-}
PY=${PYTHON:-python3}
T0=$(date +%s)
RUN_ID=${KB_RUN_ID:-baseline-$(date -u +%Y%m%dT%H%M%SZ)-$$}
case "$PHASE" in all|warm|time) ;; *) echo "device-baseline.sh: error: KB_PHASE must be all, warm or time (got '$PHASE')" >&2; exit 2;; esac
WARM_DIR=${KB_WARM_DIR:-/tmp/kb-warm}/$RUN_ID
WORK=$(mktemp -d /tmp/kb-work.XXXXXX)
mkdir -p "$OUT_DIR/results" "$WARM_DIR"
export PYTHONUNBUFFERED=1
export TORCHINDUCTOR_CACHE_DIR=${TORCHINDUCTOR_CACHE_DIR:-/tmp/kb-inductor-cache}
export TORCHINDUCTOR_COMPILE_THREADS=${KB_COMPILE_THREADS:-2}
export TORCHINDUCTOR_FX_GRAPH_CACHE=1 TORCHINDUCTOR_AUTOGRAD_CACHE=1

SELECT=()
[ -n "${KB_LEVELS:-}" ] && SELECT+=(--levels "$KB_LEVELS")
[ -n "${KB_TASK_RANGE:-}" ] && SELECT+=(--task-range "$KB_TASK_RANGE")
[ -n "${KB_TASKS:-}" ] && SELECT+=(--tasks "$KB_TASKS")
# The name of this call's part: which tasks it covers.
# '+' would be dropped by the device tool's file transfer: levels joined with '_'.
PART=$(echo "${KB_LEVELS:-all}-${KB_TASK_RANGE:-all}" | tr ',/' '__')
[ -n "${KB_TASKS:-}" ] && PART=$PART-tasks$(echo "$KB_TASKS" | cksum | cut -c1-6)

log() { echo "[$(($(date +%s) - T0))s] $*"; }

log "device-baseline: run id $RUN_ID, part $PART, phase $PHASE, out=$OUT_DIR work=$WORK total=${TOTAL}s warm=${WARM}s jobs=$WARM_JOBS/$TIME_JOBS"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,clocks.max.sm,temperature.gpu,power.draw --format=csv 2>&1 | head -3
$PY -c "import torch,sys; print('torch', torch.__version__, 'python', sys.version.split()[0], 'cuda', torch.cuda.is_available())"

COMPILE_METHODS=$(echo "$METHODS" | tr ',' '\n' | grep '^torch_compile' | paste -sd, -)
MANIFEST=()
if [ "$PHASE" = time ]; then
  if ls "$WARM_DIR"/warm-*.json >/dev/null 2>&1; then
    log "phase A skipped: reusing the warm manifests of run $RUN_ID on this machine: $(cd "$WARM_DIR" && ls warm-*.json | sed 's/-[0-9]*\.json$//' | sort -u | paste -sd' ')"
  else
    log "no warm manifest of run $RUN_ID on this machine (another machine?): warming here"
    PHASE=all
  fi
fi
if [ -n "$COMPILE_METHODS" ] && [ "$PHASE" != time ]; then
  log "phase A: warm compile ($COMPILE_METHODS) in $WARM_JOBS processes"
  rm -f "$WARM_DIR"/warm-"$PART"-*.json
  for i in $(seq 0 $((WARM_JOBS - 1))); do
    timeout -k 5 $WARM $PY kernelbench/bench.py --device "$DEVICE" --warm-compile-only "${SELECT[@]}" \
      --methods "$COMPILE_METHODS" --shard $i/$WARM_JOBS --deadline $((T0 + WARM - 15)) --run-id "$RUN_ID" \
      --out-json "$WARM_DIR/warm-$PART-$i.json" $EXTRA >"$WORK/warm-$i.log" 2>&1 &
  done
  wait
  log "phase A done: $(cat "$WORK"/warm-*.log | grep -c ': ok ') compiles ok, $(cat "$WORK"/warm-*.log | grep -c FAILED) failed"
  cp "$WARM_DIR"/warm-"$PART"-*.json "$WORK"/ 2>/dev/null
fi
# Every warm part of this run on this machine: a time call may cover several warm calls' tasks.
[ -n "$COMPILE_METHODS" ] && MANIFEST=(--warm-manifest "$WARM_DIR/warm-*.json")

if [ "$PHASE" != warm ]; then
  NOW=$(date +%s)
  LEFT=$((T0 + TOTAL - NOW))
  log "phase B: timing in $TIME_JOBS processes (GPU lock), ${LEFT}s left"
  for i in $(seq 0 $((TIME_JOBS - 1))); do
    timeout -k 5 $((LEFT - 5)) $PY kernelbench/bench.py --device "$DEVICE" --methods "$METHODS" "${SELECT[@]}" \
      --shard $i/$TIME_JOBS --gpu-lock "$WORK/gpu.lock" "${MANIFEST[@]}" --run-id "$RUN_ID" \
      --deadline $((T0 + TOTAL - 30)) --time-budget "$BUDGET" --no-report \
      --note "kernelbench/scripts/device-baseline.sh part $PART: $TIME_JOBS timing processes share the GPU through a lock; torch.compile caches warmed by $WARM_JOBS parallel processes (warm_compile_s = cold compile time under that contention; compile_s = cache-hit compile time)" \
      --out-json "$WORK/run-$i.json" $EXTRA >"$WORK/run-$i.log" 2>&1 &
  done
  wait
  log "phase B done"
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CARD=$($PY - "$WORK" <<'EOF'
import glob, json, sys
for p in sorted(glob.glob(sys.argv[1] + "/run-*.json")) + sorted(glob.glob(sys.argv[1] + "/warm-*.json")):
    try:
        print(json.load(open(p))["card"]); break
    except Exception:
        pass
else:
    print("unknown")
EOF
)
RUN_JSONS=$(ls "$WORK"/run-*.json 2>/dev/null)
if [ "$PHASE" = warm ]; then
  cp "$WARM_DIR"/warm-"$PART"-*.json "$OUT_DIR/results/" 2>/dev/null
  log "warm only: manifests kept in $WARM_DIR (and copied to $OUT_DIR/results); run KB_PHASE=time with KB_RUN_ID=$RUN_ID next"
elif [ -z "$RUN_JSONS" ]; then
  log "no run JSON was written; see logs"
else
  $PY kernelbench/bench.py --merge $(ls "$WORK"/warm-*.json 2>/dev/null) $RUN_JSONS \
    --out-json "$OUT_DIR/results/$CARD-$STAMP-$PART.json" --results-dir "$OUT_DIR/results"
fi
tar -C "$WORK" -czf "$OUT_DIR/logs-$PART-$PHASE.tar.gz" . 2>/dev/null
grep -h '^\[level' "$WORK"/run-*.log 2>/dev/null | sort
log "done (run id $RUN_ID)"
ls -la "$OUT_DIR" "$OUT_DIR/results"
