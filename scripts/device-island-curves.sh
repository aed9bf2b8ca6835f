#!/usr/bin/env bash
# The PIKE paper's exploitation question on a GPU, for issue #7: one kernelbench
# task searched by the built-in proposer with 1 island / parents from the top 3,
# and with 3 islands (ring migration), at the same budget and seed; then the
# tuning database the first search wrote is replayed with no GPU
# (CUDA_VISIBLE_DEVICES="") and its package's kernel sources are compared with
# the searched package's, byte for byte.
#
#   scripts/device-island-curves.sh            (from the repository root)
#
# Knobs (environment): TASK (level3/13_gpt_block_causal), BUDGET (48 queries per
# slot), SLOTS (3 largest slots), PARALLEL (4 jobs in flight), WORKERS (local:2),
# SEED (1), MIN_SPEEDUP (1.02, the apply-db default), OUT, WORK.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
TASK=${TASK:-level3/13_gpt_block_causal}
BUDGET=${BUDGET:-48}
SLOTS=${SLOTS:-3}
PARALLEL=${PARALLEL:-4}
WORKERS=${WORKERS:-local:2}
SEED=${SEED:-1}
MIN_SPEEDUP=${MIN_SPEEDUP:-1.02}
OUT=${OUT:-/tmp/pike-islands-out}
WORK=${WORK:-/tmp/pike-islands-work}
DEVICE=${DEVICE:-cuda}
T0=$(date +%s)
log() { echo "[$(($(date +%s) - T0))s] $*"; }
mkdir -p "$OUT" "$WORK"
source scripts/device-env.sh || exit 1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -1 | tee "$OUT/gpu.txt"

name=$(basename "$TASK")
$PY kernelbench/export.py "kernelbench/tasks/$TASK.py" -o "$WORK/export" --device "$DEVICE" --seed 0 \
  >"$WORK/export.log" 2>&1 || { log "export failed"; cat "$WORK/export.log"; exit 1; }

search() { # $1 = label, $2 = island options
  local label=$1 islands=$2
  rm -rf "$WORK/$label" && mkdir -p "$WORK/$label"
  local t=$(date +%s)
  "$PIKE_OPT" "$WORK/export/model.pt" --input-spec "$WORK/export/input_spec.json" --emit=package \
    -o "$WORK/$label/pkg" \
    -pike-search="workers=$WORKERS worker-path=$WORKER work-dir=$WORK/$label/search db=$WORK/$label/tune.db max-slots=$SLOTS min-speedup=$MIN_SPEEDUP search=budget=$BUDGET,$islands,parallel=$PARALLEL,generation-size=$PARALLEL,seed=$SEED" \
    >"$WORK/$label/search.log" 2>&1
  local rc=$?
  log "$label: exit $rc in $(($(date +%s) - t)) s; $(grep -a 'search gen' "$WORK/$label/search.log" | tail -1 | tr '\r' '\n' | tail -1)"
  cp "$WORK/$label/search/trace.json" "$OUT/trace-$label.json" 2>/dev/null
  cp "$WORK/$label/search.log" "$OUT/search-$label.log"
  return $rc
}
mkdir -p "$WORK/one-island" "$WORK/three-islands"
search one-island "islands=1,elite-k=3"
search three-islands "islands=3,elite-k=3,migration-interval=8"
$PY scripts/plot_search_trace.py "$OUT/trace-one-island.json" "$OUT/trace-three-islands.json" \
  -o "$OUT/island-curves.png" >"$OUT/plot.log" 2>&1 || log "plot failed: $(tail -1 "$OUT/plot.log")"

# Replay the first search's database with no GPU visible; compare kernel sources.
CUDA_VISIBLE_DEVICES= "$PIKE_OPT" "$WORK/export/model.pt" --input-spec "$WORK/export/input_spec.json" \
  --emit=package -o "$WORK/replayed" -pike-apply-db="$WORK/one-island/tune.db" >"$OUT/replay.log" 2>&1
log "apply-db without a GPU: exit $?"
( cd "$WORK/one-island/pkg" && find . -path ./build -prune -o -type f -print | sort ) >"$WORK/files-searched"
( cd "$WORK/replayed" && find . -path ./build -prune -o -type f -print | sort ) >"$WORK/files-replayed"
if diff -q "$WORK/files-searched" "$WORK/files-replayed" >/dev/null; then
  differ=$(cd "$WORK/one-island/pkg" && while read -r f; do cmp -s "$f" "$WORK/replayed/$f" || echo "$f"; done <"$WORK/files-searched")
  kernels=$(grep -c '^./kernels/' "$WORK/files-searched")
  log "package files: $(wc -l <"$WORK/files-searched"), kernel sources: $kernels; files that differ: ${differ:-none}"
  echo "${differ:-none}" >"$OUT/replay-differs.txt"
else
  log "the replayed package has other files:"; diff "$WORK/files-searched" "$WORK/files-replayed" | head
fi
tar czf "$OUT/packages.tgz" --exclude='*.pt' --exclude=build -C "$WORK" one-island/pkg three-islands/pkg replayed one-island/tune.db 2>/dev/null
log "done"
