#!/usr/bin/env bash
# GPU baseline for the kernelbench tasks: eager vs torch.compile (default) vs
# torch.compile(mode="max-autotune-no-cudagraphs"), in ONE command that fits the
# device machine's 10-minute limit. Run from the repository root:
#
#   bash kernelbench/scripts/device-baseline.sh [OUTDIR]      (OUTDIR defaults to $OUT, else /tmp/kb-out)
#
# Phase A (warm compile): KB_WARM_JOBS parallel processes, each compiling a shard of the
#   tasks with both torch.compile modes (default mode first for every task) and running
#   each once, which fills the inductor/triton caches under $TORCHINDUCTOR_CACHE_DIR.
#   Stops starting new compiles at KB_WARM_S seconds; a compile still running then is
#   killed, and that (task, mode) is recorded as skipped in phase B.
# Phase B (timing): KB_TIME_JOBS processes; each loads its tasks' compiled code from the
#   warm caches (outside the lock) and then runs every GPU measurement -- eager reference,
#   correctness on 3 seeds, warm-up and timed reps -- while holding a file lock, so only
#   one process times on the GPU at a time. All methods of a task are timed in the same
#   process on the same weights and inputs. Stops starting new work at KB_TOTAL_S.
# Merge: one run JSON (+ markdown, plots if matplotlib is there, summary) under OUTDIR/results.
#
# Knobs (environment): KB_TOTAL_S (360), KB_WARM_S (190), KB_WARM_JOBS (10), KB_TIME_JOBS (4),
#   KB_COMPILE_THREADS (2), KB_TIME_BUDGET (0.3 s of timed reps per method), KB_DEVICE (cuda),
#   KB_METHODS, KB_EXTRA (extra bench.py arguments, e.g. "--tasks small" for a dry run).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
OUT_DIR=${1:-${OUT:-/tmp/kb-out}}
TOTAL=${KB_TOTAL_S:-360}
WARM=${KB_WARM_S:-190}
WARM_JOBS=${KB_WARM_JOBS:-10}
TIME_JOBS=${KB_TIME_JOBS:-4}
DEVICE=${KB_DEVICE:-cuda}
METHODS=${KB_METHODS:-eager,torch_compile,torch_compile_max_autotune}
BUDGET=${KB_TIME_BUDGET:-0.3}
EXTRA=${KB_EXTRA:-}
PY=${PYTHON:-python3}
T0=$(date +%s)
WORK=$(mktemp -d /tmp/kb-work.XXXXXX)
mkdir -p "$OUT_DIR/results"
export PYTHONUNBUFFERED=1
export TORCHINDUCTOR_CACHE_DIR=${TORCHINDUCTOR_CACHE_DIR:-/tmp/kb-inductor-cache}
export TORCHINDUCTOR_COMPILE_THREADS=${KB_COMPILE_THREADS:-2}
export TORCHINDUCTOR_FX_GRAPH_CACHE=1 TORCHINDUCTOR_AUTOGRAD_CACHE=1

log() { echo "[$(($(date +%s) - T0))s] $*"; }

log "device-baseline: out=$OUT_DIR work=$WORK total=${TOTAL}s warm=${WARM}s jobs=$WARM_JOBS/$TIME_JOBS"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,clocks.max.sm,temperature.gpu,power.draw --format=csv 2>&1 | head -3
$PY -c "import torch,sys; print('torch', torch.__version__, 'python', sys.version.split()[0], 'cuda', torch.cuda.is_available())"

COMPILE_METHODS=$(echo "$METHODS" | tr ',' '\n' | grep '^torch_compile' | paste -sd, -)
if [ -n "$COMPILE_METHODS" ]; then
  log "phase A: warm compile ($COMPILE_METHODS) in $WARM_JOBS processes"
  for i in $(seq 0 $((WARM_JOBS - 1))); do
    timeout -k 5 $WARM $PY kernelbench/bench.py --device "$DEVICE" --warm-compile-only \
      --methods "$COMPILE_METHODS" --shard $i/$WARM_JOBS --deadline $((T0 + WARM - 15)) \
      --out-json "$WORK/warm-$i.json" $EXTRA >"$WORK/warm-$i.log" 2>&1 &
  done
  wait
  log "phase A done: $(cat "$WORK"/warm-*.log | grep -c ': ok ') compiles ok, $(cat "$WORK"/warm-*.log | grep -c FAILED) failed"
  MANIFEST=(--warm-manifest "$WORK/warm-*.json")
else
  MANIFEST=()
fi

NOW=$(date +%s)
LEFT=$((T0 + TOTAL - NOW))
log "phase B: timing in $TIME_JOBS processes (GPU lock), ${LEFT}s left"
for i in $(seq 0 $((TIME_JOBS - 1))); do
  timeout -k 5 $((LEFT - 5)) $PY kernelbench/bench.py --device "$DEVICE" --methods "$METHODS" \
    --shard $i/$TIME_JOBS --gpu-lock "$WORK/gpu.lock" "${MANIFEST[@]}" \
    --deadline $((T0 + TOTAL - 30)) --time-budget "$BUDGET" --no-report \
    --note "phase B of kernelbench/scripts/device-baseline.sh: $TIME_JOBS timing processes share the GPU through a lock; torch.compile caches warmed by $WARM_JOBS parallel processes (warm_compile_s = cold compile time under that contention; compile_s = cache-hit compile time)" \
    --out-json "$WORK/run-$i.json" $EXTRA >"$WORK/run-$i.log" 2>&1 &
done
wait
log "phase B done"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CARD=$($PY - "$WORK" <<'EOF'
import glob, json, sys
for p in sorted(glob.glob(sys.argv[1] + "/run-*.json")):
    try:
        print(json.load(open(p))["card"]); break
    except Exception:
        pass
else:
    print("unknown")
EOF
)
RUN_JSONS=$(ls "$WORK"/run-*.json 2>/dev/null)
if [ -z "$RUN_JSONS" ]; then
  log "no run JSON was written; see logs"
else
  $PY kernelbench/bench.py --merge $(ls "$WORK"/warm-*.json 2>/dev/null) $RUN_JSONS \
    --out-json "$OUT_DIR/results/$CARD-$STAMP.json" --results-dir "$OUT_DIR/results"
fi
tar -C "$WORK" -czf "$OUT_DIR/logs.tar.gz" . 2>/dev/null
grep -h '^\[level' "$WORK"/run-*.log | sort
log "done"
ls -la "$OUT_DIR" "$OUT_DIR/results"
