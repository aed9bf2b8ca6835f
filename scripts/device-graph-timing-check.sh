#!/usr/bin/env bash
# GPU check of CUDA-graph timing (pike-worker timing.cuda_graph, the search's default):
# the anti-cheat suite's stream/timing classes in graph mode, then a 45 s search of
# ResNet-20 (cuDNN conv candidates, measured without the launcher's host cost).
#   OUT=/tmp/gt scripts/device-graph-timing-check.sh      (carried: build-static, build/tools/pike-worker)
set -u
source scripts/device-env.sh || exit 1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
T0=$(date +%s)
timeout 170 $PY test/gpu/worker/run_suite.py --worker "$WORKER" --out "$OUT/suite" --skip-bench --skip-clients --cuda-graph \
  --only 'stream|thread|daemon|cheat_call|cheat_partial|memo|cuda_graph|cublas|poison_probe|nan|noop|conv' --budget-s 150 > "$OUT/suite.log" 2>&1
echo "suite rc $? in $(( $(date +%s) - T0 ))s"; sed -n "/^case /,$ p" "$OUT/suite.log" | cut -c1-150 | head -45
$PY kernelbench/export.py kernelbench/tasks/level3/19_resnet20_cifar.py -o /tmp/r20 --device cuda --seed 0 > "$OUT/r20-export.log" 2>&1 || tail -5 "$OUT/r20-export.log"
T1=$(date +%s)
timeout 130 "$PIKE_OPT" /tmp/r20/model.pt --input-spec /tmp/r20/input_spec.json --emit=package -o /tmp/r20pkg --search-time=45s \
  -pike-search="workers=local:1 worker-path=$WORKER search=budget=1000,islands=1,elite-k=3,parallel=2 work-dir=/tmp/r20w db=/tmp/r20.db" > "$OUT/r20-search.log" 2>&1
echo "search rc $? in $(( $(date +%s) - T1 ))s"; grep -v "^\s*$" "$OUT/r20-search.log" | grep -iv progress | tail -12
$PY - <<'PY'
import json, collections
r = json.load(open('/tmp/r20w/search-report.json'))
st = collections.Counter()
for t in r.get('tasks', []):
    for c in [c for isl in t.get('islands', []) for c in isl] + t.get('failures', []):
        st[c.get('status', '?')] += 1
    b = t.get('best') or {}
    print(t.get('region', '?')[:40], 'best', b.get('origin'), b.get('speedup'))
print(dict(st))
PY
grep -i -E "cudnn|graph|incorrect|rejected|runtime" /tmp/r20pkg/report.md | head -30
tar czf "$OUT/r20.tgz" /tmp/r20w/search-report.json /tmp/r20pkg/report.md /tmp/r20pkg/report.json 2>/dev/null
echo "total $(( $(date +%s) - T0 ))s"
