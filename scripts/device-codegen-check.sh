#!/usr/bin/env bash
# On a GPU machine: generate every slot of the given .mlir files with each of
# its first candidate knob sets (carried build-static/bin/pike-opt), build each launcher with nvcc,
# run it on random inputs, compare with the slot's TorchScript reference and
# time both (test/Codegen/Inputs/gpu_check.py --time).
#
#   scripts/device-codegen-check.sh FILE.mlir [FILE.mlir ...]
# Environment: CANDIDATES (indices into each slot's candidate list, "0 1 2 3 4 5";
# a slot with fewer candidates repeats its last), TOL (relative tolerance,
# default 5e-3: TF32 kernels), KNOBS (a knobs JSON merged into every candidate,
# e.g. the bf16 policy: '{"halfOperands":"bf16","allowTF32":true}'), OUT.
# The reference is the slot's fp32 TorchScript on the CPU, so a bf16 run checks
# bf16 kernels against fp32:
#   KNOBS='{"halfOperands":"bf16","allowTF32":true}' TOL=2e-2 scripts/device-codegen-check.sh test/gpu/codegen/gemm-bf16-shapes.mlir
#   KNOBS='{"variant":"mma-half","halfOperands":"bf16"}' CANDIDATES="0 1" TOL=2e-2 scripts/device-codegen-check.sh test/gpu/codegen/sdpa-shapes.mlir
set -u
cd "$(dirname "$0")/.."
source scripts/device-env.sh || exit 1
OUT=${OUT:-/tmp/pike-codegen-check}
TOL=${TOL:-5e-3}
CANDIDATES=${CANDIDATES:-0 1 2 3 4 5}
rm -rf "$OUT" && mkdir -p "$OUT"
bundles=()
for f in "$@"; do
  base=$(basename "$f" .mlir)
  for i in $CANDIDATES; do
    b=$OUT/$base-$i
    mkdir -p "$b"
    "$PIKE_OPT" "$f" -pike-generate-kernels="dump-dir=$b/cu host-ref-dir=$b/host candidate=$i${KNOBS:+ knobs=$KNOBS}" \
      -pike-emit-torchscript="reference-dir=$b/ref" -o "$b/kernels.mlir" 2>"$b/generate.log" ||
      echo "generate failed: $f candidate $i ($(head -3 "$b/generate.log"))"
    grep -o 'pike.kernel @[a-z0-9_]*\|pike.summary = "[^"]*"' "$b/kernels.mlir" | paste - - >"$b/summary.txt"
    bundles+=("$b")
  done
done
cat "$OUT"/*/summary.txt
$PY test/Codegen/Inputs/gpu_check.py --time --tol "$TOL" "${bundles[@]}"
