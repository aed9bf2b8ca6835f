#!/usr/bin/env bash
# One device call of a harness run, with a guard: first the anti-cheat suite's honest
# controls and stream/timing cases in CUDA-graph timing mode (the search's default,
# about a minute); if any honest control is not ok there, the search of this call runs
# with graph-timing=false and says so in the run note. Then scripts/device-pike-bench.sh
# with the caller's environment (RUN_ID, LEVELS, TASK_RANGE, ...), its TOTAL_S shortened
# by the time the guard took.
#   RUN_ID=... LEVELS=level3 TASK_RANGE=18-29 CALL_S=580 OUT=$OUT scripts/device-run-part.sh
set -u
cd "$(dirname "$0")/.."
T0=$(date +%s)
CALL_S=${CALL_S:-580}
OUT=${OUT:-/tmp/pike-run-part}
mkdir -p "$OUT"
source scripts/device-env.sh || exit 1
if [ "${GUARD:-1}" = 1 ]; then
  timeout 90 $PY test/gpu/worker/run_suite.py --worker "$WORKER" --out /tmp/guard-suite --skip-bench --skip-clients \
    --cuda-graph --only 'stream|cuda_graph|cublas|conv_tf32|memo' --budget-s 60 >/tmp/guard-suite.log 2>&1
  verdict=$($PY - <<'PY'
import json
try:
    r = json.load(open('/tmp/guard-suite/suite.json'))
except Exception as e:
    print('no-suite-json'); raise SystemExit
runs = r.get('honest_control_runs', [])
bad = sorted({c['name'] for c in runs if not c.get('pass')})
print('ok' if runs and not bad else 'bad:' + (','.join(bad[:5]) or 'no-control-ran'))
PY
)
  echo "[guard $(( $(date +%s) - T0 ))s] CUDA-graph timing suite: $verdict; $(grep -E 'as expected' /tmp/guard-suite.log | tail -1)"
  sed -n "/^case /,$ p" /tmp/guard-suite.log | cut -c1-140 | head -40
  tar czf "$OUT/guard-suite.tgz" -C /tmp guard-suite guard-suite.log 2>/dev/null
  if [ "$verdict" != ok ]; then
    export SEARCH_PASS_OPTS="${SEARCH_PASS_OPTS:-} graph-timing=false"
    echo "[guard] searching with graph-timing=false"
  fi
fi
export OUT TOTAL_S=$((CALL_S - ($(date +%s) - T0)))
scripts/device-pike-bench.sh
