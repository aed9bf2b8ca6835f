#!/usr/bin/env bash
# pike.compile on a GPU machine (test/gpu/python/compile_on_gpu.py): search=True with a
# local pike-worker, and the shipped tuning database; each package checked on the GPU.
# Carried from the CPU machine: build-static/ (scripts/build-static-pike-opt.sh).
# The worker is built here (no MLIR needed). Output in $OUT.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/pike-python-out}
mkdir -p "$OUT"
source scripts/device-env.sh || exit 1
if [ ! -x "$WORKER" ] || ldd "$WORKER" 2>/dev/null | grep -q "not found"; then
  prefix=()
  [ -d build-deps ] && prefix=(-DCMAKE_PREFIX_PATH="$ROOT/build-deps")
  { cmake -S . -B build-device -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIKE_BUILD_COMPILER=OFF \
      -DPIKE_BUILD_TESTS=OFF "${prefix[@]}" && ninja -C build-device -j16 pike-worker; } >"$OUT/worker-build.log" 2>&1 ||
    { tail -20 "$OUT/worker-build.log"; exit 1; }
  WORKER=$ROOT/build-device/tools/pike-worker/pike-worker
fi
PYTHONPATH=$ROOT/python PIKE_WORKER=$WORKER $PY test/gpu/python/compile_on_gpu.py "$OUT/work" 2>&1 | tee "$OUT/python-entry.log"
exit "${PIPESTATUS[0]}"
