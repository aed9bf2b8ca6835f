#!/bin/bash
# Device suite for `pike-db verify` (run on a GPU machine through the device tool):
# builds pike-db and pike-worker there (no MLIR needed), uses the carried static
# pike-opt (build-static/bin/pike-opt, scripts/build-static-pike-opt.sh) and runs
# verify_db_suite.py. Output in $OUT (default /tmp/pike-verify-db-out).
#
#   test/gpu/tuning_db/run_verify.sh
set -uo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
OUT="${OUT:-/tmp/pike-verify-db-out}"
mkdir -p "$OUT"
source scripts/device-env.sh || exit 1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"
prefix=()
if [[ -d build-deps ]]; then prefix=(-DCMAKE_PREFIX_PATH="$root/build-deps"); fi
if ! { cmake -S . -B build-device -G Ninja -DCMAKE_BUILD_TYPE=Release \
         -DPIKE_BUILD_COMPILER=OFF -DPIKE_BUILD_TESTS=OFF "${prefix[@]}" &&
       ninja -C build-device -j16 pike-worker pike-db; } > "$OUT/build.log" 2>&1; then
  tail -40 "$OUT/build.log"
  echo "run_verify: build failed (full log in \$OUT/build.log)"
  exit 1
fi
$PY test/gpu/tuning_db/verify_db_suite.py --pike-opt "$PIKE_OPT" \
  --pike-db build-device/tools/pike-db/pike-db --worker build-device/tools/pike-worker/pike-worker \
  --out "$OUT" 2>&1 | tee "$OUT/run.log"
exit "${PIPESTATUS[0]}"
