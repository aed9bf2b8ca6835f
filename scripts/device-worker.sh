#!/bin/bash
# Builds pike-worker (and its helper executables) on a GPU host (no MLIR there) and
# runs its GPU anti-cheat suite and benchmark (test/gpu/worker/run_suite.py; the
# corpus and what each case must get: test/gpu/worker/README.md). One call does
# everything, so a lent GPU machine is used once. Results land in $OUT (default
# /tmp/pike-worker-out): suite.json, bench.json, report.json, run.log, the worker's stderr.
#
#   scripts/device-worker.sh [run_suite.py args...]
#   e.g. scripts/device-worker.sh --skip-bench                # the suite alone (~5 min on an H100)
#        scripts/device-worker.sh --load-inline-reps 0        # skip the ~60 s load_inline baseline
#        scripts/device-worker.sh --skip-bench --skip-clients --only 'cheat_|hostile_'   # a subset
#
# If nlohmann_json or libcurl headers are missing on the host (pike's top-level
# CMake asks for both), a bundle in build-deps/ (made by this script's --bundle
# mode on a host that has them) is used for configuring only; pike-worker links neither.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [[ "${1:-}" == "--bundle" ]]; then
  rm -rf build-deps && mkdir -p build-deps/include build-deps/lib build-deps/share/cmake
  cp -r /usr/include/nlohmann build-deps/include/
  cp -r /usr/share/cmake/nlohmann_json build-deps/share/cmake/ 2>/dev/null ||
    cp -r /usr/lib/cmake/nlohmann_json build-deps/share/cmake/
  cp -r "$(dirname "$(find /usr/include -name curl.h -path '*curl/*' | head -1)")" build-deps/include/
  cp -L /usr/lib/x86_64-linux-gnu/libcurl.so build-deps/lib/libcurl.so
  du -sh build-deps
  exit 0
fi

OUT="${OUT:-/tmp/pike-worker-out}"
mkdir -p "$OUT"
# Never enable NVLink multicast on shared hosts.
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"

prefix=()
if [[ -d build-deps ]]; then prefix=(-DCMAKE_PREFIX_PATH="$root/build-deps"); fi
t0=$SECONDS
# pike-worker starts helper executables beside itself (pike-runner, pike-nvrtc) where the
# tree defines them; build whichever exist.
targets() {
  local t list=pike-worker
  for t in pike-runner pike-nvrtc; do
    ninja -C build-device -t query "$t" > /dev/null 2>&1 && list="$list $t"
  done
  echo "$list"
}
if ! { cmake -S . -B build-device -G Ninja -DCMAKE_BUILD_TYPE=Release \
         -DPIKE_BUILD_COMPILER=OFF -DPIKE_BUILD_TESTS=OFF "${prefix[@]}" &&
       ninja -C build-device -j16 $(targets); } > "$OUT/build.log" 2>&1; then
  tail -40 "$OUT/build.log"
  echo "device-worker: build failed (full log in \$OUT/build.log)"
  exit 1
fi
echo "device-worker: built $(targets) in $((SECONDS - t0)) s"
grep -i "cupti" "$OUT/build.log" | head -3

python3 test/gpu/worker/run_suite.py --worker build-device/tools/pike-worker/pike-worker \
  --out "$OUT" "$@" 2>&1 | tee "$OUT/run.log"
exit "${PIPESTATUS[0]}"
