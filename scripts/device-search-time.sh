#!/usr/bin/env bash
# --search-time on a GPU: export one kernelbench task, search it with the
# built-in proposer under a wall-clock budget (profile included), write the
# package, and print how the time was spent: the profile's cost (functions
# measured and estimated under profile-share, a request's wall and GPU time), the
# split, each slot's searched/allotted seconds, and pike-opt's own wall time.
#
#   scripts/device-search-time.sh [TASK_PY]   (default: level-3 ResNet-20 CIFAR)
# Environment: SEARCH_TIME (2m), PARALLEL (2: jobs in flight), WORKERS (PARALLEL: local
# pike-worker processes), PROFILE_SHARE (0.2), OUT. Prints where the evaluations spent
# their time (scripts/search-phases.py on the checkpoint, kept in OUT).
set -u
cd "$(dirname "$0")/.."
source scripts/device-env.sh || exit 1
TASK=${1:-kernelbench/tasks/level3/19_resnet20_cifar.py}
OUT=${OUT:-/tmp/pike-search-time}
SEARCH_TIME=${SEARCH_TIME:-2m}
W=/tmp/pike-search-time-work
rm -rf "$W" && mkdir -p "$W" "$OUT"
$PY kernelbench/export.py "$TASK" -o "$W/export" --device cuda --seed 0 >"$W/export.log" 2>&1 ||
  { tail -5 "$W/export.log"; exit 1; }
start=$(date +%s.%N)
"$PIKE_OPT" "$W/export/model.pt" --input-spec "$W/export/input_spec.json" --emit=package -o "$OUT/pkg" \
  --search-time="$SEARCH_TIME" \
  -pike-search="workers=local:${WORKERS:-${PARALLEL:-2}} worker-path=$WORKER work-dir=$W/search profile-share=${PROFILE_SHARE:-0.2} search=budget=100000,parallel=${PARALLEL:-2}" \
  2>"$OUT/search.log"
rc=$?
end=$(date +%s.%N)
echo "pike-opt exit $rc, wall $($PY -c "print(round($end - $start, 1))") s (budget $SEARCH_TIME)"
grep "^pike: " "$OUT/search.log" | head -12
echo "warnings: $(grep -c 'warning' "$OUT/search.log")"; grep -m3 'warning' "$OUT/search.log"
grep -m1 "search time" "$OUT/pkg/report.md"
echo "slots with an estimated eager time: $(grep -c 'of eager, estimated' "$OUT/pkg/report.md")"
grep -o 'searched [0-9.]* s of [0-9.]* s allotted' "$OUT/pkg/report.md" | sort | uniq -c | sort -rn | head -20
cp "$W/search/search-report.json" "$OUT/" 2>/dev/null
cp "$W/search/checkpoint.jsonl" "$OUT/" 2>/dev/null
$PY scripts/search-phases.py "$W/search/checkpoint.jsonl" --json "$OUT/search-phases.json"
