#!/usr/bin/env bash
# CI check of the build-pipeline integration: a C++ application that uses
# pike_add_optimized_model() (pike-opt -pike-apply-db at build time, no GPU)
# and links the model's custom-op library through LibTorch.
#   build_example.sh <pike build dir> <source dir> <work dir>
set -euo pipefail
build=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
export PATH=/usr/local/cuda/bin:$PATH
python3 "$src/kernelbench/export.py" "$src/kernelbench/tasks/level3/01_mlp.py" -o "$work/model" >/dev/null
cmake -S "$src/docs/examples/optimized-model" -B "$work/app" -G Ninja -DPike_DIR="$build" \
  -DMODEL="$work/model/model.pt" -DINPUT_SPEC="$work/model/input_spec.json" \
  -DDB="$src/data/tuning/h200-builtin.jsonl" >"$work/configure.log" 2>&1 || { tail -30 "$work/configure.log"; exit 1; }
cmake --build "$work/app" -j 2 >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
pkg="$work/app/optimized_model_package"
test -f "$pkg/lib/libpike_ops.so"
grep -q "tuning database" "$pkg/report.md"
# The app links the package: its ops library is a dependency of the executable.
ldd "$work/app/run_model" | grep -q libpike_ops.so
set +e
"$work/app/run_model" 1024x1024 >"$work/run.log" 2>&1
rc=$?
set -e
if [ $rc -eq 3 ]; then
  echo "example built; no CUDA device here, so run_model was not run: $(cat "$work/run.log")"
elif [ $rc -eq 0 ]; then
  echo "example built and ran: $(cat "$work/run.log")"
else
  cat "$work/run.log"; exit 1
fi
