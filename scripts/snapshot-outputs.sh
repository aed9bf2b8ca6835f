#!/usr/bin/env bash
# Snapshot of everything pike generates, for refactors that must not change a byte:
# for every kernelbench task (small shapes) and every codegen test input, the generated
# kernel sources (.cu), host references (.cpp/.json), slot reference modules and the
# package files (apply-db of the shipped database, not built). Writes OUT/manifest.txt
# (sha256 of each file, paths relative to OUT); compare two snapshots with
#   diff OLD/manifest.txt NEW/manifest.txt
#
#   scripts/snapshot-outputs.sh OUT [PIKE_OPT]
# Exports depend only on torch and the task files, so they are cached in
# $PIKE_SNAP_EXPORTS (default /work/snap-exports, shared by worktrees).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out=${1:?usage: snapshot-outputs.sh OUT [PIKE_OPT]}
pike_opt=${2:-$root/build/tools/pike-opt/pike-opt}
exports=${PIKE_SNAP_EXPORTS:-/work/snap-exports}
db=$root/data/tuning/h200-builtin.jsonl
rm -rf "$out" && mkdir -p "$out" "$exports"
out=$(cd "$out" && pwd)
py=${PYTHON:-python3}
[ -x "$root/.venv/bin/python3" ] && py=$root/.venv/bin/python3

for task in "$root"/kernelbench/tasks/level*/*.py; do
  level=$(basename "$(dirname "$task")")
  name=$level-$(basename "$task" .py)
  e=$exports/$name
  if [ ! -f "$e/model.pt" ]; then
    "$py" "$root/kernelbench/export.py" "$task" -o "$e" --small >"$out/export-$name.log" 2>&1 ||
      { echo "export failed: $name (see $out/export-$name.log)"; continue; }
  fi
  d=$out/tasks/$name
  mkdir -p "$d"
  "$pike_opt" "$e/model.pt" --input-spec "$e/input_spec.json" --emit=kernels \
    -pike-generate-kernels="dump-dir=$d/cu host-ref-dir=$d/host" \
    -pike-emit-torchscript="reference-dir=$d/ref" -o "$d/kernels.mlir" 2>"$d/generate.log" ||
    echo "generate failed: $name"
  "$pike_opt" "$e/model.pt" --input-spec "$e/input_spec.json" --emit=package -o "$d/package" \
    -pike-apply-db="$db" --build-package=false >"$d/package.log" 2>&1 || echo "package failed: $name"
done

for f in "$root"/test/Codegen/Inputs/*.mlir "$root"/test/gpu/codegen/*.mlir; do
  base=$(basename "$(dirname "$f")")-$(basename "$f" .mlir)
  for i in 0 1 2 3 4 5; do
    d=$out/codegen/$base-$i
    mkdir -p "$d"
    "$pike_opt" "$f" -pike-generate-kernels="dump-dir=$d/cu host-ref-dir=$d/host candidate=$i" \
      -pike-emit-torchscript="reference-dir=$d/ref" -o "$d/kernels.mlir" 2>"$d/generate.log" ||
      echo "generate failed: $base candidate $i"
  done
done

# Paths of this snapshot (and the exports) are replaced so two snapshots compare.
cd "$out"
find . -type f ! -name manifest.txt ! -name 'export-*.log' -print0 | sort -z |
  while IFS= read -r -d '' f; do
    printf '%s  %s\n' "$(sed -e "s#$out#OUT#g" -e "s#$exports#EXPORTS#g" -e "s#$root#ROOT#g" "$f" | sha256sum | cut -d' ' -f1)" "$f"
  done >manifest.txt
echo "snapshot: $(wc -l <manifest.txt) files in $out/manifest.txt"
