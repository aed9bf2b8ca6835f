#!/usr/bin/env bash
# order=profile on a GPU: export one kernelbench task, time every slot's eager
# reference through pike-worker, search only the MAX_SLOTS slots with the largest
# measured share of eager time, and print each slot's measured time, share and
# whether it was searched.
#
#   scripts/device-profile-order.sh [TASK_PY]   (default: level-3 efficientnet+SE)
# Environment: MAX_SLOTS (2), SEARCH (budget=2), OUT.
set -u
cd "$(dirname "$0")/.."
source scripts/device-env.sh || exit 1
TASK=${1:-kernelbench/tasks/level3/06_efficientnet_mbconv_se.py}
OUT=${OUT:-/tmp/pike-profile-order}
MAX_SLOTS=${MAX_SLOTS:-2}
W=/tmp/pike-profile-order-work
rm -rf "$W" && mkdir -p "$W" "$OUT"
$PY kernelbench/export.py "$TASK" -o "$W/export" --device cuda --seed 0 >"$W/export.log" 2>&1 ||
  { tail -5 "$W/export.log"; exit 1; }
"$PIKE_OPT" "$W/export/model.pt" --input-spec "$W/export/input_spec.json" --emit=kernels \
  -pike-search="order=profile max-slots=$MAX_SLOTS workers=local:1 worker-path=$WORKER work-dir=$W/search search=${SEARCH:-budget=2}" \
  -o "$OUT/kernels.mlir" 2>"$OUT/search.log"
echo "pike-opt exit $?"
grep -m3 "order=profile\|warning" "$OUT/search.log"
# One line per slot: name, measured eager ms, share, searched (has candidates) or not.
grep -o 'pike.kernel @region_[0-9]*\|pike.reference_ms = [0-9.e+-]*\|pike.eager_share = [0-9.e+-]*\|pike.candidates = [0-9]*\|pike.speedup = [0-9.e+-]*\|pike.profile_error = "[^"]*"' \
  "$OUT/kernels.mlir" | awk '/^pike.kernel/ {if (l) print l; l=$0; next} {l=l"  "$0} END {print l}' | tee "$OUT/slots.txt"
