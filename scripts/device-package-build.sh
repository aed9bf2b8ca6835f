#!/usr/bin/env bash
# Package build time on the GPU host, and the prebuilt runtime checked on the
# GPU: export one kernelbench task, write its package from the shipped tuning
# database and build it twice, once with an empty runtime cache (cold: compiles
# runtime.cpp and slot_ops.cpp and stores them) and once warm (links the stored
# objects), printing each build's wall time and CMake's own split; then run the
# warm package on the GPU against the exported model.
#
#   scripts/device-package-build.sh [TASK_PY]   (default: level-3 01_mlp)
# Environment: DB (data/tuning/h200-builtin.jsonl), OUT.
set -u
cd "$(dirname "$0")/.."
source scripts/device-env.sh || exit 1
TASK=${1:-kernelbench/tasks/level3/01_mlp.py}
DB=${DB:-data/tuning/h200-builtin.jsonl}
OUT=${OUT:-/tmp/pike-package-build}
W=/tmp/pike-package-build-work
rm -rf "$W" && mkdir -p "$W" "$OUT"
$PY kernelbench/export.py "$TASK" -o "$W/export" --seed 0 >"$W/export.log" 2>&1 || { tail -5 "$W/export.log"; exit 1; }
build() { # $1: package dir
  local start end
  start=$(date +%s.%N)
  PIKE_PACKAGE_CACHE="$W/cache" "$PIKE_OPT" "$W/export/model.pt" --input-spec "$W/export/input_spec.json" \
    --emit=package -o "$1" -pike-apply-db="$DB" --build-package=true 2>"$1.log"
  local rc=$?
  end=$(date +%s.%N)
  echo "$(basename "$1"): exit $rc, wall $($PY -c "print(round($end - $start, 2))") s"
  grep -m1 "reusing the package runtime" "$1/build.log"
  # Ninja's own log: start/end ms of every step.
  awk 'NR > 1 {printf "  %6d ms  %s\n", $2 - $1, $4}' "$1/build/.ninja_log"
}
build "$W/cold"
build "$W/warm"
$PY - "$W/export" "$W/warm" <<'PY' | tee "$OUT/run.txt"
import json, os, sys, torch
exp, pkg = sys.argv[1:3]
torch.ops.load_library(os.path.join(pkg, "lib", "libpike_ops.so"))
model = torch.jit.load(os.path.join(pkg, "model.pt")).cuda()
ref = torch.jit.load(os.path.join(exp, "model.pt")).cuda()
spec = json.load(open(os.path.join(exp, "input_spec.json")))
torch.manual_seed(0)
xs = [torch.randn(*i["shape"], device="cuda") for i in spec["inputs"]]
with torch.no_grad():
    got, want = model(*xs), ref(*xs)
got = got if isinstance(got, (list, tuple)) else [got]
want = want if isinstance(want, (list, tuple)) else [want]
err = max(float((g - w).abs().max()) for g, w in zip(got, want))
print(f"package on GPU: {len(got)} outputs, max abs err {err:.3g} ({'ok' if err < 1e-2 else 'WRONG'})")
PY
cp "$W"/*.log "$OUT/" 2>/dev/null
