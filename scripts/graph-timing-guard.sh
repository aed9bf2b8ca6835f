#!/usr/bin/env bash
# The CUDA-graph timing guard (sourced-environment of scripts/device-env.sh needed: PY,
# WORKER): the anti-cheat suite's honest controls and stream/timing cases with every
# request in CUDA-graph timing mode (the search's default), about a minute. Prints
# `ok` on its last line when every honest control was ok, else `bad:<controls>`;
# leaves the suite's files in $1 (default /tmp/guard-suite).
set -u
PY=${PY:-python3}
WORKER=${WORKER:-build/tools/pike-worker/pike-worker}
DIR=${1:-/tmp/guard-suite}
timeout 100 $PY test/gpu/worker/run_suite.py --worker "$WORKER" --out "$DIR" --skip-bench --skip-clients \
  --cuda-graph --only 'stream|cuda_graph|cublas|conv_tf32|memo' --budget-s 60 >"$DIR.log" 2>&1
sed -n "/^case /,$ p" "$DIR.log" | cut -c1-140 | head -40
grep -E 'as expected' "$DIR.log" | tail -1
$PY - "$DIR/suite.json" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    print('bad:no-suite-json'); raise SystemExit
runs = r.get('honest_control_runs', [])
bad = sorted({c['name'] for c in runs if not c.get('pass')})
print('ok' if runs and not bad else 'bad:' + (','.join(bad[:5]) or 'no-control-ran'))
PY
