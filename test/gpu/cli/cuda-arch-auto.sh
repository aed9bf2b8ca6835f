#!/usr/bin/env bash
# Device check of --cuda-arch=auto with a search (needs a GPU): the search asks
# its worker for the GPU (device_info), keys the tuning records and builds the
# package for it; rebuilding from that database without a search takes the
# records' architecture. Prints PASS/FAIL lines; exit 1 on any FAIL.
#
#   test/gpu/cli/cuda-arch-auto.sh        (on the GPU machine, after scripts/device-env.sh's setup)
# Environment: OUT (default /tmp/pike-cuda-arch).
set -u
cd "$(dirname "$0")/../../.."
source scripts/device-env.sh || exit 1
OUT=${OUT:-/tmp/pike-cuda-arch}
W=$OUT/work
rm -rf "$W" && mkdir -p "$W"
fail=0
check() { if eval "$2"; then echo "PASS: $1"; else echo "FAIL: $1"; fail=1; fi; }

cc=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d ' .')
echo "GPU: $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1), expecting sm_$cc" | tee "$OUT/gpu.txt"
$PY kernelbench/export.py kernelbench/tasks/level3/01_mlp.py -o "$W/model" --device cuda --seed 0 >"$W/export.log" 2>&1 ||
  { tail -5 "$W/export.log"; exit 1; }
"$PIKE_OPT" "$W/model/model.pt" --input-spec "$W/model/input_spec.json" --emit=package -o "$W/pkg" \
  -pike-search="max-slots=1 workers=local:1 worker-path='$WORKER' work-dir='$W/search' db='$W/tune.db' search=budget=2" \
  >"$OUT/search.log" 2>&1
check "search with --cuda-arch=auto exits 0" "[ $? -eq 0 ]"
check "package built for the worker's GPU (CMAKE_CUDA_ARCHITECTURES $cc)" \
  "grep -q 'set(CMAKE_CUDA_ARCHITECTURES $cc)' '$W/pkg/CMakeLists.txt'"
check "module records pike.cuda_arch = sm_$cc" "grep -q 'pike.cuda_arch = \"sm_$cc\"' '$W/pkg/model.pike.mlir'"
records_keyed() { # every record of the database is keyed on sm_$cc
  [ -s "$W/tune.db" ] && ! grep -v "\"arch\": *\"sm_$cc\"" "$W/tune.db" | grep -q .
}
check "tuning records keyed on sm_$cc" records_keyed
"$PIKE_OPT" "$W/model/model.pt" --input-spec "$W/model/input_spec.json" --emit=package -o "$W/pkg2" \
  -pike-apply-db="$W/tune.db" >"$OUT/apply.log" 2>&1
check "apply-db with auto takes the records' arch" \
  "grep -q 'set(CMAKE_CUDA_ARCHITECTURES $cc)' '$W/pkg2/CMakeLists.txt'"
cp "$W/pkg/CMakeLists.txt" "$OUT/package-CMakeLists.txt" 2>/dev/null
exit $fail
