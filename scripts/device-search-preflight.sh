#!/usr/bin/env bash
# The search's worker check (issue #15) on a GPU host: with the GPU visible a
# small -pike-search passes the check and searches (exit 0, no fake-GPU warning);
# with it hidden (CUDA_VISIBLE_DEVICES=-1) the same command stops before its
# first job with exit 1 and "sees no GPU", leaving no work directory. The CPU
# suite can only show the second half (test/Search/fail-loudly-no-gpu.mlir).
#
#   scripts/device-search-preflight.sh        (from the repository root)
# Environment: OUT (/tmp/pike-search-preflight).
set -u
cd "$(dirname "$0")/.."
source scripts/device-env.sh || exit 1
OUT=${OUT:-/tmp/pike-search-preflight}
W=/tmp/pike-search-preflight-work
rm -rf "$W" "$OUT" && mkdir -p "$W" "$OUT"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -1 | tee "$OUT/gpu.txt"
MODEL=test/Search/Inputs/three-slots.mlir
ok=1

"$PIKE_OPT" "$MODEL" --emit=kernels -o "$OUT/kernels.mlir" \
  -pike-search="worker-path=$WORKER work-dir=$W/gpu search=budget=2" 2>"$OUT/gpu.log"
rc=$?
echo "GPU visible: pike-opt exit $rc"
grep -a "error\|warning" "$OUT/gpu.log" | head -5
searched=$(grep -c "pike.candidates" "$OUT/kernels.mlir" 2>/dev/null)
echo "GPU visible: slots searched ${searched:-0} of 3"
[ "$rc" = 0 ] && [ "${searched:-0}" = 3 ] && ! grep -q "TEST-ONLY fake GPU\|cannot start" "$OUT/gpu.log" || ok=0

CUDA_VISIBLE_DEVICES=-1 "$PIKE_OPT" "$MODEL" --emit=kernels -o "$W/hidden.mlir" \
  -pike-search="worker-path=$WORKER work-dir=$W/hidden search=budget=2" 2>"$OUT/hidden.log"
rc=$?
echo "GPU hidden: pike-opt exit $rc"
grep -a "error" "$OUT/hidden.log" | head -3
[ "$rc" = 1 ] && grep -q "it sees no GPU" "$OUT/hidden.log" && [ ! -e "$W/hidden" ] || ok=0

[ $ok = 1 ] && echo "PREFLIGHT OK" || echo "PREFLIGHT FAILED"
[ $ok = 1 ]
